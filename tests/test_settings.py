"""Settings without a SECRET_KEY: commands that only read the code run (a fresh clone, CI's
migration check); anything that signs or serves refuses to start."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def run(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DATABASE_URL"] = ""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_migration_check_runs_without_a_key():
    done = run("makemigrations", "--check", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "No changes detected" in done.stdout


def test_a_command_that_touches_data_refuses_without_a_key():
    dotenv = settings.BASE_DIR / ".env"
    if dotenv.exists() and "SECRET_KEY" in dotenv.read_text():
        pytest.skip("this checkout's .env gives a key (scripts/run wrote it)")
    refused = run("showmigrations")
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
