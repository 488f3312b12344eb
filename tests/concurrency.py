"""Concurrent writers for the PostgreSQL tests: real threads, each with its own connection."""

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection


def at_once(work: Callable[[Any], Any], arguments: Sequence[Any]) -> list[Any]:
    """Run work(argument) for each argument in its own thread, all released together;
    return what each returned or raised, in order."""
    barrier = threading.Barrier(len(arguments))
    results: list[Any] = [None] * len(arguments)

    def run(index: int, argument: Any) -> None:
        try:
            barrier.wait()
            results[index] = work(argument)
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    workers = [
        threading.Thread(target=run, args=(index, argument))
        for index, argument in enumerate(arguments)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results
