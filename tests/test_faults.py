"""A reindex under faults: killed, stopped, interrupted, a worker failing, a full disk.

Each case runs the real command line in a process of its own (``reindex``
with two indexing workers forced, whatever the machine's cores) and then
checks what a user would: the old index still answers, no worker outlived
its reindex, no unfinished build is left, the message is one line, and the
next reindex works at once.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search.backends.whoosh import WhooshBackend
from search.backends.whoosh.store import IndexStore
from search.models import SearchRequest

from conftest import SEED_FILE, SEEDS, reindex, write_jsonl

ROOT = Path(__file__).resolve().parents[1]

# ``diplosearch`` itself, with the number of indexing workers fixed (and, for some cases, a
# tagger that fails in the workers, which fork from this process and so run the patched one)
DRIVER = """
import sys
import search.index.build as build
build._default_procs = lambda paths: int(sys.argv[1])
if sys.argv[2] == "broken-tagger":
    import search.backends.whoosh.writers as writers
    real, seen = writers.paragraphs_of, []
    def broken(article, tag=True):
        seen.append(article.id)
        if len(seen) == 30:
            raise ValueError("tagger exploded")
        return real(article, tag=tag)
    writers.paragraphs_of = broken
from web.cli import main
main(sys.argv[3:], prog_name="diplosearch")
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """About 8 MB of generated articles: a build of them takes many seconds, time to kill it."""
    from bench.corpus import generate

    folder = tmp_path_factory.mktemp("corpus")
    generate(folder / "articles", 12_000, procs=1)
    return folder / "articles"


@pytest.fixture()
def index_dir(tmp_path) -> Path:
    """An index of the seed article, the old index every case must leave serving."""
    reindex([SEED_FILE], tmp_path / "ix", progress=False)
    return tmp_path / "ix"


def start(index_dir: Path, sources, procs: int = 2, tagger: str = "real") -> subprocess.Popen:
    """``diplosearch reindex SOURCES`` in a session of its own (a terminal's process group)."""
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(procs), tagger, "reindex", *map(str, sources), "--index", str(index_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def gone(pid: int) -> bool:
    """Exited (a zombie waiting for whoever reaps orphans counts as exited)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def wait_mid_build(process: subprocess.Popen, index_dir: Path, workers: int = 2) -> list[int]:
    """Wait until the workers run and the new build folder exists; return the workers' pids."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the reindex ended early: {process.communicate()}"
        pids = children(process.pid)
        if len(pids) >= workers and len(list((index_dir / "builds").iterdir())) > 1:
            time.sleep(1.0)  # articles are being tagged and written
            assert process.poll() is None
            return pids
        time.sleep(0.1)
    raise AssertionError("the reindex did not start its workers within 60 s")


def finish(process: subprocess.Popen, timeout: float = 20) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"the reindex did not exit within {timeout} s:\n{err[-2000:]}")
    return process.returncode, out, err


