"""Background jobs: start one, report its progress, finish or fail it, reap those whose worker
died. The work itself runs in `targa.core.tasks` (django-tasks, database backend)."""

import io
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from targa.core.models import Job, User

logger = logging.getLogger(__name__)

# Stored as is (the reaper runs in no one's language) and translated when shown.
STALE_MESSAGE = gettext_noop("The worker stopped while this was being prepared. Try again.")


@transaction.atomic
def job_start(*, kind: str, label: str, owner: User, params: dict, scope_code: str = "") -> Job:
    """Record a job and queue it for a worker (once the request's transaction commits)."""
    job = Job.objects.create(
        kind=kind,
        label=label[:200],
        owner=owner,
        params=params,
        scope_code=scope_code,
        language=params.get("language", "fr"),
    )
    _enqueue(job)
    return job


def _enqueue(job: Job) -> None:
    from targa.core import tasks

    result = tasks.run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


@transaction.atomic
def job_retry(*, job: Job, by: User) -> Job:
    """Queue a failed job again, from the start."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.state != Job.State.FAILED:
        return job
    job.state, job.progress, job.step, job.error = Job.State.QUEUED, 0, "", ""
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.save()
    _enqueue(job)
    return job


def job_reap() -> int:
    """Mark failed, with a message, the running jobs whose worker gave no sign of life."""
    now = timezone.now()
    return Job.objects.stale(now).update(
        state=Job.State.FAILED, error=STALE_MESSAGE, finished_at=now
    )


class Progress:
    """What a running job tells: a percentage and a step, written at most every `every` units
    of work so that the database is not written on every row (each write is a heartbeat)."""

    def __init__(self, job: Job, *, total: int, step: str = ""):
        self.job, self.total, self.done, self.step = job, max(total, 1), 0, step
        self.every = max(self.total // 100, 200)
        self._save(0)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.done % self.every < n:
            self._save(min(99, self.done * 100 // self.total))

    @staticmethod
    def at(job: Job, percent: int, step: str = "") -> None:
        """Report that `job` is at `percent`, doing `step` (for work in a few long steps)."""
        Job.objects.filter(pk=job.pk).update(
            progress=percent, step=step[:200], heartbeat_at=timezone.now()
        )

    def _save(self, percent: int) -> None:
        self.job.progress = percent
        Job.objects.filter(pk=self.job.pk).update(
            progress=percent, step=self.step[:200], heartbeat_at=timezone.now()
        )


def job_run(job: Job, work: Callable[[Job], tuple[str, str, bytes | io.BytesIO]]) -> Job:
    """Run `work(job)` (which returns filename, content type and content) and store its file;
    any error marks the job failed with a message the owner can read, and is logged."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now, attempts=job.attempts + 1
    )
    job.refresh_from_db()
    try:
        filename, content_type, content = work(job)
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language):
            error = _(
                "Preparing this failed (%(error)s). Try again; if it fails again, tell an "
                "administrator."
            ) % {"error": type(exc).__name__}
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED, error=error, finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    data = content.getvalue() if isinstance(content, io.BytesIO) else content
    job.file.save(filename, ContentFile(data), save=False)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        progress=100,
        file=job.file.name,
        filename=filename,
        content_type=content_type,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
