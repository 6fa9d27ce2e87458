"""Queries in worker processes that can be stopped: the engine room of ``samhandling serve``.

pyoxigraph cannot interrupt a query from Python: a runaway query holds a core and its memory
until it ends, and a query nested deeply enough overflows the engine's stack and takes its
whole process down (docs/upstream/oxigraph-deep-property-path.md). So the server runs every
query in one of a few worker processes, each holding its own copy of the store:

* a worker whose query outlives the time limit, or whose client went away, is killed and
  replaced;
* a worker's address space is capped (``RLIMIT_AS``), so a query that grows without bound
  fails in that worker, not in the server or the machine;
* a worker that crashes takes only its own query with it; the answer says what happened.

Workers are fresh interpreters running :func:`worker_main`, started with the store dumped to an
N-Quads file; they speak length-prefixed JSON frames over their stdin and stdout.
Before a query reaches a worker, :func:`~samhandling_kg.sparql.guard.check_query_text` refuses text long or deep enough to
crash the engine, with a message that says which limit it passed.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from queue import SimpleQueue
from typing import IO, Any

from samhandling_kg.core.errors import SamhandlingError

_FRAME = struct.Struct(">I")
# The worker's interpreter: this package found where the server found it (appended, so it
# shadows nothing), and no module from the current folder.
_WORKER = ("import sys; del sys.path[0]; sys.path.append(sys.argv[1]); "
           "from samhandling_kg.serve.worker import worker_main; sys.exit(worker_main(sys.argv[2:]))")
_READY_TIMEOUT = 300.0  # seconds a new worker may take to load the store



# --- frames -----------------------------------------------------------------------------------


def _write_frame(out: IO[bytes], document: dict[str, Any], payload: bytes = b"") -> None:
    head = json.dumps(document).encode("utf-8")
    data = memoryview(_FRAME.pack(len(head)) + head + payload)
    while data:  # an unbuffered pipe may take part of a large write
        written = out.write(data)
        data = data[written or 0:]
    out.flush()


def _read_exact(fd: int, size: int) -> bytes:
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 16))
        if not chunk:
            raise EOFError
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _read_frame(fd: int) -> dict[str, Any]:
    (size,) = _FRAME.unpack(_read_exact(fd, _FRAME.size))
    document: dict[str, Any] = json.loads(_read_exact(fd, size))
    return document


# --- one worker -------------------------------------------------------------------------------


class WorkerCrashed(Exception):
    """The worker process ended while it held a query."""


class Worker:
    """One worker process and the pipes to it (used by one request thread at a time)."""

    def __init__(self, dump: Path, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.stderr = tempfile.TemporaryFile()
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["MALLOC_ARENA_MAX"] = "2"  # keep the address space close to what is in use
        env["RUST_BACKTRACE"] = "0"
        # A session of its own: Ctrl-C in the terminal stops the server, which stops the
        # workers, instead of every worker printing its own KeyboardInterrupt.
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER, package_root, str(dump), str(memory_mb),
             str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, bufsize=0,
            env=env, close_fds=True, start_new_session=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in = self.process.stdin
        self._out = self.process.stdout.fileno()
        self.pid = self.process.pid

    def wait_ready(self, timeout: float = _READY_TIMEOUT) -> None:
        if not _wait_readable(self._out, time.monotonic() + timeout):
            self.kill()
            raise SamhandlingError(f"a query worker did not start within {timeout:g} s")
        try:
            _read_frame(self._out)
        except (EOFError, ValueError, OSError):
            self.kill()
            raise SamhandlingError(f"a query worker could not start: {self.last_words()}") from None

    def send(self, job: dict[str, Any]) -> None:
        try:
            _write_frame(self._in, job)
        except OSError:
            raise WorkerCrashed from None

    def reply(self) -> dict[str, Any]:
        try:
            return _read_frame(self._out)
        except (EOFError, OSError, ValueError):
            raise WorkerCrashed from None

    def body(self, length: int) -> Iterator[bytes]:
        left = length
        while left:
            try:
                chunk = os.read(self._out, min(left, 1 << 16))
            except OSError:
                chunk = b""
            if not chunk:
                raise WorkerCrashed
            left -= len(chunk)
            yield chunk

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()

    def close(self) -> None:
        self.kill()
        self.stderr.close()

    def last_words(self) -> str:
        """Why the worker ended: the last line it wrote, or the signal that stopped it."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.stderr.seek(0, os.SEEK_END)
        size = self.stderr.tell()
        self.stderr.seek(max(0, size - 4096))
        tail = self.stderr.read().decode("utf-8", "replace")
        text = next((line.strip() for line in reversed(tail.splitlines()) if line.strip()), "")
        code = self.process.returncode
        if "memory allocation" in tail or "MemoryError" in tail:
            return f"it needed more memory than a query may use ({self.memory_mb} MB, --memory)"
        if "overflowed its stack" in tail or code == -signal.SIGSEGV:
            return ("the query engine crashed on it (most likely it is nested too deeply for "
                    "the engine's stack)")
        if code is not None and code < 0:
            return f"the query engine stopped with signal {signal.Signals(-code).name}"
        return text[:200] or f"the worker exited with status {code}"


