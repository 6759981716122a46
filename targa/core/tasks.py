"""The background tasks (django-tasks): each takes ids only and runs one Job."""

from django.utils import translation
from django_tasks import task

from targa.core.jobs import job_run
from targa.core.models import Job


def _runner(kind: str):
    from targa.core import crud, exporters, imports, registry

    runners = {
        "list_export": crud.run_list_export,
        "export": exporters.run_export,
        imports.PREVIEW_JOB: imports.run_preview,
        imports.COMMIT_JOB: imports.run_commit,
    }
    runner = runners.get(kind) or registry.job_runner(kind)
    if runner is None:

        def missing(job):  # fails the job with its message instead of leaving it queued
            raise LookupError(f"No app runs jobs of kind {kind!r}")

        return missing
    return runner


@task()
def run_job(job_id: str) -> str:
    """Run a queued job; a job already taken (a retry raced, a second worker) is left alone."""
    job = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).first()
    if job is None:
        return "skipped"
    with translation.override(job.language):
        job = job_run(job, _runner(job.kind))
    return job.state
