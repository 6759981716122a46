"""Running the queued background tasks in a test, as the worker (`manage.py db_worker`) does."""

import threading
import time

from django.db import connection, transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def _worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def _claim(worker: Worker) -> DBTaskResult | None:
    with transaction.atomic():
        task = DBTaskResult.objects.ready().get_locked()
        if task is not None:
            task.claim(worker.worker_id)
        return task


def run_queued_tasks() -> int:
    """Claim and run every ready task, in this thread, as the worker does; how many ran."""
    worker, n = _worker(), 0
    while (task := _claim(worker)) is not None:
        worker.run_task(task)
        n += 1
    return n


class WorkerThread(threading.Thread):
    """A worker beside a live server (browser journeys): polls until stopped."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopping = threading.Event()

    def run(self):
        try:
            while not self.stopping.is_set():
                if not run_queued_tasks():
                    time.sleep(0.2)
        finally:
            connection.close()

    def stop(self):
        self.stopping.set()
        self.join(timeout=30)
