"""Run work under a wall-clock deadline in a forked worker, so a hang costs its budget only.

Signal alarms only work in the main thread and cannot interrupt C code; a separate process
can always be killed. The worker is forked once and reused; it is replaced after a timeout.
The callables must exist before the first call (the fork copies them), so the caller
registers all its work first.
"""
from __future__ import annotations

import multiprocessing
import os
import traceback
from typing import Callable

_WORK: list[Callable[[], object]] = []


class TimedOut(Exception):
    """The work did not finish within its budget."""


class WorkerCrashed(Exception):
    """The worker process died (out of memory, a crash in C code)."""


def register(work: Callable[[], object]) -> int:
    """Make `work` callable in the worker; returns its handle for `Budget.call`."""
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
            connection.send(("raised", f"{type(exc).__name__}: {exc} (at {os.path.basename(last.filename)}:{last.lineno})"))


class Budget:
    """Calls registered work in a worker process, giving up after `seconds`."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._process = None
        self._connection = None
        self._forkable = "fork" in multiprocessing.get_all_start_methods()

    def call(self, handle: int):
        """The work's return value; raises TimedOut, WorkerCrashed, or RuntimeError(message)
        when the work raised."""
        if not self._forkable:          # no fork (Windows): no deadline, but still works
            return _WORK[handle]()
        if self._process is None or not self._process.is_alive():
            self._start()
        self._connection.send(handle)
        if not self._connection.poll(self.seconds):
            self.close()
            raise TimedOut(f"no decision within the {self.seconds:g} s budget")
        try:
            status, value = self._connection.recv()
        except EOFError:
            self.close()
            raise WorkerCrashed("the checking process died") from None
        if status == "raised":
            raise RuntimeError(value)
        return value

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._connection = parent

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._connection.close()
        self._process = self._connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
