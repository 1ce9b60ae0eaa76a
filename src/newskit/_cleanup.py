"""What a process undoes when SIGTERM or SIGHUP ends it: the temporary files of the rewrites
it has in flight, and (for a parent) its worker processes' ones.

Why a handler at all: by default these signals end Python at once, with no ``finally`` run,
so an atomic rewrite killed half-way left its hidden temporary file beside the original (the
original itself is safe: it is replaced only by a complete file). Why not raise an exception
from the handler and let ``finally`` blocks clean up: the signal can come anywhere, in a pool
worker whose task loop catches every exception, or in a ``finally`` already running; and a
process pool's ``__exit__`` waits for every task in flight. So the handler does the little
that matters itself (unlink the files this process registered, stop its workers and wait for
them to unlink theirs), then ends the process by the same signal with the default action, so
that the shell sees 128+N (143 for SIGTERM, 129 for SIGHUP) and a calling script can tell a
kill from a failure. SIGINT is left alone: Ctrl-C raises ``KeyboardInterrupt``, which unwinds
through every ``finally`` (and reaches the workers too, as the terminal signals its whole
process group).

Hooks are per process: a forked child inherits the handler and the list of hooks, but runs
only the hooks it registered itself, never its parent's.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["holding_signals", "on_termination"]

_SIGNAL_NAMES = ("SIGTERM", "SIGHUP")
_hooks: list[tuple[int, Callable[[], None]]] = []
_previous: dict[int, Any] = {}


def _signals() -> list[int]:
    import signal

    return [getattr(signal, n) for n in _SIGNAL_NAMES if hasattr(signal, n)]


def on_termination(hook: Callable[[], None]) -> None:
    """Run ``hook`` (in this process, once) if SIGTERM or SIGHUP ends it.

    The handler is installed on first use, from the main thread only (Python allows no
    other), and only over the default action: a program that embeds newskit and handles
    these signals itself keeps its handler, which runs after the hooks; an ignored signal
    stays ignored.
    """
    pid = os.getpid()
    if not any(p == pid and h == hook for p, h in _hooks):
        _hooks.append((pid, hook))
    _install()


def _install() -> None:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    for signum in _signals():
        current = signal.getsignal(signum)
        if current is _handler or current in (signal.SIG_IGN, None):
            continue
        _previous[signum] = current
        signal.signal(signum, _handler)


def _handler(signum: int, frame: Any) -> None:
    import signal

    pid = os.getpid()
    # A write to a pipe whose reader is gone must not end the process by SIGPIPE while it
    # cleans up: a process pool's feeder thread writes to the pipe of a worker just ended.
    pipe = getattr(signal, "SIGPIPE", None)
    on_pipe = signal.signal(pipe, signal.SIG_IGN) if pipe is not None else None
    with holding_signals():  # (a second signal must not cut the cleanup short)
        for owner, hook in list(_hooks):
            if owner == pid:
                with contextlib.suppress(Exception):
                    hook()
    previous = _previous.get(signum, signal.SIG_DFL)
    if callable(previous):
        if pipe is not None:
            signal.signal(pipe, on_pipe)
        previous(signum, frame)
        return
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


@contextlib.contextmanager
def holding_signals() -> Iterator[None]:
    """Hold SIGTERM and SIGHUP back (they are delivered on leaving): for the few steps that
    must not be cut apart, such as creating a temporary file and registering it."""
    import signal

    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:  # pragma: no cover - not POSIX
        yield
        return
    old = mask(signal.SIG_BLOCK, _signals())
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)
