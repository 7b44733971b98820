"""Atomic output: build the whole site beside OUT, then swap it in.

A failed build must leave the previous OUT untouched (DESIGN section 4), so nothing is
ever written into OUT itself: files go to a sibling staging folder, and only a complete
tree replaces OUT, with two renames. Staging beside OUT keeps the renames on one
filesystem, where ``os.replace`` is atomic.
"""

from __future__ import annotations

import enum
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath

from sitegen.forked import Forked


class InPlace(enum.Enum):
    """The value of a tree entry whose file is at its place in the staging folder
    already: in a build with nothing to reuse, pages and research-object files are
    written straight there. (A ``Path`` to that place did the same, but 121k of them at
    10k papers, made and compared as strings, cost ~0.4 s on one core.)"""

    IN_PLACE = "in place"


IN_PLACE = InPlace.IN_PLACE
Content = bytes | Path | InPlace
"""Bytes to write, a file to copy (or link) byte-for-byte, or :data:`IN_PLACE`."""
OutputTree = Mapping[str, Content]
"""Site-relative POSIX path -> its content."""


def stage_dir(out: Path) -> Path:
    """A fresh, empty staging folder beside ``out`` (same filesystem)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))


def write_tree(tree: OutputTree, dest: Path, *, link_from: Path | None = None) -> int:
    """Write every entry of ``tree`` under ``dest``; return the number of files.

    A ``Path`` entry inside ``link_from`` (the previous OUT, which sitegen never modifies
    in place: it only replaces it whole) is hard-linked instead of copied, so a rebuild
    stages unchanged files for the price of a link. Anything else is copied: a link to a
    source file would let later edits of that file leak into OUT. A ``Path`` entry that
    already is its target (a page rendered straight into ``dest``) is left as it is.
    """
    made: set[str] = set()
    prefix = f"{link_from}{os.sep}" if link_from is not None else None
    root = f"{dest}/"  # tree paths are POSIX
    for rel in sorted(tree):
        content = tree[rel]
        if content is IN_PLACE:
            continue  # written in place already: by far the most entries of a cold build
        target = root + rel
        if _in_place(content, target):
            continue
        _check_rel(rel)
        parent = target.rpartition("/")[0]
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        if isinstance(content, Path):
            if prefix is not None and str(content).startswith(prefix):
                _link_file(content, target)
            else:
                _copy_file(content, target)
        else:
            with open(target, "wb") as fh:
                fh.write(content)
    return len(tree)


SPLIT_FROM = 4000
"""Entries from which :func:`write_tree_split` shares the work with a forked process."""


def write_tree_split(tree: OutputTree, dest: Path, *, link_from: Path | None = None) -> int:
    """:func:`write_tree` in two processes: a forked one writes the second half.

    A rebuild with no spare tree links every unchanged file of the previous OUT into a
    fresh folder (121k links and 56k folders at 10k papers); those are system calls on
    different folders, which the kernel runs in parallel, so two processes take about
    half the time. Both may make a shared parent folder (``makedirs`` tolerates that).
    If the forked process fails, this one redoes its half, replacing what it wrote.
    """
    root = f"{dest}/"
    paths = sorted(
        rel
        for rel, content in tree.items()
        if content is not IN_PLACE and not _in_place(content, root + rel)
    )
    if len(paths) < SPLIT_FROM:
        return write_tree(tree, dest, link_from=link_from)
    half = len(paths) // 2
    theirs = {rel: tree[rel] for rel in paths[half:]}
    helper = Forked(lambda: write_tree(theirs, dest, link_from=link_from))
    try:
        write_tree(
            {rel: tree[rel] for rel in paths[: half if helper.started else None]},
            dest,
            link_from=link_from,
        )
    finally:
        done = helper.result()
    if helper.started and done is None:
        sync_changes(dest, list(theirs), [], theirs.__getitem__, link_from=link_from)
    return len(tree)


def make_folder(path: str) -> None:
    """``Path(path).mkdir(parents=True, exist_ok=True)``, straight to ``os.mkdir`` for the
    usual folder (one per page or paper, its parent there already): pathlib's way cost as
    much as the system call on thousands of author pages."""
    try:
        os.mkdir(path)
    except FileExistsError:
        if not os.path.isdir(path):
            raise
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)


def write_file(path: str, data: bytes) -> None:
    """``Path(path).write_bytes(data)`` without the file object around the descriptor: a
    page or staged file is written in one go, and the buffered file ``open()`` makes for
    it cost a third of the write (some 5 µs of each of thousands of pages)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _in_place(content: Content, target: str) -> bool:
    """The entry names the file at ``target`` itself (see :class:`InPlace`)."""
    return isinstance(content, Path) and str(content) == target