def _wait_readable(fd: int, deadline: float, client: socket.socket | None = None) -> bool:
    """Wait until ``fd`` can be read; False at ``deadline``. Raises :class:`ClientGone` when
    ``client`` closed its side of the connection meanwhile."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    rdhup = getattr(select, "POLLRDHUP", 0)
    if client is not None:
        poller.register(client.fileno(), rdhup or select.POLLIN)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        for ready, events in poller.poll(min(left, 1.0) * 1000):
            if ready == fd:
                return True
            if client is not None and _client_gone(client, events, rdhup):
                raise ClientGone
            if client is not None and not rdhup:
                # A pipelined request waits in the buffer; stop watching for data.
                poller.modify(client.fileno(), 0)


def _client_gone(client: socket.socket, events: int, rdhup: int) -> bool:
    if events & (select.POLLHUP | select.POLLERR | rdhup):
        return True
    try:
        return client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


class ClientGone(Exception):
    """The client closed its connection while its query waited or ran."""


# --- the pool ---------------------------------------------------------------------------------


class Outcome:
    """What became of a query: an answer (status 200) whose body is still to be read from the
    worker with :meth:`chunks`, an error status with a one-line message, or status 0: the
    client went away and nothing is to be sent.

    Use it in a ``with`` block: leaving the block before the whole body was read (the client
    went away while it was sent) kills the worker, as a timeout or a vanished client does;
    otherwise the worker goes back to the pool."""

    def __init__(self, status: int, message: str = "", *, media: str = "text/plain; charset=utf-8",
                 length: int = 0, retry_after: int | None = None,
                 pool: QueryPool | None = None, worker: Worker | None = None) -> None:
        self.status, self.message, self.media = status, message, media
        self.length, self.retry_after = length, retry_after
        self._pool, self._worker, self._read = pool, worker, 0

    def chunks(self) -> Iterator[bytes]:
        assert self._worker is not None
        for chunk in self._worker.body(self.length):
            self._read += len(chunk)
            yield chunk

    def __enter__(self) -> Outcome:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if self._pool is not None and self._worker is not None:
            if kind is None and self._read == self.length:
                self._pool._release(self._worker)
            else:
                self._pool._replace(self._worker)
            self._worker = None


class QueryPool:
    """A fixed number of worker processes and the queue of queries waiting for one."""

    def __init__(self, store: Any, *, workers: int = 2, memory_mb: int = 2048,
                 queue: int = 16, log: Callable[[str], None] | None = None) -> None:
        import pyoxigraph as ox

        self.size, self.memory_mb, self.queue = workers, memory_mb, queue
        self._log = log or (lambda line: None)
        self._folder = Path(tempfile.mkdtemp(prefix="samhandling-serve-"))
        self.dump = self._folder / "store.nq"
        store.store.dump(str(self.dump), format=ox.RdfFormat.N_QUADS)
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._waiting = 0
        self._closed = False
        self._ready = threading.Condition()
        # Workers are started from one thread that lives as long as the pool: the kernel's
        # parent-death signal (see _die_with_parent) fires when the starting *thread* ends.
        self._spawns: SimpleQueue[Future[Worker] | None] = SimpleQueue()
        threading.Thread(target=self._spawner, daemon=True, name="samhandling-spawner").start()
        try:
            starting = [self._spawn() for _ in range(workers)]
        except OSError as exc:
            self._spawns.put(None)
            shutil.rmtree(self._folder, ignore_errors=True)
            raise SamhandlingError(f"cannot start a query worker: {exc}") from None
        try:
            for worker in starting:
                worker.wait_ready()
        except SamhandlingError:
            for worker in starting:
                worker.close()
            self._spawns.put(None)
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        self._idle.extend(starting)
        self._all.update(starting)

    def pids(self) -> list[int]:
        with self._ready:
            return sorted(worker.pid for worker in self._all)

    def query(self, job: dict[str, Any], *, timeout: float,
              client: socket.socket | None = None) -> Outcome:
        """Run ``job`` on a worker within ``timeout`` seconds (and wait at most as long for
        one); a ``client`` socket that closes meanwhile stops the query."""
        try:
            worker = self._acquire(time.monotonic() + timeout, client)
        except ClientGone:
            return Outcome(0)
        if worker is None:
            return Outcome(503, "the endpoint is busy: every query worker is taken and "
                           f"{self.queue} queries are waiting; try again shortly", retry_after=2)
        try:
            worker.send(job)
            if not _wait_readable(worker._out, time.monotonic() + timeout, client):
                self._log(f"query stopped after {timeout:g} s (worker {worker.pid})")
                self._replace(worker)
                return Outcome(503, f"query stopped: it ran longer than the time limit of "
                               f"{timeout:g} s (--timeout)")
            head = worker.reply()
            status, length = int(head["status"]), int(head.get("length", 0))
            if status != 200:
                message = b"".join(worker.body(length)).decode("utf-8", "replace").strip()
                self._release(worker)
                return Outcome(status, message)
            return Outcome(200, media=str(head["media"]), length=length, pool=self, worker=worker)
        except ClientGone:
            self._log(f"client went away; query stopped (worker {worker.pid})")
            self._replace(worker)
            return Outcome(0)
        except WorkerCrashed:
            reason = worker.last_words()
            self._log(f"query worker {worker.pid} ended: {reason}")
            self._replace(worker)
            return Outcome(503 if "memory" in reason else 500,
                           f"query stopped: {reason}; the endpoint goes on")

    def _acquire(self, deadline: float, client: socket.socket | None) -> Worker | None:
        with self._ready:
            if not self._idle and self._waiting >= self.queue:
                return None
            self._waiting += 1
            try:
                while not self._idle:
                    left = deadline - time.monotonic()
                    if left <= 0 or self._closed:
                        return None
                    self._ready.wait(min(left, 0.25))
                    if client is not None and not self._idle and _client_gone_now(client):
                        raise ClientGone
                return self._idle.pop()
            finally:
                self._waiting -= 1

    def _release(self, worker: Worker) -> None:
        with self._ready:
            if self._closed:
                worker.close()
                return
            self._idle.append(worker)
            self._ready.notify()

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        with self._ready:
            self._all.discard(worker)
        worker.close()
        threading.Thread(target=self._start_one, daemon=True, name="samhandling-worker-start").start()

    def _spawner(self) -> None:
        while True:
            future = self._spawns.get()
            if future is None:
                return
            try:
                future.set_result(Worker(self.dump, self.memory_mb))
            except BaseException as exc:  # handed to the thread that asked
                future.set_exception(exc)

    def _spawn(self) -> Worker:
        future: Future[Worker] = Future()
        self._spawns.put(future)
        return future.result()

    def _start_one(self) -> None:
        delay = 0.5
        while not self._closed:
            try:
                worker = self._spawn()
                worker.wait_ready()
            except (OSError, SamhandlingError) as exc:
                self._log(f"could not start a query worker: {exc}")
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            with self._ready:
                if self._closed:
                    worker.close()
                    return
                self._all.add(worker)
                self._idle.append(worker)
                self._ready.notify()
            return

    def close(self) -> None:
        with self._ready:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._ready.notify_all()
        self._spawns.put(None)
        for worker in workers:
            worker.close()
        shutil.rmtree(self._folder, ignore_errors=True)


def _client_gone_now(client: socket.socket) -> bool:
    rdhup = getattr(select, "POLLRDHUP", 0)
    poller = select.poll()
    poller.register(client.fileno(), rdhup or select.POLLIN)
    return any(_client_gone(client, events, rdhup) for _, events in poller.poll(0))
