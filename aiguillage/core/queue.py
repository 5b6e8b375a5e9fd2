"""Queueing a background task with the write that calls for it.

With the database queue (production), the task's row is written inside the current
transaction: the booking and its confirmation are committed together or not at all,
and nothing is left to write after the commit. A request whose database fails just
after committing can no longer keep a seat and lose its message (issue 16). With the
immediate backend (development, tests) the task runs its work at once, so it waits
for the commit: nobody is told about a write that was rolled back.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def queues_in_the_transaction(task: Task) -> bool:
    """Whether ``task``'s backend writes its queue in the application's database."""
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_with_the_transaction(task: Task, **kwargs: Any) -> None:
    """Queue ``task`` so that it happens if, and only if, the current transaction commits."""
    if queues_in_the_transaction(task):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, **kwargs))
