"""Watch the journal, rebuild into a temporary folder, publish each result to the server.

Builds go to ``<tmp>/sitegen-serve-*/site``, never under the watched source, so writing
output can't trigger another build (the loop Lektor's ``WatchFilter`` guards against). A
failed build leaves the last good one served and its diagnostics shown in the overlay.

Every rebuild is a ``pipeline.build`` with the journal's cache, so it does what a
``sitegen build`` after the same edit does: an edit of a paper's text takes the body-only
rebuild (``sitegen.cache.delta``). The changed paths of a batch are only logged.
"""

from __future__ import annotations

import logging
import queue
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from sitegen.errors import ContentError, Diagnostic, UsageError
from sitegen.serve.builder import BuildCrashError, Builder, BuilderGoneError
from sitegen.serve.server import ServeState
from sitegen.serve.sources import DirSource

log = logging.getLogger(__name__)

WATCHED_DIRS = ("content", "themes", "templates")
CONFIG_FILES = ("sitegen.yaml",)
IGNORED_PARTS = frozenset(
    {".git", ".hg", ".svn", ".sitegen", "__pycache__", "node_modules", ".venv", ".idea"}
)
DEBOUNCE_SECONDS = 0.15
"""Quiet time after the last change before building: an editor's save is several events."""


def is_editor_temp(name: str) -> bool:
    """Swap, backup and lock files editors write next to the file being saved."""
    return (
        name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload"))
        or name.startswith((".#", ".goutputstream-"))
        or (name.startswith("#") and name.endswith("#"))
        or name in ("4913", ".DS_Store", "Thumbs.db")
    )


