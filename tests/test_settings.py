"""Settings without a SECRET_KEY: commands that only read the code run (a fresh clone, CI's
migration check); anything that signs or serves refuses to start. Database connections are
kept between requests unless said otherwise."""

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


def database_setting(name: str, **env) -> str:
    """A setting of the default database as a fresh process reads it from the environment."""
    dotenv = settings.BASE_DIR / ".env"
    if dotenv.exists() and "CONN_" in dotenv.read_text():
        pytest.skip("this checkout's .env sets the connection settings")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CONN_")}
    environ |= {"SECRET_KEY": "settings-test", "DJANGO_SETTINGS_MODULE": "targa.settings", **env}
    code = f"from django.conf import settings; print(settings.DATABASES['default'][{name!r}])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_database_connections_are_kept_and_checked_by_default():
    assert database_setting("CONN_MAX_AGE") == "60"
    assert database_setting("CONN_HEALTH_CHECKS") == "True"


def test_the_environment_sets_how_long_connections_are_kept():
    assert database_setting("CONN_MAX_AGE", CONN_MAX_AGE="0") == "0"
    assert database_setting("CONN_HEALTH_CHECKS", CONN_HEALTH_CHECKS="off") == "False"
    url = "postgres://u@127.0.0.1:5432/targa?conn_max_age=300"
    assert database_setting("CONN_MAX_AGE", DATABASE_URL=url) == "300"
