"""Forked worker processes, as parallel reading (``prefetch``) and rendering (``render``) use them.

Workers are forked, not spawned: they inherit the loaded plugins, settings,
readers, templates and context, which are neither pickled nor re-created.
Each worker sends its results over its own pipe and ends with :data:`DONE`;
a worker that dies simply stops sending, and the caller does serially
whatever it did not receive.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, cast

logger = logging.getLogger(__name__)

#: A worker's last message.
DONE = "done"
#: Processes a worker setting of 0 starts at most: beyond this, CI runners gain little.
MAX_AUTO_WORKERS = 4


def auto_workers(configured: int) -> int:
    """A worker setting's process count: ``configured``, or (0) one per usable CPU."""
    if configured:
        return max(1, configured)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    return max(1, min(usable, MAX_AUTO_WORKERS))


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def fan_out(target: Callable[..., None], shares: Sequence[tuple[Any, ...]],
            receive: Callable[[Any], None], task: str) -> None:
    """Run ``target(*share, connection)`` in one forked process per share.

    ``receive`` gets every message the workers send, as they arrive, until each
    has sent :data:`DONE` or died. If processes cannot be started or talked
    to, the caller is told by a warning naming ``task`` ("parallel reading")
    and finishes the work itself.
    """
    context = multiprocessing.get_context("fork")
    processes: list[Any] = []
    connections: list[Connection] = []
    try:
        for share in shares:
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(target=target, daemon=True, args=(*share, sending))
            process.start()
            sending.close()
            processes.append(process)
            connections.append(receiving)
        _collect(connections, receive)
    except (OSError, multiprocessing.ProcessError) as exc:
        logger.warning("%s stopped (%s); the rest is done serially", task, exc)
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()


def _collect(connections: list[Connection], receive: Callable[[Any], None]) -> None:
    while connections:
        for ready in wait(connections):
            connection = cast(Connection, ready)
            try:
                message: Any = connection.recv()
            except EOFError:  # a worker died
                message = DONE
            if message == DONE:
                connections.remove(connection)
            else:
                receive(message)


def send_all(connection: Connection, messages: Any) -> None:
    """A worker's side: send each of ``messages``, then :data:`DONE`."""
    for message in messages:
        connection.send(message)
    connection.send(DONE)
    connection.close()