def assert_no_orphans(pids: list[int], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(gone(pid) for pid in pids):
        time.sleep(0.1)
    alive = [pid for pid in pids if not gone(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"worker processes outlived their reindex: {alive}"


def assert_old_index_serves(index_dir: Path, live: str) -> None:
    assert IndexStore(index_dir).current_name() == live
    backend = WhooshBackend(index_dir)
    assert backend.search(SearchRequest(q="semiconductors")).total == 1
    assert backend.search(SearchRequest(q="")).total == 15  # the seed article alone
    backend.check_ready()  # every file verified


def assert_next_reindex_works(index_dir: Path, tmp_path: Path) -> None:
    more = write_jsonl(tmp_path / "more.jsonl", [{"id": "m1", "text": "Fisheries talks opened in Oslo."}])
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, "1", "real", "reindex", str(more), "--index", str(index_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    backend = WhooshBackend(index_dir)
    assert backend.search(SearchRequest(q="fisheries")).total == 1
    assert backend.search(SearchRequest(q="semiconductors")).total == 1
    live = IndexStore(index_dir).current_name()
    builds = [p.name for p in (index_dir / "builds").iterdir()]
    assert all(name == live or (index_dir / "builds" / name / "format.json").exists() for name in builds), (
        f"an unfinished build was left: {builds}"
    )


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err[-3000:]
    return lines[0]


@pytest.mark.slow
def test_sigkill_to_the_parent_mid_build(index_dir, corpus, tmp_path):
    live = IndexStore(index_dir).current_name()
    process = start(index_dir, [corpus])
    workers = wait_mid_build(process, index_dir)
    process.kill()
    process.communicate()
    assert_no_orphans(workers)  # they die with their parent, releasing nothing they never held
    assert_old_index_serves(index_dir, live)
    assert_next_reindex_works(index_dir, tmp_path)  # the lock is free; the unfinished build is deleted


@pytest.mark.slow
def test_sigkill_to_a_serial_build(index_dir, corpus, tmp_path):
    live = IndexStore(index_dir).current_name()
    process = start(index_dir, [corpus], procs=1)
    deadline = time.monotonic() + 60
    while len(list((index_dir / "builds").iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    assert process.poll() is None
    process.kill()
    process.communicate()
    assert_old_index_serves(index_dir, live)
    assert_next_reindex_works(index_dir, tmp_path)


@pytest.mark.slow
def test_sigterm_ends_the_build_with_a_message(index_dir, corpus, tmp_path):
    live = IndexStore(index_dir).current_name()
    process = start(index_dir, [corpus])
    workers = wait_mid_build(process, index_dir)
    process.terminate()  # to the parent alone, as a service manager or `kill` sends it
    code, out, err = finish(process)
    assert code == 143
    assert one_line(err).startswith("Stopped by SIGTERM:") and "not changed" in err
    assert_no_orphans(workers)
    assert [p.name for p in (index_dir / "builds").iterdir()] == [live]  # deleted at once
    assert_old_index_serves(index_dir, live)
    assert_next_reindex_works(index_dir, tmp_path)


@pytest.mark.slow
def test_ctrl_c_ends_the_build_promptly(index_dir, corpus, tmp_path):
    live = IndexStore(index_dir).current_name()
    process = start(index_dir, [corpus])
    workers = wait_mid_build(process, index_dir)
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole process group
    code, out, err = finish(process)
    assert time.monotonic() - started < 10
    assert code == 130
    assert one_line(err).startswith("Interrupted:") and "Aborted" not in err
    assert_no_orphans(workers)
    assert [p.name for p in (index_dir / "builds").iterdir()] == [live]
    assert_old_index_serves(index_dir, live)
    assert_next_reindex_works(index_dir, tmp_path)


@pytest.mark.slow
def test_a_worker_error_ends_the_build_promptly(index_dir, corpus, tmp_path):
    live = IndexStore(index_dir).current_name()
    process = start(index_dir, [corpus], tagger="broken-tagger")
    code, out, err = finish(process, timeout=60)
    assert code == 1
    line = one_line(err)
    assert "an indexing worker failed: ValueError: tagger exploded" in line, line
    assert [p.name for p in (index_dir / "builds").iterdir()] == [live]
    assert_old_index_serves(index_dir, live)
    assert_next_reindex_works(index_dir, tmp_path)


@pytest.mark.slow
def test_a_killed_worker_ends_the_build_promptly(index_dir, corpus, tmp_path):
    live = IndexStore(index_dir).current_name()
    process = start(index_dir, [corpus])
    workers = wait_mid_build(process, index_dir)
    started = time.monotonic()
    os.kill(workers[0], signal.SIGKILL)  # as the kernel's out-of-memory killer would
    code, out, err = finish(process)
    assert time.monotonic() - started < 10
    assert code == 1
    assert "an indexing worker was killed by signal 9" in one_line(err)
    assert_no_orphans(workers)
    assert [p.name for p in (index_dir / "builds").iterdir()] == [live]
    assert_old_index_serves(index_dir, live)
    assert_next_reindex_works(index_dir, tmp_path)


HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0)
os.write(fd, f"pid {sys.argv[2]} since 2020-01-01 00:00:00".encode())
print("held", flush=True)
time.sleep(120)
"""


def test_a_lock_held_for_a_dead_reindex_is_taken_over(index_dir, tmp_path):
    """What an older version left: its workers outlived a killed reindex, holding its lock."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(index_dir / ".reindex.lock"), str(dead.pid)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        more = write_jsonl(tmp_path / "more.jsonl", [{"id": "m1", "text": "Fisheries talks opened."}])
        report = reindex([more], index_dir, progress=False)
        assert report.articles == 2
    finally:
        holder.kill()
        holder.communicate()


def test_a_lock_held_by_a_live_reindex_is_respected(index_dir, tmp_path):
    from search.errors import ReindexBusy

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(index_dir / ".reindex.lock"), str(os.getpid())],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(ReindexBusy, match=f"pid {os.getpid()} since"):
            reindex([SEED_FILE], index_dir, progress=False)
    finally:
        holder.kill()
        holder.communicate()


def test_workers_do_not_hold_the_lock(index_dir, make_articles):
    """The lock's descriptor is closed in every process forked while it is held (as it starts:
    if the parent dies first, the worker closes it and exits)."""
    from search.backends.whoosh import store

    source = make_articles([{"id": f"a{i}", "date": "2024-05-01", "text": f"Fisheries talks {i}."} for i in range(20)])
    seen = []

    def look(article):
        if not seen:  # the workers run; each closes its copy as it starts, if not already done
            lock = os.stat(index_dir / ".reindex.lock")
            deadline = time.monotonic() + 10
            while True:
                found = [(pid, sorted(_fds_on(pid, lock))) for pid in children(os.getpid())]
                if all(not fds for _, fds in found) or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            seen.append(found)

    reindex([source], index_dir, full=True, progress=False, procs=2, after_article=look)
    assert seen and len(seen[0]) >= 2 and all(not fds for _, fds in seen[0]), seen
    assert not store._held_locks


def _fds_on(pid: int, target: os.stat_result) -> list[str]:
    found = []
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            if os.path.samestat(os.stat(fd), target):
                found.append(f"{fd.name} -> {os.readlink(fd)}")
        except OSError:
            pass
    return found


# -- a full disk ---------------------------------------------------------------------------
@pytest.fixture()
def small_disk(tmp_path):
    """A 12 MB tmpfs (needs root: mount), unmounted afterwards."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a full disk is made with a small tmpfs, and mounting one needs root")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if result.returncode:
        pytest.skip(
            f"cannot mount a small tmpfs here ({result.stderr.strip()}): a container needs CAP_SYS_ADMIN for this test"
        )
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk but ``leave`` bytes."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
    return filler


@pytest.mark.slow
def test_a_full_disk_gives_a_message_and_leaves_the_old_index(small_disk, tmp_path):
    """The disk fills up at different points of a build (segments, facet arrays, saved
    postings, state, checksums, the pointer): always one line, exit 1, nothing left."""
    index_dir = small_disk / "ix"
    reindex([SEED_FILE], index_dir, progress=False)
    live = IndexStore(index_dir).current_name()
    probe = tmp_path / "probe"
    reindex([SEEDS], probe, progress=False)
    needed = sum(p.stat().st_size for p in IndexStore(probe).current().rglob("*") if p.is_file())
    failed = 0
    for share in (0.05, 0.5, 0.9, 0.97, 0.995):
        filler = fill(small_disk, int(needed * share))
        process = start(index_dir, [SEEDS], procs=1)
        code, out, err = finish(process, timeout=120)
        filler.unlink()
        if code == 0:  # it fitted after all (rounding): then it is a complete, intact build
            assert share > 0.9, err
            WhooshBackend(index_dir).check_ready()
            reindex([SEED_FILE], index_dir, replace=True, progress=False)
            live = IndexStore(index_dir).current_name()
            continue
        failed += 1
        assert code == 1
        line = one_line(err)
        assert "the disk is full" in line and "not changed" in line and "free some space" in line, line
        assert [p.name for p in (index_dir / "builds").iterdir()] == [live]
        assert_old_index_serves(index_dir, live)
    assert failed >= 3
    assert_next_reindex_works(index_dir, tmp_path)


@pytest.mark.slow
def test_a_full_disk_under_parallel_workers(small_disk, corpus, tmp_path):
    index_dir = small_disk / "ix"
    reindex([SEED_FILE], index_dir, progress=False)
    live = IndexStore(index_dir).current_name()
    filler = fill(small_disk, 3_000_000)
    process = start(index_dir, [corpus])
    workers = wait_mid_build(process, index_dir)
    code, out, err = finish(process, timeout=120)
    assert code == 1
    line = one_line(err)
    assert "the disk is full" in line and "not changed" in line, line
    assert_no_orphans(workers)
    assert [p.name for p in (index_dir / "builds").iterdir()] == [live]
    assert_old_index_serves(index_dir, live)
    filler.unlink()
    assert_next_reindex_works(index_dir, tmp_path)
