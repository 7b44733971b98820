"""``ipfs add --only-hash -r`` in Python: walk a path and compute its UnixFS CIDs.

Matches Kubo's adder: hidden entries (names starting with ``.``) are skipped unless asked
for, empty folders are kept, symlinks are stored as UnixFS Symlink nodes holding the link
target (Kubo does not follow them), and anything else that is not a regular file or folder
(sockets, FIFOs, devices) is an error naming the path.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import ContentError, Diagnostic
from sitegen.ipfs.cid import cid_to_str
from sitegen.ipfs.dagpb import T_SYMLINK, encode_pbnode, encode_unixfs
from sitegen.ipfs.dirs import build_directory
from sitegen.ipfs.files import Emit, Node, dag_pb_node, import_bytes, import_stream
from sitegen.ipfs.profiles import Profile


@dataclass(frozen=True, slots=True)
class AddResult:
    """CIDs of an added path; ``files``/``dirs`` map POSIX relative paths to CID strings."""

    root: str
    files: dict[str, str]
    dirs: dict[str, str]
    """Every folder below the root; the root itself is only in ``root``."""


@dataclass(frozen=True, slots=True)
class TreeResult:
    """What :func:`import_tree` knows beyond :class:`AddResult`: the root's own links."""

    result: AddResult
    root_node: Node
    root_entries: tuple[tuple[bytes, Node], ...]
    """(name, child) of the top folder, so a caller can add one entry and rebuild only it."""
    is_dir: bool
    file_nodes: dict[str, Node] = field(default_factory=dict)
    """With ``with_files``: each regular file (relative POSIX path, walk order) -> its node.
    Symlinks are not in it (their CIDs are in ``result.files``)."""
    file_bytes: dict[str, bytes] = field(default_factory=dict)
    """With ``with_files``: the content of each regular file that fit in one chunk, as
    read for hashing, so a caller copying the files need not read them again."""


def cid_of_bytes(data: bytes, profile: Profile) -> str:
    """The CID ``ipfs add`` gives a file holding exactly ``data``."""
    return cid_to_str(import_bytes(data, profile).cid)


def symlink_node(target: str, profile: Profile, emit: Emit | None = None) -> Node:
    """A UnixFS Symlink node (Type=4, Data=target), as Kubo stores links it does not follow."""
    data = encode_unixfs(T_SYMLINK, data=os.fsencode(target))
    return dag_pb_node(encode_pbnode([], data), profile, emit)


def add_path(
    path: Path,
    profile: Profile,
    *,
    hidden: bool = False,
    exclude: Callable[[str], bool] | None = None,
    on_block: Callable[[bytes, bytes], None] | None = None,
) -> AddResult:
    """CIDs of a file or folder; ``exclude(relpath)`` True drops that entry entirely."""
    return import_tree(path, profile, hidden=hidden, exclude=exclude, on_block=on_block).result


def import_tree(
    path: Path,
    profile: Profile,
    *,
    hidden: bool = False,
    exclude: Callable[[str], bool] | None = None,
    on_block: Emit | None = None,
    with_files: bool = False,
) -> TreeResult:
    """Like :func:`add_path`, also returning the root folder's entries for a cheap rebuild.

    ``with_files`` also reports every regular file's node and the bytes of the small ones
    (``TreeResult.file_nodes``/``file_bytes``): one read of each file then gives its CID,
    the folder's CID and a copy, where hashing the folder and then each file read it twice.
    """
    path = Path(path)
    files: dict[str, str] = {}
    dirs: dict[str, str] = {}
    kind = _kind(path)
    if kind == "symlink":
        node = symlink_node(os.readlink(path), profile, on_block)
        return TreeResult(AddResult(cid_to_str(node.cid), {}, {}), node, (), False)
    if kind == "file":
        node = _import_file(path, profile, on_block)[0]
        return TreeResult(AddResult(cid_to_str(node.cid), {}, {}), node, (), False)
    if kind is None:
        raise ContentError(
            f"cannot add {path}",
            [Diagnostic(str(path), None, None, "no such file or folder")],
        )
    walker = _Walker(profile, hidden, exclude, on_block, files, dirs)
    if with_files:
        walker.nodes, walker.data = {}, {}
    entries = walker.entries(path, "")
    if walker.problems:
        raise ContentError(f"cannot add {path}", walker.problems)
    node = build_directory(entries, profile, on_block)
    result = AddResult(
        cid_to_str(node.cid), dict(sorted(files.items())), dict(sorted(dirs.items()))
    )
    return TreeResult(result, node, tuple(entries), True, walker.nodes or {}, walker.data or {})