def _copy_file(src: Path, dst: str) -> None:
    """Copy bytes; a hard link would be cheaper but lets edits to the source leak into OUT."""
    shutil.copyfile(src, dst)


def _link_file(src: Path, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _check_rel(rel: str) -> None:
    """``rel`` must name a file inside the folder: relative, no ``..``, not empty.

    Plain string work (a tree has 100k+ paths), the same rules as the path's parts.
    """
    parts = [part for part in rel.split("/") if part not in ("", ".")]
    if rel.startswith("/") or not parts or ".." in parts:
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")


def _safe_rel(rel: str) -> PurePosixPath:
    _check_rel(rel)
    return PurePosixPath(rel)


def swap_in(staged: Path, out: Path, *, keep: Path | None = None) -> None:
    """Replace ``out`` with ``staged``; the old tree is removed only after the swap.

    With ``keep``, the old tree is renamed there instead of removed (the next build
    syncs it into its staging folder, so a small change costs small I/O).
    """
    old: Path | None = None
    if out.exists():
        old = keep or out.with_name(f".{out.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(out, old)
    try:
        os.replace(staged, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None and keep is None:
        shutil.rmtree(old, ignore_errors=True)


def spare_dir(out: Path) -> Path:
    """Where the tree of the build before last is kept for the next build to sync."""
    return out.with_name(f".{out.name}.spare")


def take_spare(out: Path) -> Path | None:
    """Move the spare tree to a fresh staging name; None when there is none."""
    spare = spare_dir(out)
    if not spare.is_dir():
        return None
    staged = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    os.rmdir(staged)
    os.replace(spare, staged)
    return staged


def sync_tree(
    tree: OutputTree,
    dest: Path,
    *,
    have: Mapping[str, object],
    want: Mapping[str, object],
    link_from: Path | None = None,
) -> int:
    """Make ``dest`` hold exactly ``tree``, touching only the files that differ.

    ``have`` names what each file in ``dest`` holds now and ``want`` what each path of
    ``tree`` must hold (content identities such as CIDs). Files are replaced, never
    rewritten in place: ``dest`` may share inodes with the previous OUT through links.
    """
    changed = [rel for rel in tree if have.get(rel) != want.get(rel, rel)]
    gone = [rel for rel in have if rel not in tree]
    sync_changes(dest, changed, gone, tree.__getitem__, link_from=link_from)
    return len(tree)


def sync_changes(
    dest: Path,
    changed: Iterable[str],
    gone: Iterable[str],
    content: Callable[[str], Content],
    *,
    link_from: Path | None = None,
) -> None:
    """Remove ``gone`` files from ``dest`` and replace ``changed`` ones by ``content(rel)``.

    The caller has compared the trees (:func:`sync_tree`, or a rebuild that knows what
    changed); files are replaced, never rewritten in place, as in ``sync_tree``.
    """
    gone = sorted(gone)
    todo = {rel: content(rel) for rel in changed}
    if any(value is IN_PLACE for value in todo.values()):  # it would be removed, not made
        raise ValueError("a file written in place cannot replace another")
    for rel in gone:
        (dest / _safe_rel(rel)).unlink(missing_ok=True)
    _prune_empty(dest, gone)
    for rel in todo:
        (dest / _safe_rel(rel)).unlink(missing_ok=True)
    write_tree(todo, dest, link_from=link_from)


def _prune_empty(root: Path, removed: Iterable[str]) -> None:
    """Remove folders left empty by ``removed`` files, deepest first."""
    folders = {str(PurePosixPath(rel).parent) for rel in removed} - {"."}
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        path = PurePosixPath(folder)
        while str(path) != ".":
            try:
                os.rmdir(root / path)
            except OSError:
                break
            path = path.parent


def discard(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)
