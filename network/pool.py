"""A worker process for the heavy path computations, so that the analysis uses both cores.

igraph holds the GIL while it computes (two betweenness runs in two threads took longer
than one after the other), so a second core can only be used by a second process. The
pool has :func:`workers` processes (one on a two-core machine, none on one core or with
``NETZWERKATLAS_ANALYSIS_PROCESSES=0``), started by a fork server (safe in a threaded
server: the workers are forked from a clean process, not from this one) when first needed
or by :func:`warm` at start-up; they stay for the life of the process. Work sent there
is plain arrays in, plain arrays out. If the pool cannot be used (e.g. a worker was
killed), :func:`submit` gives None and the caller computes in its own process.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing as mp
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["BrokenProcessPool", "peak_mb", "shutdown", "submit", "warm", "workers"]

T = TypeVar("T")
ENV = "NETZWERKATLAS_ANALYSIS_PROCESSES"

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_unavailable = False
_HAVE_SIGMASK = hasattr(signal, "pthread_sigmask")


def workers() -> int:
    """Worker processes to use: ``$NETZWERKATLAS_ANALYSIS_PROCESSES``, else cores − 1 (max 1)."""
    raw = os.environ.get(ENV, "").strip()
    if raw:
        try:
            return max(0, int(raw))
        except ValueError:
            return 0
    return 1 if (os.cpu_count() or 1) > 1 else 0


def _exit_with(parent: int) -> None:
    """Worker initializer: end this worker when ``parent`` (the process that made the pool)
    ends without stopping it, e.g. killed. Each worker holds the fork server's lifeline,
    so a worker left behind would also keep the fork server and the resource tracker
    alive; with it gone they end as well.

    The worker also ignores SIGINT: a terminal's Ctrl+C reaches the whole process group,
    and the worker would die with a KeyboardInterrupt traceback in the middle of the
    parent's orderly shutdown. The parent alone decides when the worker stops.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _HAVE_SIGMASK:  # blocked while the fork server started (see _sigint_blocked)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def wait() -> None:
        try:
            fd = os.pidfd_open(parent)  # Linux: readable once the process has ended
            select.select([fd], [], [])
        except (AttributeError, OSError):  # elsewhere: look every two seconds
            while _alive(parent):
                time.sleep(2)
        os._exit(0)

    threading.Thread(target=wait, name="parent-watch", daemon=True).start()


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT in this thread while the pool starts processes.

    The fork server is started by the first :func:`submit`; until it has imported its
    preload modules (a second or so) it does not yet ignore SIGINT, so a Ctrl+C then would
    end it with a traceback. A blocked signal stays blocked in the processes started from
    this thread, as the standard library's resource tracker does it.
    """
    if not _HAVE_SIGMASK:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        pass
    return True


def _ready() -> bool:
    import network.engine  # noqa: F401  (igraph, numpy and scipy loaded once per worker)

    return True


def _get() -> ProcessPoolExecutor | None:
    global _pool
    count = workers()
    if count == 0:
        return None
    global _unavailable
    with _lock:
        if _pool is None and not _unavailable:
            try:
                ctx = mp.get_context("forkserver")
                ctx.set_forkserver_preload(["network.engine"])
                _pool = ProcessPoolExecutor(
                    max_workers=count,
                    mp_context=ctx,
                    initializer=_exit_with,
                    initargs=(os.getpid(),),
                )
            except (OSError, ValueError, ImportError, NotImplementedError) as e:
                # e.g. no POSIX semaphores in a restricted container: one process it is
                _unavailable = True
                logging.getLogger(__name__).warning(
                    "analysis worker process unavailable (%s): computing in one process", e
                )
        return _pool


def _drop(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def submit(fn: Callable[..., T], *args: Any) -> Future[T] | None:
    """Run ``fn(*args)`` in a worker process; None when there is no usable worker."""
    pool = _get()
    if pool is None:
        return None
    try:
        with _sigint_blocked():
            return pool.submit(fn, *args)
    except (BrokenProcessPool, RuntimeError, OSError, EOFError):  # EOF: the fork server died
        _drop(pool)
        return None


def warm() -> bool:
    """Start the worker now (it takes about a second), so the first analysis need not wait.

    Returns whether a worker is available.
    """
    future = submit(_ready)
    if future is None:
        return False
    try:
        return future.result(timeout=120)
    except Exception:
        return False


def peak_mb() -> float:
    """The workers' peak resident memory in MB, summed (Linux ``VmHWM``; 0 elsewhere)."""
    with _lock:
        pool = _pool
    if pool is None:
        return 0.0
    total = 0.0
    for pid in list(getattr(pool, "_processes", None) or {}):
        try:
            status = open(f"/proc/{pid}/status", encoding="ascii").read()  # noqa: SIM115
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def shutdown() -> None:
    """Stop the workers (at the app's shutdown); queued work is dropped, a later
    :func:`submit` starts a new pool."""
    global _pool
    with _lock:
        pool = _pool
    if pool is None:
        return
    # the pool stays known until it has stopped: if a second Ctrl+C interrupts the wait,
    # the exit handler below finishes it
    pool.shutdown(wait=True, cancel_futures=True)
    with _lock:
        if _pool is pool:
            _pool = None


def _at_exit() -> None:
    """At interpreter exit: start no new pool and stop the current one, waiting for a worker
    that a daemon thread is still starting (:func:`warm` when the server stops right after
    it started). Otherwise that worker would look for the process' semaphores after
    multiprocessing's own exit handler removed them, and print a traceback."""
    global _unavailable
    with _lock:
        _unavailable = True
    try:
        shutdown()
    except KeyboardInterrupt:
        pass  # one more Ctrl+C: stop waiting; the worker ends with this process (_exit_with)


# multiprocessing's exit handler is registered already (imported with concurrent.futures),
# and exit handlers run last in, first out: this one runs before it.
atexit.register(_at_exit)
