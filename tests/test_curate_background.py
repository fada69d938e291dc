"""kgraph.curate.background: the OWL check of `kgraph add` runs in a forked child while the shapes
run; its answer, or its error, comes back as if it had run here."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kgraph.curate import background
from kgraph.errors import ReasonerError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")


def test_the_answer_comes_from_a_child_that_sees_this_process_memory() -> None:
    data = {"quads": list(range(100_000))}  # never sent: the child reads it copy-on-write
    pending = background.start(lambda: (os.getpid(), sum(data["quads"])))
    assert pending.forked
    pid, total = pending.result()
    assert pid != os.getpid()
    assert total == sum(range(100_000))


def test_an_error_in_the_child_is_raised_here_with_its_type_and_hint() -> None:
    def fail() -> None:
        raise ReasonerError("HermiT failed: out of memory", hint="give Java more memory")

    pending = background.start(fail)
    with pytest.raises(ReasonerError, match="out of memory") as caught:
        pending.result()
    assert caught.value.hint == "give Java more memory"


def test_a_child_that_dies_without_answering_is_not_trusted() -> None:
    parent = os.getpid()

    def work() -> str:
        if os.getpid() != parent:
            os._exit(9)  # the child dies (as if killed) before it answers
        return "done here"

    assert background.start(work).result() == "done here"


def test_with_another_thread_running_it_runs_in_a_thread() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        pending = background.start(os.getpid)
        assert not pending.forked
        assert pending.result() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_cancel_ends_the_child() -> None:
    read, write = os.pipe()

    def wait_forever() -> None:
        os.close(write)  # the child's copy; the parent keeps its own
        os.read(read, 1)  # never answered

    pending = background.start(wait_forever)
    pending.cancel()  # kills and reaps it: returns at once instead of hanging
    os.close(read)
    os.close(write)


def test_the_child_does_not_keep_the_parents_lock(tmp_path: Path) -> None:
    # kgraph add holds a lock on data/ while the child works: once the parent lets go (or
    # dies), the lock is free although the child is still running
    import fcntl
    import time

    fd = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    pending = background.start(lambda: time.sleep(30))
    try:
        os.close(fd)  # the parent's copy: the lock is released unless the child has one
        free = False
        deadline = time.monotonic() + 5  # the child closes its copy as it starts
        while not free and time.monotonic() < deadline:
            other = os.open(tmp_path, os.O_RDONLY)
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                free = True
            except BlockingIOError:
                time.sleep(0.05)
            finally:
                os.close(other)
        assert free, "the forked child still holds the parent's lock"
    finally:
        pending.cancel()
