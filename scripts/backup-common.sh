# shellcheck shell=bash
# Shared by scripts/backup and scripts/restore (sourced, not run): read the database and the
# media folder from Targa's own settings, so both scripts use exactly what the app uses.

die() {
  echo "error: $*" >&2
  exit 1
}

# Sets DB_KIND (postgresql or sqlite), DB_NAME (the database, or the SQLite file's path),
# MEDIA_ROOT, BACKUP_DIR and BACKUP_KEEP (from the environment or .env), and exports the PG* variables psql, pg_dump and pg_restore read, so no password
# appears on a command line.
read_settings() {
  [ -x .venv/bin/python ] || die "no .venv here: install Targa first (see deploy/README.md)"
  local assignments
  # The key only lets the settings load when none is set: nothing here signs anything.
  assignments=$(SECRET_KEY="${SECRET_KEY:-settings-read-by-the-backup-scripts}" \
    DJANGO_SETTINGS_MODULE=targa.settings .venv/bin/python - <<'PY'
import os
import shlex

from django.conf import settings

db = settings.DATABASES["default"]
engine = db["ENGINE"]
kind = "postgresql" if "postgresql" in engine else "sqlite" if engine.endswith("sqlite3") else engine
out = {"DB_KIND": kind, "DB_NAME": str(db["NAME"]), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
# The settings loaded .env into the environment: these two may be set there as well.
out["BACKUP_DIR"] = os.environ.get("BACKUP_DIR") or "backups"
out["BACKUP_KEEP"] = os.environ.get("BACKUP_KEEP") or "14"
if kind == "postgresql":
    out.update(
        PGDATABASE=db["NAME"],
        PGUSER=db.get("USER") or "",
        PGPASSWORD=db.get("PASSWORD") or "",
        PGHOST=db.get("HOST") or "",
        PGPORT=str(db.get("PORT") or ""),
    )
    libpq = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
             "sslkey": "PGSSLKEY", "service": "PGSERVICE"}
    for option, value in (db.get("OPTIONS") or {}).items():
        if option in libpq:
            out[libpq[option]] = str(value)
for name, value in out.items():
    print(f"{name}={shlex.quote(value)}")
PY
  ) || die "could not read Targa's settings"
  eval "$assignments"
  if [ "$DB_KIND" = postgresql ]; then
    export PGDATABASE PGUSER PGPASSWORD PGHOST PGPORT
    # Empty values mean "libpq's default" (local socket, the login name): unset them.
    local var
    for var in PGUSER PGPASSWORD PGHOST PGPORT; do
      [ -n "${!var}" ] || unset "$var"
    done
    for var in PGSSLMODE PGSSLROOTCERT PGSSLCERT PGSSLKEY PGSERVICE; do
      [ -z "${!var:-}" ] || export "${var?}"
    done
  fi
}

# Rows per table of the connected PostgreSQL database (name TAB count), in the current
# transaction's snapshot when run inside one.
# shellcheck disable=SC2034  # used by the scripts that source this file
PG_COUNTS_SQL="SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format(
  'SELECT count(*) AS n FROM %I.%I', ns.nspname, c.relname), false, true, '')))[1]::text
  FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND ns.nspname = current_schema() ORDER BY c.relname;"

# Rows per table of a SQLite file (name TAB count).
sqlite_counts() {
  .venv/bin/python - "$1" <<'PY'
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
names = [r[0] for r in db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)]
for name in names:
    count = db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    print(f"{name}\t{count}")
PY
}

sha256_of() {
  sha256sum "$1" | cut -d' ' -f1
}

# The code's commit; the checkout may belong to another user than the one running this.
git_commit() {
  git -c safe.directory="$PWD" rev-parse HEAD 2>/dev/null || echo unknown
}
