"""Build benchmark: cold build, no-change rebuild, one-edit rebuild, peak RSS, CID speed.

Usage: python benchmarks/run.py [--papers 1000 [10000 ...]] [--jobs J]

Corpora come from the shared generator (``../shared/bench/make_corpus.py --seed 1``) and
are reused from ``--workdir`` when present. Every build runs ``sitegen build`` as a child
process, timed from outside (whole process: interpreter start, imports, everything), and
its peak RSS is the child's own ``ru_maxrss`` as ``os.wait4`` reports it (pool workers
included, as they are its waited-for children).

- ``cold``: no OUT, no journal cache (``.sitegen/``) and an empty per-user cache
  (``SITEGEN_CACHE_DIR`` points at a fresh folder): a first build on a new machine;
- ``cold+math``: the same, but the per-user math cache kept from that first build, as on
  a machine that built (any journal) before;
- ``no-change``: the same build again;
- ``spare``: seconds from the end of the cold+math build until its spare tree is made
  (``sitegen build`` leaves it to a detached process: ``sitegen.cache.spare``); the
  no-change build runs meanwhile;
- ``1st edit``: one paper's text edited once the spare is there, as a person's edit
  comes (a build that starts sooner waits for the spare: add the two figures);
- ``one-edit``: the best of that and a second edit (both sync a spare tree).

Children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed), as an
installed package does.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAKE_CORPUS = HERE.parent.parent / "shared" / "bench" / "make_corpus.py"
sys.path.insert(0, str(HERE))

from cid_throughput import _best, _make_file, _sha256_file  # noqa: E402

from sitegen.cache.spare import LOCK  # noqa: E402
from sitegen.cache.store import cache_dir  # noqa: E402
from sitegen.ipfs.importer import add_path  # noqa: E402
from sitegen.ipfs.profiles import get_profile  # noqa: E402

EDIT = "\nA sentence added by the benchmark's one-edit rebuild.\n"


def corpus(workdir: Path, papers: int, seed: int) -> Path:
    path = workdir / f"corpus-{papers}-seed{seed}"
    if not (path / "sitegen.yaml").is_file():
        shutil.rmtree(path, ignore_errors=True)
        cmd = [sys.executable, str(MAKE_CORPUS), "--papers", str(papers), "--seed", str(seed)]
        subprocess.run(
            [*cmd, "--out", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return path


def run_build(source: Path, out: Path, jobs: int | None, env: dict[str, str]) -> tuple[float, int]:
    """(wall seconds, peak RSS bytes) of one ``sitegen build`` child process."""
    cmd = [sys.executable, "-m", "sitegen", "build", "-s", str(source), "-o", str(out), "--json"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    with tempfile.TemporaryFile() as log:  # a pipe would fill up and block the child
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            log.seek(0)
            err = log.read().decode(errors="replace")
            raise SystemExit(f"build failed ({proc.returncode}):\n{err[-2000:]}")
    return seconds, usage.ru_maxrss * 1024


def spare_wait(source: Path) -> float:
    """Seconds until no detached process is making a spare tree for ``source``'s OUT."""
    started = time.perf_counter()
    try:
        fd = os.open(cache_dir(source) / LOCK, os.O_RDWR)
    except FileNotFoundError:
        return 0.0
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    finally:
        os.close(fd)
    return time.perf_counter() - started


def retire(path: Path, trash: Path) -> None:
    """Move ``path`` into ``trash`` (removed after the last timed build), if it exists.

    Removing a tree of 10k+ files just before a timed build would time the file system,
    not sitegen: ext4 without a journal (this VM's disk) skips inodes freed in the last
    5-10 minutes when it allocates new ones, and each skip reads an inode table block, so
    after a large delete every mkdir and file creation costs ~0.4 ms of kernel time
    (perf: ``recently_deleted`` in ``find_inode_bit``), 40-60% of a cold build.
    """
    if path.exists() or path.is_symlink():
        trash.mkdir(parents=True, exist_ok=True)
        os.replace(path, trash / f"{len(os.listdir(trash))}-{path.name}")


