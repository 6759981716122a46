"""A real `manage.py db_worker` process killed in the middle of a job: the job is marked failed
with a message, and a retry finishes it.

A module of its own: the test commits (the worker is another process), which the open
transaction of a module's shared data (`world`, see conftest) would not allow.
"""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from cpde.models import Recommendation
from provinces.models import Role
from targa.core import jobs
from targa.core.models import Job
from tests.conftest import client_for, ensure_territories, programme_province
from tests.factories import PROVINCE_A, MeetingFactory, UserFactory, days
from tests.jobs_support import run_queued_tasks


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_it_failed_with_a_message_and_a_retry_finishes(
    settings, tmp_path
):
    """A real `manage.py db_worker` process, killed while it writes the rows."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the test database on PostgreSQL (CI) only")
    ensure_territories()
    province = programme_province(PROVINCE_A)
    coordinator = UserFactory(username="coord.kill", role=Role.COORDINATOR, provinces=[province])
    meeting = MeetingFactory(province=province, by=coordinator, date=days(-30))
    # 6,000 rows in two INSERTs, not through the services: the volume is the point here, and
    # 6,000 calls to record_create would take about a minute.
    Recommendation.objects.bulk_create(
        [Recommendation(meeting=meeting, text=f"R {i}") for i in range(6_000)], batch_size=3000
    )
    settings.EXPORT_INLINE_MAX_ROWS = 10
    settings.JOB_STALE_SECONDS = 2
    client = client_for(coordinator)
    client.get(reverse("cpde:recommendation_list", args=[province.code]) + "?export=xlsx")
    job = Job.objects.get()

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SECRET_KEY": "tests-only",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "JOB_STALE_SECONDS": "2",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state == Job.State.RUNNING and job.progress > 0:
                break
            time.sleep(0.1)
        assert job.state == Job.State.RUNNING and job.progress > 0, job.state
    finally:
        worker.kill()
        worker.wait(timeout=30)
    time.sleep(2.5)  # no heartbeat for longer than JOB_STALE_SECONDS

    page = client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == jobs.STALE_MESSAGE
    assert "Le traitement s’est arrêté" in page
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 302
    run_queued_tasks()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2
    rows = load_workbook(job.file.open("rb")).active.max_row
    assert rows == 6_001
