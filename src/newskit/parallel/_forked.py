"""The forked back end: worker processes made with ``fork``, each with a pipe for its tasks
and one for its messages, and this process watching every pipe with one ``select``.

Why not a ``ProcessPoolExecutor`` here: importing ``multiprocessing`` and
``concurrent.futures`` took 19 ms before any worker started, and the executor's threads
about 0.4 ms of this process's time per task (38 ms on 100 MB, taken from the two workers'
CPUs): together a tenth of ``newskit normalize --jobs 2`` on 100 MB (bench row
``newskit normalize --jobs 2 (100 MB)``). And a pool cannot send a message to one chosen
worker, which :mod:`._reduce` needs.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

from newskit.parallel._common import (
    Carry,
    Failed,
    StopMark,
    WorkerDied,
    WriteFn,
    reader_gone,
    render,
    run_items,
    write_bytes,
)
from newskit.parallel._process import keep_freed_memory


class Worker:
    """A forked worker process, as its parent sees it: the write end of its task pipe (with
    what is waiting to be written to it), the read end of its message pipe, and how many of
    its tasks are not done."""

    def __init__(self, pid: int, tasks_fd: int, messages: int) -> None:
        self.pid = pid
        self.tasks_fd = tasks_fd
        self.messages = messages
        self.outbox = bytearray()
        self.inbox = bytearray()
        self.tasks = 0

    @classmethod
    def fork(cls, target: Callable[[int, int], None], siblings: list[Worker]) -> Worker:
        """Start a worker that runs ``target(task pipe, message pipe)`` and then exits."""
        task_r, task_w = os.pipe()
        msg_r, msg_w = os.pipe()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker: it never returns from here
            status = 1
            try:
                import signal

                os.close(task_w)
                os.close(msg_r)
                for sibling in siblings:
                    os.close(sibling.tasks_fd)
                    os.close(sibling.messages)
                # a worker writing output learns of a closed pipe as an error, not a signal
                signal.signal(signal.SIGPIPE, signal.SIG_IGN)
                keep_freed_memory()
                target(task_r, msg_w)
                status = 0
            finally:
                os._exit(status)
        os.close(task_r)
        os.close(msg_w)
        os.set_blocking(task_w, False)
        return cls(pid, task_w, msg_r)

    def send(self, message: tuple[Any, ...], task: bool = True) -> None:
        """Queue a message (a task unless ``task`` is false) and write what fits."""
        import pickle

        if task:
            self.tasks += 1
        body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        self.outbox += len(body).to_bytes(4, "little") + body
        self.flush()

    def flush(self) -> None:
        try:
            n = os.write(self.tasks_fd, self.outbox)
        except BlockingIOError:
            return
        del self.outbox[:n]

    def receive(self, loads: Callable[[bytes], Any]) -> Iterator[Any]:
        """The whole messages that have come, after one read of the pipe."""
        data = os.read(self.messages, 1 << 16)
        if not data:
            raise WorkerDied(f"a worker process (pid {self.pid}) ended unexpectedly")
        self.inbox += data
        while len(self.inbox) >= 4:
            n = int.from_bytes(self.inbox[:4], "little")
            if len(self.inbox) < 4 + n:
                break
            message = loads(bytes(self.inbox[4 : 4 + n]))
            del self.inbox[: 4 + n]
            yield message

    def close(self, kill: bool) -> None:
        """End the worker: at the end of its task pipe it exits; one still running a task
        (the command failed or was interrupted) is killed."""
        import signal

        for fd in (self.tasks_fd, self.messages):
            with contextlib.suppress(OSError):
                os.close(fd)
        if kill:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def start_workers(jobs: int, target: Callable[[int, int], None]) -> list[Worker]:
    """Fork ``jobs`` workers running ``target``; if a fork fails, the ones started end too."""
    import gc

    workers: list[Worker] = []
    # gc.freeze: the collector then leaves inherited objects alone, so fewer pages are
    # copied on write (bench row: `newskit normalize --jobs 2 (100 MB)`).
    gc.freeze()
    try:
        for _ in range(jobs):
            workers.append(Worker.fork(target, workers))
    except BaseException:
        for worker in workers:
            worker.close(kill=True)
        raise
    finally:
        gc.unfreeze()
    return workers


def read_exactly(fd: int, n: int) -> bytes | None:
    """``n`` bytes from the pipe ``fd``, or None at its end."""
    parts = []
    while n:
        data = os.read(fd, n)
        if not data:
            return None
        parts.append(data)
        n -= len(data)
    return b"".join(parts)


def pipe_messages(
    tasks_fd: int, messages_fd: int
) -> tuple[Callable[[], Any], Callable[[Any], None]]:
    """A worker's ``(receive, send)``: length-prefixed pickles over its two pipes;
    ``receive()`` is None at the end of the task pipe; ``send`` ends the worker if the
    parent is gone."""
    import pickle

    def receive() -> Any:
        head = read_exactly(tasks_fd, 4)
        body = None if head is None else read_exactly(tasks_fd, int.from_bytes(head, "little"))
        return None if body is None else pickle.loads(body)

    def send(message: Any) -> None:
        body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        if not write_bytes(messages_fd, len(body).to_bytes(4, "little") + body):
            raise SystemExit(1)  # the parent is gone

    return receive, send


def forked_turns(
    fn: WriteFn,
    batches: Iterator[list[tuple[int, Any]]],
    jobs: int,
    fd: int,
    warm: Callable[[], object] | None,
    depth: int,
    stopped: StopMark,
    carry: Carry | None,
    value: Any,
) -> Iterator[tuple[int, Any]]:
    """``ordered_write``'s workers for files: ``jobs`` forked processes, this process
    passing the turn to write.

    A worker runs a task, says it is ready, waits for its turn (a message on its task pipe
    carrying the exact number of the last input stopped and the carry value), writes, and
    says it is done with the results. This process never blocks on a worker: its writes to
    the task pipes wait in buffers until the pipe has room, and one ``select`` watches every
    pipe (a worker that ends early ends the command with :class:`WorkerDied`).
    """
    import pickle
    import select

    if warm is not None:
        warm()  # before forking, so every worker inherits compiled patterns and tables
    owner: dict[int, Worker] = {}  # task number -> the worker running it
    ready: set[int] = set()  # tasks run, waiting for their turn to write
    results: dict[int, list[tuple[int, Any]]] = {}  # tasks done, not yet yielded
    inline: set[int] = set()  # "tasks" that are an input's failure: nothing to run or write
    turn = next_task = next_out = 0
    more = True
    step = carry[1] if carry is not None else None

    def target(tasks_fd: int, messages_fd: int) -> None:
        _turn_worker(fn, tasks_fd, messages_fd, fd, carry)

    workers = start_workers(jobs, target)
    try:
        while True:
            while more and len(owner) < jobs * depth:
                batch = next(batches, None)
                if batch is None:
                    more = False
                elif isinstance(batch[0][1], Failed):  # after what came before it
                    results[next_task] = batch
                    inline.add(next_task)
                    next_task += 1
                else:
                    worker = min(workers, key=lambda w: w.tasks)
                    worker.send((next_task, batch, stopped.value, None))
                    owner[next_task] = worker
                    next_task += 1
            while turn in inline:
                inline.discard(turn)
                turn += 1
            if turn in ready:
                ready.discard(turn)
                owner[turn].send((turn, None, stopped.value, value), task=False)
            while next_out in results:
                yield from results.pop(next_out)
                next_out += 1
            if not more and next_out == next_task:
                break
            readable, writable, _ = select.select(
                [w.messages for w in workers], [w.tasks_fd for w in workers if w.outbox], []
            )
            for worker in workers:
                if worker.tasks_fd in writable:
                    worker.flush()
                if worker.messages not in readable:
                    continue
                for seq, body in worker.receive(pickle.loads):
                    if body is None:
                        ready.add(seq)
                        continue
                    pairs, ok, last_stop = body
                    if isinstance(ok, OSError):
                        raise ok  # (writing failed: a full disk; the caller names its file)
                    if not ok:
                        reader_gone()
                    if step is not None:
                        for group, result in pairs:
                            value = step(value, group, result)
                    results[seq] = pairs
                    stopped.value = max(stopped.value, last_stop)
                    del owner[seq]
                    worker.tasks -= 1
                    turn = seq + 1
    finally:
        for worker in workers:
            worker.close(kill=bool(owner))


def _turn_worker(
    fn: WriteFn, tasks_fd: int, messages_fd: int, fd: int, carry: Carry | None
) -> None:
    """A worker of :func:`forked_turns`: run tasks until the task pipe ends."""
    import collections

    receive, send = pipe_messages(tasks_fd, messages_fd)
    queued: collections.deque[tuple[int, Any, int, Any]] = collections.deque()
    while True:
        message = queued.popleft() if queued else receive()
        if message is None:
            return
        seq, items, last_stop, _ = message
        done, last_stop = run_items(fn, items, last_stop)
        send((seq, None))  # ready to write
        while True:
            message = receive()
            if message is None:
                return
            if message[1] is None:  # the turn (only ever this task's)
                break
            queued.append(message)
        _, _, stopped, value = message
        data, pairs, _ = render(done, stopped, carry, value)
        try:
            ok: bool | OSError = write_bytes(fd, data)
        except OSError as exc:  # (a full disk: the parent raises it, as it would here)
            ok = exc
        send((seq, (pairs, ok, max(stopped, last_stop))))
        if ok is not True:
            return
