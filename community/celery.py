"""The Celery application.

Tasks are thin: they take ids, load rows and call a service. Without a broker
(the embedded default) tasks run eagerly in-process, so a newcomer needs no Redis.
"""

import contextlib
import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

app = Celery("sodan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The read context of each running task, by task id, from prerun to postrun.
_task_contexts: dict[str, contextlib.AbstractContextManager] = {}


@signals.task_prerun.connect
def _task_reads_from_primary(task_id: str, task: Any, **kwargs: Any) -> None:
    """A task reads from the primary, never a replica (community/db_router.py): it acts on
    rows written a moment ago, which a replica may not have replayed yet. Eager tasks run
    inside a request get the same."""
    from community import db_router

    context = db_router.reads_from_primary()
    context.__enter__()
    _task_contexts[task_id] = context


@signals.task_postrun.connect
def _task_done(task_id: str, **kwargs: Any) -> None:
    context = _task_contexts.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)


def queue_for(task_name: str) -> str:
    """The queue a task is sent to: its route (settings.CELERY_TASK_ROUTES), else the queue
    it was declared with, else the default queue."""
    task = app.tasks.get(task_name)
    declared = getattr(task, "queue", None) if task is not None else None
    route = app.amqp.router.route({"queue": declared} if declared else {}, task_name)
    queue = route.get("queue")
    return getattr(queue, "name", queue) or app.conf.task_default_queue
