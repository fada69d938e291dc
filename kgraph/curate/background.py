"""Run one function on the other core while this process goes on: ``kgraph add`` checks OWL
consistency (owlready2's Python preparation, then HermiT in Java) while it runs the SHACL shapes.

A thread does not do it: the preparation is pure Python, so the thread and the shapes take turns
on the interpreter lock and the two together take as long as one after the other (measured: 18 s
either way on the neighbourhood of a 10,000-statement sheet). So :func:`start` forks: the child
sees the parent's memory as it was (copy-on-write, nothing is serialised on the way in), runs the
function and sends back its pickled result or exception through a pipe. The child keeps no
descriptor of the parent's but the standard streams (so the function must open what it
reads): a lock the parent holds dies with the parent.

Forking is only safe with no other thread running (a lock held by another thread stays locked
in the child forever), and only POSIX has it; otherwise :func:`start` falls back to a thread,
which gives the same result, only not sooner. A child that dies without an answer (killed,
out of memory) is not trusted for anything: :meth:`Pending.result` then runs the function here.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from kgraph.errors import KGraphError

__all__ = ["Pending", "start"]

T = TypeVar("T")


def _max_fd() -> int:
    try:
        return max(int(os.sysconf("SC_OPEN_MAX")), 3)
    except (AttributeError, ValueError, OSError):
        return 1 << 16


class Pending(Generic[T]):
    """The eventual result of ``fn()``; :meth:`result` waits for it, :meth:`cancel` drops it."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn

    def result(self) -> T:
        raise NotImplementedError

    def cancel(self) -> None:
        """Stop waiting for the answer (after an error here); idempotent."""

    @property
    def forked(self) -> bool:
        return False


class _Threaded(Pending[T]):
    def __init__(self, fn: Callable[[], T]) -> None:
        super().__init__(fn)
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kgraph-background", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._fn()
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


class _Forked(Pending[T]):
    def __init__(self, fn: Callable[[], T]) -> None:
        super().__init__(fn)
        self._answer: bytes | None = None
        read, write = os.pipe()
        # the child's garbage collector would otherwise walk (and so copy) every page of the
        # parent's heap; frozen objects are never collected
        gc.freeze()
        try:
            pid = os.fork()
        except BaseException:
            gc.unfreeze()
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child: never returns
            os.close(read)
            _child(fn, write)
        gc.unfreeze()
        os.close(write)
        # the child leads its own process group (set on both sides: no race with cancel)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)
        self._pid: int | None = pid
        self._read: int | None = read

    @property
    def forked(self) -> bool:
        return True

    def result(self) -> T:
        if self._answer is None and self._read is not None:
            chunks = []
            while chunk := os.read(self._read, 1 << 20):
                chunks.append(chunk)
            self._answer = b"".join(chunks)
            self._reap()
        if not self._answer:  # the child died without answering: do the work here
            return self._fn()
        try:
            ok, value = pickle.loads(self._answer)  # noqa: S301 - our own child, a private pipe
        except Exception as exc:  # an exception that cannot be rebuilt from its pickle
            raise KGraphError(f"the background check failed and its error could not be read "
                              f"back: {exc}") from exc
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    def cancel(self) -> None:
        if self._pid is not None:
            # the child leads its own process group: this also ends the reasoner it started
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self._pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None


def _child(fn: Callable[[], object], write: int) -> None:
    status = 1
    try:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)  # see _Forked.cancel
        # drop the parent's other descriptors: a lock the parent holds (kgraph add's lock on
        # data/) must not outlive the parent in an orphaned child
        os.closerange(3, write)
        os.closerange(write + 1, _max_fd())
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            payload = pickle.dumps((True, fn()))
        except BaseException as exc:
            try:
                payload = pickle.dumps((False, exc))
            except Exception:
                payload = pickle.dumps((False, KGraphError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(write, "wb") as out:
            out.write(payload)
        status = 0
    finally:
        os._exit(status)  # no atexit handlers, no flushing of the parent's buffers


def start(fn: Callable[[], T]) -> Pending[T]:
    """Start ``fn()`` in a forked child when that is safe here, else in a thread."""
    if hasattr(os, "fork") and threading.active_count() == 1:
        return _Forked(fn)
    return _Threaded(fn)
