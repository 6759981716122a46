"""Gunicorn's settings for Targa in production (see deploy/README.md).

Run from the project folder: .venv/bin/gunicorn -c deploy/gunicorn.conf.py
Every value can be changed from the environment (the unit's EnvironmentFile) without editing
this file: GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_TIMEOUT, GUNICORN_FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os
from pathlib import Path

chdir = str(Path(__file__).resolve().parent.parent)
wsgi_app = "targa.wsgi:application"

# nginx on the same machine connects here; on a web machine behind a shared nginx, listen on
# its private address instead (GUNICORN_BIND=10.0.0.11:8000) and let that proxy in below.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Sync workers, each one request at a time: pages are short (the PV PDF renders in about
# 0.3 s of CPU) and long work goes to the task workers. nginx buffers slow uploads and slow
# clients, so a worker is never held by a phone on a weak connection. Two per core and one
# more is gunicorn's rule for work that waits on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request still running after this is killed (and logged): nginx waits a little longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30  # on restart, requests in flight get this long to finish
keepalive = 5
# Replace a worker after about a thousand requests: memory grown by PDF renders and large
# exports goes back to the system.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file lives in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"

# Access and error logs on stdout/stderr, so journald keeps them (journalctl -u targa-web).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client's address as nginx saw it, the time taken in microseconds.
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
proc_name = "targa"
