"""What a worker process sets up for itself (Linux/glibc specifics, no-ops elsewhere)."""

from __future__ import annotations

import os


def worker_init() -> None:
    """Make a pool worker die with its parent, and learn of a closed output as an error.

    The parent may end abruptly (SIGPIPE from ``| head``, a kill); in a
    ``ProcessPoolExecutor`` forked siblings keep the task queue's pipe open, so a worker
    would otherwise wait forever. Linux only (prctl PR_SET_PDEATHSIG); elsewhere a no-op.
    Forked workers (:mod:`._forked`) do not need it: each has its own task pipe, which ends
    when the parent does.
    """
    import ctypes
    import signal

    # a worker writing output (normalize) learns of a closed pipe as an error
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def keep_freed_memory() -> None:
    """Ask glibc to keep big freed blocks for reuse instead of giving them back at once.

    Why: a chunk's bytes, decoded text and output are blocks of megabytes, which glibc
    serves with ``mmap`` and unmaps when they are freed, so each chunk faulted its pages in
    afresh: 60,000 page faults per 100 MB with two workers, a quarter of their system time.
    Bench row that shows it pays: ``newskit normalize --jobs 2 (100 MB)`` (about 8% faster
    with it). Set before forking, the workers inherit it; memory stays bounded by the chunks
    in flight. Elsewhere than glibc, a no-op.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: blocks under 32 MiB come from the heap
    mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD: free heap top returned beyond 256 MiB only
