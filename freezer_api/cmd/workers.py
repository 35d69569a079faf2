"""Making every granian worker process stop when it is told to, and never outlive its server.

Two gaps this closes, both seen as workers left running after a stop:

* A worker stopped by a signal to the whole process group gets SIGINT or
  SIGTERM twice (once from the terminal or service manager, once from its
  server process), delivered to any of its threads; in about one stop in
  five the worker then never stops and serves on. Here the stop signals
  are blocked in every thread, one thread waits for them with sigwait and
  runs granian's handler exactly once.
* A worker whose server process died without stopping it (SIGKILL, a crash)
  would keep the port: the kernel kills it when its parent goes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import threading

LOG = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_PR_SET_PDEATHSIG = 1

# Set by the server process's stop handler. A worker inherits that handler
# when it is forked: a stop signal it gets before it could take over its
# signals lands there, and the worker learns of it from this flag.
_stop_requested = False


def note_stop_requested() -> None:
    global _stop_requested
    _stop_requested = True


def prepare_worker_process() -> None:
    """Run in a granian worker's main thread, before it starts serving."""
    _die_with_parent()
    _take_stop_signals_on_one_thread()


def _die_with_parent() -> None:
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        LOG.warning("cannot tie the worker to its server process (prctl errno %d)", ctypes.get_errno())
        return
    # The parent may have gone between the fork and the prctl call.
    if os.getppid() == 1:
        os.kill(os.getpid(), signal.SIGKILL)


def _take_stop_signals_on_one_thread() -> None:
    """Block the stop signals in every thread of the worker; one thread waits for them and relays the first."""
    if threading.current_thread() is not threading.main_thread():
        return
    # Threads inherit the mask of the thread that starts them: granian's
    # threads start after this, from this thread.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    if _stop_requested:
        os._exit(0)  # told to stop before it served anything
    threading.Thread(target=_relay_stop_signals, name="stop-signals", daemon=True).start()


def _relay_stop_signals() -> None:
    number = signal.sigwait(STOP_SIGNALS)
    handler = signal.getsignal(number)
    if not _is_worker_handler(handler):
        os._exit(0)  # stopped before granian started serving here: nothing to finish
    handler(number, None)  # type: ignore[operator,misc]  # granian's: it stops the worker gracefully
    while True:  # later stop signals (the process group's and the server's) change nothing
        signal.sigwait(STOP_SIGNALS)


def _is_worker_handler(handler: object) -> bool:
    """granian's worker handler, not the default one nor the server process's (inherited at fork)."""
    from granian.server.common import AbstractServer

    if not callable(handler) or handler is signal.default_int_handler:
        return False
    return not isinstance(getattr(handler, "__self__", None), AbstractServer)