@dataclass(slots=True)
class _Walker:
    profile: Profile
    hidden: bool
    exclude: Callable[[str], bool] | None
    emit: Emit | None
    files: dict[str, str]
    dirs: dict[str, str]
    problems: list[Diagnostic] | None = None
    nodes: dict[str, Node] | None = None
    """Regular file -> node, when the caller asked for them."""
    data: dict[str, bytes] | None = None
    """Regular file -> content, for files of at most one chunk (with ``nodes``)."""

    def entries(self, folder: Path, rel: str) -> list[tuple[bytes, Node]]:
        """The (name, node) children of ``folder``, each one imported depth-first."""
        if self.problems is None:
            self.problems = []
        out: list[tuple[bytes, Node]] = []
        with os.scandir(folder) as scan:
            items = sorted([(os.fsencode(entry.name), entry) for entry in scan])  # unique names
        for name, entry in items:
            if not self.hidden and entry.name.startswith("."):
                continue
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            if self.exclude is not None and self.exclude(child_rel):
                continue
            if entry.is_symlink():
                node = symlink_node(os.readlink(entry.path), self.profile, self.emit)
                self.files[child_rel] = cid_to_str(node.cid)
            elif entry.is_dir():
                node = build_directory(
                    self.entries(Path(entry.path), child_rel), self.profile, self.emit
                )
                self.dirs[child_rel] = cid_to_str(node.cid)
            elif entry.is_file():
                node = self.file(entry.path, child_rel)
                self.files[child_rel] = cid_to_str(node.cid)
            else:
                self.problems.append(
                    Diagnostic(
                        entry.path, None, None, "not a regular file, folder or symlink; cannot add"
                    )
                )
                continue
            out.append((name, node))
        return out

    def file(self, path: str, rel: str) -> Node:
        """A regular file's node; reported (and its bytes kept if small) when asked."""
        node, data = _import_file(path, self.profile, self.emit)
        if self.nodes is not None and self.data is not None:
            if data is not None:
                self.data[rel] = data
            self.nodes[rel] = node
        return node


_MISSING = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
"""The errors pathlib's ``is_dir``/``is_file`` answer False to (others propagate)."""


def _mode(path: Path, stat_of: Callable[[Path], os.stat_result]) -> int | None:
    try:
        return stat_of(path).st_mode
    except OSError as exc:
        if exc.errno in _MISSING:
            return None
        raise
    except ValueError:
        return None


def _kind(path: Path) -> str | None:
    """What :func:`import_tree` makes of ``path``: "symlink" (one not leading to a folder;
    Kubo stores those and walks the others), "file", "folder" or None (missing, or a
    socket, FIFO or device), from one lstat (and a stat behind a symlink)."""
    mode = _mode(path, os.lstat)
    if mode is not None and stat.S_ISLNK(mode):
        target = _mode(path, os.stat)
        return "folder" if target is not None and stat.S_ISDIR(target) else "symlink"
    if mode is None:
        return None
    if stat.S_ISREG(mode):
        return "file"
    return "folder" if stat.S_ISDIR(mode) else None


def _import_file(
    path: str | Path, profile: Profile, emit: Emit | None
) -> tuple[Node, bytes | None]:
    """A regular file's node, and its bytes when it fits in one chunk.

    Read from the descriptor and sized by ``fstat``: asking any Python file for a whole
    chunk (1 MiB) allocates that much first, which cost a small file four times its
    read, and a file object around a small read costs more than the read.
    """
    fd = os.open(path, os.O_RDONLY | _O_BINARY)
    try:
        data = _whole_if_small(fd, profile.chunk_size)
        if data is None:
            os.lseek(fd, 0, os.SEEK_SET)
            with open(fd, "rb", closefd=False) as fh:
                return import_stream(fh, profile, emit), None
    finally:
        os.close(fd)
    return import_bytes(data, profile, emit), data


_O_BINARY: int = getattr(os, "O_BINARY", 0)
"""Windows' flag for untranslated reads (0 elsewhere)."""


def _read_fd(fd: int, n: int) -> bytes:
    """``n`` bytes from ``fd``, fewer only at its end (a read may return less)."""
    data = os.read(fd, n)
    if len(data) == n or not data:
        return data
    parts = [data]
    got = len(data)
    while got < n:
        more = os.read(fd, n - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _whole_if_small(fd: int, limit: int) -> bytes | None:
    """The whole content of ``fd`` when it is shorter than ``limit`` bytes, else None.

    ``fstat``'s size only sizes the first read: a file longer than it says (growing, or
    a size-less special file) is read on up to ``limit``.
    """
    want = min(os.fstat(fd).st_size + 1, limit)
    head = _read_fd(fd, want)
    if len(head) < want:
        return head
    if want < limit:
        head += _read_fd(fd, limit - want)
        if len(head) < limit:
            return head
    return None
