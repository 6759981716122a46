"""scripts/backup and scripts/restore, run for real: data made through the services (history,
workflow log, attached files), backed up, wiped, restored, and every row, history row and file
found again. On PostgreSQL (a database of its own beside the test database) and on SQLite."""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return result


def support(env: dict, command: str) -> str:
    return run(env, sys.executable, "-m", "tests.backup_support", command).stdout


def snapshot(env: dict) -> dict:
    return json.loads(support(env, "snapshot"))


def install(env: dict) -> None:
    """A migrated database with the seed data."""
    run(env, sys.executable, "manage.py", "migrate", "--no-input", "--skip-checks", "-v0")
    support(env, "seed")


def backup(env: dict, folder: Path) -> Path:
    archive = Path(run(env, "scripts/backup", str(folder)).stdout.strip().splitlines()[-1])
    assert archive.is_file() and archive.parent == folder
    return archive


def manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def assert_seeded(state: dict) -> None:
    """The seed made what the test claims to bring back (guards against an empty test)."""
    rows = {label: count for label, (count, _) in state["rows"].items()}
    assert rows["provinces.Commune"] == 1503
    assert rows["provinces.Attachment"] == 3 and len(state["files"]) == 3
    assert rows["provinces.HistoricalStakeholder"] == 4  # created, edited, deleted, created
    assert rows["cpde.HistoricalRecommendation"] >= 4 and rows["django_fsm_log.StateLog"] == 2


def base_env(tmp_path: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))}
    return env | {
        "DATABASE_URL": database_url,
        # Not tmp_path/media: that is this process's MEDIA_ROOT (conftest), where a worker
        # thread left running by another test could write.
        "MEDIA_ROOT": str(tmp_path / "site" / "media"),
        "SECRET_KEY": "backup-tests-only-not-a-secret",
        "BACKUP_KEEP": "0",
    }


def postgres_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or shutil.which("pg_dump") is None:
        pytest.skip("needs DATABASE_URL on PostgreSQL and its client tools (CI has both)")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def test_postgresql_backup_restores_every_row_history_row_and_file(tmp_path):
    server = postgres_server()
    # Named after this run's database, so runs beside each other never share it.
    name = urlsplit(server).path.lstrip("/") + "_backup_test"
    maintenance = ["psql", with_database(server, "postgres"), "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    env = base_env(tmp_path, with_database(server, name))
    psql = ["psql", env["DATABASE_URL"], "-X", "-q", "-v", "ON_ERROR_STOP=1"]

    def recreate():
        run(env, *maintenance, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        run(env, *maintenance, "-c", f'CREATE DATABASE "{name}"')

    recreate()
    try:
        install(env)
        before = snapshot(env)
        assert_seeded(before)
        archive = backup(env, tmp_path / "backups")
        info = manifest(archive)
        assert info["database"]["kind"] == "postgresql" and info["database"]["name"] == name
        assert info["tables"]["provinces_attachment"] == 3 and info["media"]["files"] == 3
        assert archive.stat().st_mode & 0o077 == 0  # personal data: for its owner only

        # Restored over the live database: a record added since and the deleted files.
        support(env, "more")
        shutil.rmtree(env["MEDIA_ROOT"])
        restored = run(env, "scripts/restore", str(archive), "--yes")
        assert "as in the archive" in restored.stdout
        assert snapshot(env) == before

        # Onto a new server: an empty database, no files.
        recreate()
        shutil.rmtree(env["MEDIA_ROOT"])
        tables = [*psql, "-At", "-c", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"]
        refused = run(env, "scripts/restore", str(archive), check=False)
        assert refused.returncode == 2 and "--yes" in refused.stderr
        sqlite_target = tmp_path / "other.sqlite3"
        other = env | {"DATABASE_URL": f"sqlite:///{sqlite_target}"}
        mismatch = run(other, "scripts/restore", str(archive), "--yes", check=False)
        assert mismatch.returncode == 1 and "holds a postgresql database" in mismatch.stderr
        assert not sqlite_target.exists()
        assert run(env, *tables).stdout.strip() == "0" and not Path(env["MEDIA_ROOT"]).exists()

        run(env, "scripts/restore", str(archive), "--yes")
        assert snapshot(env) == before
        support(env, "more")  # the restored sequences hand out fresh ids
    finally:
        run(env, *maintenance, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sqlite_backup_is_consistent_while_the_app_writes_and_restores_everything(tmp_path):
    db = tmp_path / "db.sqlite3"
    env = base_env(tmp_path, f"sqlite:///{db}")
    install(env)

    # The app is running: a committed write still sits in the -wal file (not checkpointed
    # into the database file), and another writer is in the middle of a transaction.
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    session = "INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)"
    writer.execute(session, ("committed-in-wal", "kept", "2100-01-01 00:00:00"))
    plain = tmp_path / "plain-copy.sqlite3"
    # What a cp of the file would keep. In another process: closing a file of the database
    # in the writer's process would drop the writer's locks (POSIX), and the next reader to
    # leave would checkpoint the WAL into the file.
    run(env, "cp", str(db), str(plain))
    assert sqlite3.connect(plain).execute("SELECT count(*) FROM django_session").fetchone() == (0,)
    before = snapshot(env)
    assert_seeded(before)
    assert before["rows"]["sessions.Session"][0] == 1
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(session, ("not-committed", "lost", "2100-01-01 00:00:00"))
    archive = backup(env, tmp_path / "backups")
    writer.execute("ROLLBACK")
    writer.close()
    info = manifest(archive)
    assert info["database"]["kind"] == "sqlite" and info["tables"]["django_session"] == 1

    for path in tmp_path.glob("db.sqlite3*"):
        path.unlink()
    shutil.rmtree(env["MEDIA_ROOT"])
    refused = run(env, "scripts/restore", str(archive), check=False)
    assert refused.returncode == 2 and not db.exists()
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media.tar":
                data = data[:-1024] + b"x" * 1024
            copy.addfile(member, io.BytesIO(data))
    refused = run(env, "scripts/restore", str(damaged), "--yes", check=False)
    assert refused.returncode == 1 and "media.tar is damaged" in refused.stderr
    assert not db.exists() and not Path(env["MEDIA_ROOT"]).exists()

    run(env, "scripts/restore", str(archive), "--yes")
    assert snapshot(env) == before
    support(env, "more")
