"""Background tasks of the privacy app (django-tasks; run by ``manage.py db_worker``).

django-tasks has no scheduler: cron or a systemd timer runs ``manage.py purge_expired``
daily (docs/retention.md). This task is the same purge for a deployment that prefers
to enqueue it (from its own scheduler, or by hand from a shell). It takes no argument
and returns the counts only: the task table is no place for personal data.
"""

from __future__ import annotations

from django_tasks import task

from aiguillage.compliance.retention import purge_expired


@task()
def purge_expired_task() -> dict[str, int]:
    """Purge what has expired now, in every network; the counts per category."""
    return purge_expired().as_dict()


@task()
def send_contact_proof(pk: int) -> str:
    """Send the one-time link of a proof (``aiguillage.compliance.proofs``) to its contact;
    returns the channel. A proof already over (opened, expired, closed) is not sent."""
    from aiguillage.compliance.proofs import deliver

    return deliver(pk)
