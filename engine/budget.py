"""Run work under a wall-clock deadline in forked workers, so a hang costs its budget only.

Signal alarms only work in the main thread and cannot interrupt C code; a separate process
can always be killed. Workers are forked when first needed and reused; a worker whose work
overran its budget is killed and replaced. The work must be registered (`register`) before the
first call, because the fork copies it into the workers.
"""
from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections import deque
from multiprocessing.connection import wait
from typing import Callable, Iterable

_WORK: list[Callable[[], object]] = []


class TimedOut(Exception):
    """The work did not finish within its budget."""


class WorkerCrashed(Exception):
    """The worker process died (out of memory, a crash in C code)."""


class WorkFailed(Exception):
    """The work raised; the message names the exception and where it was raised."""


def register(work: Callable[[], object]) -> int:
    """Make `work` callable in the workers; returns its handle."""
    _WORK.append(work)
    return len(_WORK) - 1


def _serve(connection) -> None:
    while True:
        try:
            handle = connection.recv()
        except EOFError:
            return
        try:
            connection.send(("ok", _WORK[handle]()))
        except Exception as exc:    # reported to the parent, which names the step
            last = traceback.extract_tb(exc.__traceback__)[-1]
            connection.send(("raised", f"{type(exc).__name__}: {exc} "
                                       f"(at {os.path.basename(last.filename)}:{last.lineno})"))


class _Worker:
    def __init__(self):
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


def attempt(seconds: float, work: Callable[[], object]):
    """`work()` if it finishes within `seconds`, else None (it is interrupted by a timer signal,
    so this works only in a process's main thread; elsewhere the work runs without a limit and
    the caller's own budget still bounds it)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal,
                                                                                 "setitimer"):
        return work()

    class _Interrupted(BaseException):
        pass

    def interrupt(signum, frame):
        raise _Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return work()
    except _Interrupted:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Pool:
    """Runs registered work in up to `jobs` worker processes, `seconds` per piece of work."""

    def __init__(self, seconds: float, jobs: int = 1):
        self.seconds = seconds
        self.jobs = max(1, jobs)
        self._idle: list[_Worker] = []
        self._forkable = "fork" in multiprocessing.get_all_start_methods()

    def run(self, handles: Iterable[int]) -> dict:
        """{handle: (result or exception, seconds)} for every handle; exceptions are TimedOut,
        WorkerCrashed or WorkFailed instances, never raised."""
        handles = list(handles)
        if not self._forkable:              # no fork (Windows): no deadline, but still works
            return {h: self._inline(h) for h in handles}
        pending = deque(handles)
        running: dict = {}                 # connection -> (worker, handle, started)
        done: dict = {}
        while pending or running:
            while pending and len(running) < self.jobs:
                worker = self._idle.pop() if self._idle else _Worker()
                handle = pending.popleft()
                worker.connection.send(handle)
                running[worker.connection] = (worker, handle, time.perf_counter())
            now = time.perf_counter()
            first_deadline = min(started for _, _, started in running.values()) + self.seconds
            for connection in wait(list(running), timeout=max(0.0, first_deadline - now)):
                worker, handle, started = running.pop(connection)
                elapsed = time.perf_counter() - started
                try:
                    status, value = connection.recv()
                except (EOFError, OSError):
                    worker.stop()
                    done[handle] = (WorkerCrashed("the checking process died"), elapsed)
                    continue
                self._idle.append(worker)
                done[handle] = (WorkFailed(value) if status == "raised" else value, elapsed)
            now = time.perf_counter()
            for connection, (worker, handle, started) in list(running.items()):
                if now - started >= self.seconds:
                    del running[connection]
                    worker.stop()
                    done[handle] = (TimedOut(f"no decision within the {self.seconds:g} s budget"),
                                    now - started)
        return done

    def _inline(self, handle: int):
        started = time.perf_counter()
        try:
            value = _WORK[handle]()
        except Exception as exc:
            value = WorkFailed(f"{type(exc).__name__}: {exc}")
        return value, time.perf_counter() - started

    def close(self) -> None:
        for worker in self._idle:
            worker.stop()
        self._idle = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