def bench(
    source: Path, jobs: int | None, env: dict[str, str], repeat: int, trash: Path
) -> dict[str, float]:
    out = source.parent / f"{source.name}-public"
    papers = sorted((source / "content" / "papers").iterdir())
    edited = papers[len(papers) // 2] / "paper.md"
    original = edited.read_bytes()
    colds: list[float] = []
    warm: list[float] = []
    nochange: list[float] = []
    first: list[float] = []
    oneedit: list[float] = []
    spares: list[float] = []
    rss = 0

    def clean() -> None:
        retire(out, trash)
        retire(source / ".sitegen", trash)
        for stale in out.parent.glob(f".{out.name}.*"):
            retire(stale, trash)

    try:
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as user_cache:
                env = {**env, "SITEGEN_CACHE_DIR": user_cache}
                clean()
                seconds, peak = run_build(source, out, jobs, env)
                colds.append(seconds)
                rss = max(rss, peak)
                spare_wait(source)  # not timed: its spare is not used
                clean()
                seconds, peak = run_build(source, out, jobs, env)
                ended = time.perf_counter()
                warm.append(seconds)
                rss = max(rss, peak)
                seconds, peak = run_build(source, out, jobs, env)
                nochange.append(seconds)
                spare_wait(source)
                spares.append(time.perf_counter() - ended)
                for i in range(2):  # the second edit also exercises the spare-tree sync
                    edited.write_bytes(original + (EDIT * (i + 1)).encode())
                    seconds, peak = run_build(source, out, jobs, env)
                    (first if i == 0 else oneedit).append(seconds)
                    rss = max(rss, peak)
                edited.write_bytes(original)
    finally:
        edited.write_bytes(original)
    if repeat > 1:  # every run, not only the best: this VM's speed moves between runs
        runs_of = (("cold", colds), ("cold+math", warm), ("no-change", nochange), ("spare", spares))
        for name, runs in runs_of:
            print(f"  {name} runs: {' '.join(f'{s:.2f}' for s in runs)}", flush=True)
        edits = " ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(first, oneedit, strict=True))
        print(f"  1st/2nd edit runs: {edits}", flush=True)
    return {
        "cold": min(colds),
        "warm": min(warm),
        "nochange": min(nochange),
        "spare": max(spares),
        "first": min(first),
        "oneedit": min(first + oneedit),
        "rss": rss,
    }


def cid_speed(mib: int) -> tuple[float, float]:
    profile = get_profile(None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.bin"
        _make_file(path, mib)
        mb = path.stat().st_size / 1e6
        _sha256_file(path, profile.chunk_size)
        t_sha = _best(lambda: _sha256_file(path, profile.chunk_size), 3)
        t_cid = _best(lambda: add_path(path, profile), 3)
    return mb / t_sha, mb / t_cid


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, nargs="+", default=[1000])
    ap.add_argument("--jobs", type=int, default=None, help="default: one per core")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="best of N (cold, rebuilds)")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-bench")
    ap.add_argument("--cid-mib", type=int, default=256)
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, jobs {args.jobs or 'auto'}"
    )
    head = (
        f"{'papers':>7} {'cold s':>8} {'papers/s':>9} {'cold+math s':>12} {'no-change s':>12}"
        f" {'spare s':>8} {'1st edit s':>11} {'one-edit s':>11} {'peak RSS MiB':>13}"
    )
    trash = args.workdir / f".trash-{os.getpid()}"
    print(
        f"file system: {fs_probe(trash):.3f} s for 2000 mkdir (see README: quiet is ~0.06 s here)"
    )
    print(head)
    try:
        for n in args.papers:
            source = corpus(args.workdir, n, args.seed)
            print_row(n, bench(source, args.jobs, env, args.repeat, trash))
        sha, cid = cid_speed(args.cid_mib)
        print(f"CID {cid:.0f} MB/s vs sha256 {sha:.0f} MB/s ({100 * cid / sha:.0f}%)")
    finally:
        shutil.rmtree(trash, ignore_errors=True)  # after all timing: see retire()


def fs_probe(trash: Path) -> float:
    """Seconds for 2000 ``mkdir`` in ``trash``: an ext4 without a journal that deleted many
    files in the last minutes makes every new inode costly (README), and cold builds
    with it; printed so a slow figure can be told from a slow file system."""
    base = trash / "probe"
    base.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i in range(2000):
        (base / str(i)).mkdir()
    return time.perf_counter() - start


def print_row(n: int, r: dict[str, float]) -> None:
    print(
        f"{n:>7} {r['cold']:>8.2f} {n / r['cold']:>9.0f} {r['warm']:>12.2f}"
        f" {r['nochange']:>12.2f} {r['spare']:>8.2f} {r['first']:>11.2f} {r['oneedit']:>11.2f}"
        f" {r['rss'] / 2**20:>13.0f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