class SourceFilter:
    """A watchfiles filter: the journal's inputs only, never output or tool folders."""

    def __init__(self, source: Path, ignore: Sequence[Path] = ()) -> None:
        self.source = source.resolve()
        self.ignore = tuple(p.resolve() for p in ignore)

    def __call__(self, _change: watchfiles.Change, path: str) -> bool:
        return self.accepts(Path(path))

    def accepts(self, path: Path) -> bool:
        if any(path == ig or ig in path.parents for ig in self.ignore):
            return False
        try:
            rel = path.relative_to(self.source)
        except ValueError:
            return False
        parts = rel.parts
        if not parts or any(p in IGNORED_PARTS for p in parts) or is_editor_temp(parts[-1]):
            return False
        return parts[0] in WATCHED_DIRS or (len(parts) == 1 and parts[0] in CONFIG_FILES)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What one (re)build did, for the terminal."""

    ok: bool
    version: int
    changed: tuple[str, ...]
    """Source paths (relative to SRC) whose change triggered this build; empty for the first."""
    seconds: float
    root: str | None = None
    papers: int = 0
    pages: int = 0
    diagnostics: tuple[Diagnostic, ...] = ()
    """Errors of a failed build, or warnings of a good one."""
    message: str | None = None
    """A failure that came with no diagnostics (a crash in a stage)."""

    def error_lines(self) -> list[str]:
        lines = [d.format() for d in self.diagnostics if d.severity == "error"]
        if self.message and not lines:
            lines.append(self.message)
        return lines


class LiveSite:
    """Builds ``source`` into a private temp folder and keeps ``state`` pointing at the result."""

    def __init__(
        self,
        source: Path,
        state: ServeState,
        *,
        on_build: Callable[[BuildReport], None] | None = None,
        workdir: Path | None = None,
        own_process: bool = False,
    ) -> None:
        """``own_process``: build in a :class:`~sitegen.serve.builder.Builder`, forked
        here, so make the LiveSite before starting any thread (``sitegen serve`` does)."""
        self.source = source.resolve()
        self.state = state
        self.on_build = on_build
        self.workdir = Path(tempfile.mkdtemp(prefix="sitegen-serve-", dir=workdir)).resolve()
        if self.workdir == self.source or self.source in self.workdir.parents:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise UsageError(
                f"the temporary folder {self.workdir} is inside the journal; set TMPDIR elsewhere"
            )
        self._count = 0
        self._changes: queue.Queue[set[str]] = queue.Queue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._ready_flags: list[threading.Event] = []
        self._watched: set[str] = set()
        """The ``WATCHED_DIRS`` with a recursive watcher."""
        self._filter = SourceFilter(self.source, ignore=[self.workdir])
        self.builder = Builder() if own_process else None

    # -- building ----------------------------------------------------------------------

    def build_once(self, changed: Iterable[str] = ()) -> BuildReport:
        """One build into the served folder; publish it, or publish its errors.

        Always the same folder (``<workdir>/site``): a build replaces it with one rename
        (a failed one leaves it as it was), keeps the tree before as its spare and syncs
        that spare next time, so an edit costs what changed, as ``sitegen build`` does.
        A request still reading a replaced file keeps reading the old one (its inode);
        only the newest root is served, older ``/ipfs/<root>/`` paths redirect to it.
        """
        changed = tuple(sorted(changed))
        if changed:
            log.info("rebuilding after changes to: %s", ", ".join(changed))
        self._count += 1
        out = self.workdir / "site"
        started = time.perf_counter()
        try:
            from sitegen.pipeline import BuildOptions, build

            # the first edit after the first build syncs a spare too (sitegen.cache.spare)
            opts = BuildOptions(source=self.source, output=out, spare_after_cold="now")
            result = self.builder.build(opts) if self.builder is not None else build(opts)
        except BuilderGoneError:
            if self._stop.is_set():  # stopped in the middle of a build: nothing to show
                return BuildReport(False, 0, changed, time.perf_counter() - started)
            message = "build failed: the build process stopped; restart sitegen serve"
            report = BuildReport(False, 0, changed, time.perf_counter() - started, message=message)
        except ContentError as exc:
            diags = tuple(exc.diagnostics)
            report = BuildReport(
                False,
                0,
                changed,
                time.perf_counter() - started,
                diagnostics=diags,
                message=exc.message,
            )
        except Exception as exc:  # a crash must not stop the server; it is shown, not hidden
            log.debug("build crashed:\n%s", traceback.format_exc())
            crashed = isinstance(exc, BuildCrashError)  # worded by the builder already
            message = str(exc) if crashed else f"build failed: {type(exc).__name__}: {exc}"
            report = BuildReport(False, 0, changed, time.perf_counter() - started, message=message)
        else:
            version = self.state.publish(DirSource(out), result.root)
            report = BuildReport(
                True,
                version,
                changed,
                result.seconds,
                root=result.root,
                papers=result.papers,
                pages=result.pages,
                diagnostics=tuple(result.warnings),
            )
        if not report.ok:
            version = self.state.fail(report.error_lines())
            report = BuildReport(
                False,
                version,
                changed,
                report.seconds,
                diagnostics=report.diagnostics,
                message=report.message,
            )
        if self.on_build is not None:
            self.on_build(report)
        return report

    # -- watching ----------------------------------------------------------------------

    def start(self) -> LiveSite:
        """Start watching and rebuilding in background threads.

        The watched folders (``WATCHED_DIRS``) that exist are watched recursively, the
        journal's own folder not (it holds OUT and tools' folders); a watched folder made
        later (a first ``templates/``) is seen there and gets a watcher of its own.
        """
        dirs = [self.source / d for d in WATCHED_DIRS if (self.source / d).is_dir()]
        self._watched = {d.name for d in dirs}
        if dirs:
            self._watch(dirs, recursive=True)
        self._watch([self.source], recursive=False)
        loop = threading.Thread(target=self._loop, name="sitegen-serve-build", daemon=True)
        loop.start()
        self._threads.append(loop)
        return self

    def _watch(self, paths: list[Path], *, recursive: bool) -> threading.Event:
        """A watcher thread over ``paths``; the event is set once it is watching."""
        flag = threading.Event()
        thread = threading.Thread(
            target=self._pump,
            args=(paths, recursive, self._filter, flag),
            name="sitegen-serve-watch",
            daemon=True,
        )
        thread.start()
        self._threads.append(thread)
        self._ready_flags.append(flag)
        return flag

    def _watch_new_folders(self) -> None:
        """Watch the watched folders that were made since (called by the journal's pump)."""
        for name in WATCHED_DIRS:
            if name not in self._watched and (self.source / name).is_dir():
                self._watched.add(name)
                self._watch([self.source / name], recursive=True).wait(5)

    def wait_ready(self, timeout: float) -> bool:
        """True once every watcher is set up, so a change made now will be seen."""
        deadline = time.monotonic() + timeout
        return all(f.wait(max(0.0, deadline - time.monotonic())) for f in self._ready_flags)

    def _pump(
        self, paths: list[Path], recursive: bool, filt: SourceFilter, ready: threading.Event
    ) -> None:
        for changes in watchfiles.watch(
            *paths,
            watch_filter=filt,
            recursive=recursive,
            stop_event=self._stop,
            debounce=50,
            step=20,
            rust_timeout=100,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            ready.set()
            if changes:
                if not recursive:  # the journal's own folder: a watched folder may be new
                    self._watch_new_folders()
                self._changes.put({_display(self.source, p) for _, p in changes})

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                changed = set(self._changes.get(timeout=0.1))
            except queue.Empty:
                continue
            while True:  # debounce: keep collecting until the source is quiet
                try:
                    changed |= self._changes.get(timeout=DEBOUNCE_SECONDS)
                except queue.Empty:
                    break
            if not self._stop.is_set():
                self.build_once(changed)

    def stop(self) -> None:
        """Stop the builder and the threads, and delete the temporary builds."""
        self._stop.set()
        if self.builder is not None:  # a build under way winds down before the folder goes
            self.builder.close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _display(source: Path, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(source).as_posix()
    except ValueError:
        return path
