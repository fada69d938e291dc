"""The killable worker pool: queries run in child processes, never on the event loop.

Each worker is a ``python -m kgraph.server.worker_main`` process holding the store open
read-only. The event loop hands a job to an idle worker through its stdin and waits for the
answer on its stdout with ``loop.add_reader`` — no thread per request, bytes in and out. A job
that outlives its time limit gets its worker killed (SIGKILL: the CPU it was burning is freed at
once) and a fresh worker started. When every worker is busy, requests wait in a bounded queue;
when the queue is full the pool answers :class:`PoolBusy` at once (HTTP 503 + Retry-After).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgraph.errors import (
    InputError,
    KGraphError,
    LimitExceeded,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
)
from kgraph.server import protocol

__all__ = ["PoolBusy", "WorkerPool"]

#: seconds after which a running job stops counting against the pool's active slots
SLOW_AFTER = 0.05


class PoolBusy(StoreError):
    """Every worker is busy and the waiting queue is full."""

    code = "busy"

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__(
            "the server is busy: every query worker is taken and the queue is full",
            hint=f"retry in {retry_after} s",
        )
        self.retry_after = retry_after


WORKER_SCRIPT = str(Path(__file__).with_name("worker_main.py"))
WRITER_SCRIPT = str(Path(__file__).with_name("writer_main.py"))


def _package_root() -> str:
    """The directory that holds the ``kgraph`` package (for the workers' PYTHONPATH)."""
    return str(Path(__file__).resolve().parents[2])


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen[bytes]
    buffer: bytearray = field(default_factory=bytearray)
    started: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def out_fd(self) -> int:
        assert self.proc.stdout is not None
        return self.proc.stdout.fileno()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


class WorkerPool:
    """A fixed number of worker processes over one read-only store directory."""

    def __init__(
        self,
        store_path: str | Path,
        *,
        size: int = 4,
        queue_size: int = 64,
        timeout: float = 30.0,
        active: int | None = None,
        memory_quads: int = 0,
        memory_bytes: int = 0,
    ) -> None:
        self.store_path = str(store_path)
        self.size = max(1, size)
        self.queue_size = max(0, queue_size)
        self.timeout = timeout
        self.memory_quads = memory_quads
        self.memory_bytes = memory_bytes
        #: jobs executing at once while they are quick (more thrash the CPU caches)
        self.active = max(1, min(self.size, active or (os.cpu_count() or 1)))
        self._slots: asyncio.Semaphore | None = None
        self._idle: asyncio.LifoQueue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._starting = 0
        self._closed = False
        self._start_lock: asyncio.Lock | None = None
        self.killed = 0

    # -- life cycle -------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        env = dict(os.environ)
        root = _package_root()
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        proc = subprocess.Popen(
            [
                sys.executable,
                WORKER_SCRIPT,
                self.store_path,
                str(self.memory_quads),
                str(self.memory_bytes),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        worker = _Worker(proc)
        os.set_blocking(worker.out_fd, False)
        return worker

    async def _start_one(self) -> None:
        """Start one worker, wait for its 'ready' frame and add it to the idle queue."""
        assert self._idle is not None
        self._starting += 1
        try:
            worker = self._spawn()
            self._all.add(worker)
            try:
                status, _ = await self._receive(worker, timeout=60.0)
            except Exception:
                self._discard(worker)
                raise
            if status != "ready":
                self._discard(worker)
                raise StoreError("a query worker could not open the store")
            if self._closed:
                self._discard(worker)
                return
            self._idle.put_nowait(worker)
        finally:
            self._starting -= 1

    async def start(self) -> None:
        """Start the workers (idempotent); raises StoreError when the store cannot be opened."""
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self._idle is not None:
                return
            self._idle = asyncio.LifoQueue()
            results = await asyncio.gather(
                *(self._start_one() for _ in range(self.size)), return_exceptions=True
            )
            failures = [r for r in results if isinstance(r, BaseException)]
            if len(failures) == len(results):
                self._idle = None
                raise StoreError(
                    f"cannot start query workers on the store at {self.store_path}",
                    hint="build the store first (kgraph validate) and check the path",
                )

    async def close(self) -> None:
        """Stop every worker; the pool can be started again (on another event loop too)."""
        self._closed = True
        workers = list(self._all)
        for worker in workers:
            self._discard(worker)
        for worker in workers:
            await asyncio.get_running_loop().run_in_executor(None, worker.proc.wait)
        self._all.clear()
        self._idle = None
        self._slots = None
        self._start_lock = None
        self._waiting = 0
        self._closed = False

    def _discard(self, worker: _Worker) -> None:
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(worker.out_fd)
        worker.kill()
        self._all.discard(worker)
        # reap in the background so that no zombie is left behind
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().run_in_executor(None, worker.proc.wait)

    def _replace(self, worker: _Worker) -> None:
        self._discard(worker)
        if not self._closed:
            task = asyncio.get_running_loop().create_task(self._start_one())
            task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Take every worker (waiting for running jobs), stop them, and restart them after.

        Used around writes: no process may hold the store open while the writer changes it.
        """
        if self._idle is None:
            await self.start()
        assert self._idle is not None
        taken: list[_Worker] = []
        while len(taken) < len(self._all):
            taken.append(await self._idle.get())
        for worker in taken:
            self._discard(worker)
        for worker in taken:
            await asyncio.get_running_loop().run_in_executor(None, worker.proc.wait)
        try:
            yield
        finally:
            await asyncio.gather(
                *(self._start_one() for _ in range(self.size)), return_exceptions=True
            )

    @property
    def pids(self) -> list[int]:
        return [w.pid for w in self._all]

    @property
    def busy(self) -> int:
        idle = self._idle.qsize() if self._idle is not None else 0
        return len(self._all) - idle - self._starting

    # -- I/O --------------------------------------------------------------------------------

    async def _receive(self, worker: _Worker, timeout: float) -> Any:
        """Await one frame from ``worker`` with add_reader; TimeoutError after ``timeout``."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        fd = worker.out_fd

        def on_readable() -> None:
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:
                return
            except OSError as exc:
                loop.remove_reader(fd)
                if not future.done():
                    future.set_exception(exc)
                return
            if not chunk:
                loop.remove_reader(fd)
                if not future.done():
                    future.set_exception(EOFError("worker exited"))
                return
            buf = worker.buffer
            buf += chunk
            if len(buf) >= protocol.HEADER.size:
                (size,) = protocol.HEADER.unpack_from(buf)
                end = protocol.HEADER.size + size
                if len(buf) >= end:
                    body = bytes(buf[protocol.HEADER.size : end])
                    del buf[:end]
                    loop.remove_reader(fd)
                    if not future.done():
                        future.set_result(protocol.decode(body))

        def expire() -> None:
            if not future.done():
                future.set_exception(TimeoutError())

        loop.add_reader(fd, on_readable)
        timer = loop.call_later(timeout, expire)  # cheaper than wait_for: no extra task
        try:
            return await future
        finally:
            timer.cancel()
            with contextlib.suppress(Exception):
                loop.remove_reader(fd)

    async def _send(self, worker: _Worker, kind: str, args: dict[str, Any]) -> None:
        frame = protocol.encode((kind, args))
        stdin = worker.proc.stdin
        assert stdin is not None
        if len(frame) <= 65536:
            stdin.write(frame)
            stdin.flush()
        else:

            def write() -> None:
                stdin.write(frame)
                stdin.flush()

            await asyncio.get_running_loop().run_in_executor(None, write)

    async def run(self, kind: str, args: dict[str, Any], *, timeout: float | None = None) -> Any:
        """Run one job on a worker; raise the matching KGraphError on failure or time-out."""
        if self._idle is None:
            await self.start()
        assert self._idle is not None
        limit = self.timeout if timeout is None else timeout
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.active)
        slots = self._slots
        if (self._idle.empty() or slots.locked()) and self._waiting >= self.queue_size:
            raise PoolBusy(retry_after=max(1, int(limit // 10) or 1))
        self._waiting += 1
        deadline = time.monotonic() + limit
        try:
            if slots.locked():
                await asyncio.wait_for(slots.acquire(), limit)
            else:
                await slots.acquire()  # returns at once
            try:
                if self._idle.empty():
                    worker = await asyncio.wait_for(
                        self._idle.get(), max(0.001, deadline - time.monotonic())
                    )
                else:
                    worker = self._idle.get_nowait()
            except BaseException:
                slots.release()
                raise
        except TimeoutError:
            raise PoolBusy(retry_after=max(1, int(limit // 10) or 1)) from None
        finally:
            self._waiting -= 1
        # A job holds one of the `active` execution slots only while it is quick: after
        # SLOW_AFTER seconds it lets go, so that runaway queries never starve quick ones
        # (they still hold their worker until they finish or are killed).
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                slots.release()

        handle = asyncio.get_running_loop().call_later(SLOW_AFTER, release)
        try:
            await self._send(worker, kind, args)
            answer = await self._receive(worker, limit)
        except TimeoutError:
            self.killed += 1
            self._replace(worker)
            raise QueryTimeout(
                f"the query ran longer than {limit:g} s and was stopped",
                hint="narrow the query (LIMIT, more specific patterns) or ask the operator "
                "to raise the time limit",
            ) from None
        except asyncio.CancelledError:
            # the client went away mid-query: the worker may still be busy, so replace it
            self._replace(worker)
            raise
        except (OSError, EOFError, ValueError):
            self._replace(worker)
            raise StoreError(
                "the query stopped its worker (probably over the memory limit)",
                hint="narrow the query; the worker has been replaced",
            ) from None
        finally:
            handle.cancel()
            release()
        self._idle.put_nowait(worker)
        return _unwrap(answer)


def _unwrap(answer: Any) -> Any:
    status = answer[0]
    if status == "ok":
        return answer[1]
    _, kind, message, extra = answer
    if kind == "syntax":
        raise QuerySyntaxError(message, line=extra.get("line"), column=extra.get("column"))
    if kind == "input":
        raise InputError(message)
    if kind == "memory":
        raise LimitExceeded(message)
    raise KGraphError("the query failed inside the engine")
