"""The production recipe in deploy/: gunicorn serves Targa with its config, nginx and systemd
accept their files (where this machine has them), and the files agree with each other and with
the settings."""

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX_SITE = (DEPLOY / "nginx" / "targa.conf").read_text()


def env_file() -> dict[str, str]:
    lines = (DEPLOY / "production.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_gunicorn_runs_targa_with_the_production_config(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))}
    env |= {
        "DEBUG": "off",
        "SECRET_KEY": "deploy-tests-only-not-a-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [ROOT / ".venv/bin/gunicorn", "--config", DEPLOY / "gunicorn.conf.py"]
            + ["--no-control-socket"],
            cwd=tmp_path,  # the config sets the project folder itself
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={"X-Forwarded-For": "203.0.113.7"}
        )
        for _ in range(240):  # bounded: a minute at most for the workers to boot
            try:
                opener.open(request, timeout=5)
            except urllib.error.HTTPError as answer:
                response = answer
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                time.sleep(0.25)
        else:
            pytest.fail(f"gunicorn did not answer:\n{log.read_text()}")
        # Django answered (DEBUG off, production storage): the sign-in page for a visitor.
        assert response.code == 302
        assert response.headers["Location"] == "/accounts/login/?next=/"
    finally:
        server.terminate()
        assert server.wait(timeout=60) == 0
    text = log.read_text()
    assert text.count("Booting worker") == 2
    assert '203.0.113.7 "GET / HTTP/1.1" 302' in text  # the client's address, from nginx


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here")
def test_nginx_accepts_the_site(tmp_path):
    """The site as shipped, with ports, paths and a certificate of this machine's test."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=targa.example.org", "-keyout", tmp_path / "key.pem"]
        + ["-out", tmp_path / "cert.pem"],
        check=True,
        capture_output=True,
    )
    live = "/etc/letsencrypt/live/targa.example.org"
    site = (
        NGINX_SITE.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
        .replace("listen [::]:80;", "")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{free_port()} ssl http2;")
        .replace("listen [::]:443 ssl http2;", "")
        .replace(f"{live}/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace(f"{live}/privkey.pem", str(tmp_path / "key.pem"))
    )
    (tmp_path / "targa.conf").write_text(site)
    temp = " ".join(
        f"{kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    # The modules Debian's nginx.conf loads (brotli_static), with their paths made absolute:
    # the test's nginx runs with its own prefix.
    modules = "".join(
        conf.read_text().replace(" modules/", " /usr/share/nginx/modules/")
        for conf in sorted(Path("/etc/nginx/modules-enabled").glob("*.conf"))
    )
    (tmp_path / "nginx.conf").write_text(
        f"{modules}\n"
        f"pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};\n"
        "events {}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; {temp}\n"
        f"  uwsgi_temp_path {tmp_path / 'uwsgi'}; scgi_temp_path {tmp_path / 'scgi'};\n"
        f"  include {tmp_path / 'targa.conf'}; }}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", tmp_path, "-c", tmp_path / "nginx.conf"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_units(tmp_path):
    """Verified with the project folder where the units expect /srv/targa."""
    for unit in (DEPLOY / "systemd").iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/targa", str(ROOT)))
    (tmp_path / "targa-worker@2.service").write_text(
        (tmp_path / "targa-worker@.service").read_text()
    )
    units = ["targa-web.service", "targa-worker@2.service", "targa-backup.service"]
    result = subprocess.run(
        ["systemd-analyze", "verify", *units, "targa-backup.timer"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_recipe_files_agree_with_each_other_and_the_settings():
    env = env_file()
    body = int(re.search(r"client_max_body_size (\d+)m;", NGINX_SITE).group(1))
    # A file just over the limit gets Targa's message; nginx's 413 only far beyond it.
    assert settings.MAX_UPLOAD_MB < body <= settings.MAX_UPLOAD_MB + 5
    assert int(env["MAX_UPLOAD_MB"]) == settings.MAX_UPLOAD_MB
    assert f"alias {env['STATIC_ROOT']}/;" in NGINX_SITE
    assert re.search(r"location /media/ \{\s*return 404;", NGINX_SITE)  # through Django only
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX_SITE
    assert env["BEHIND_TLS_PROXY"] == "on" and env["SECURE_COOKIES"] == "on"
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", NGINX_SITE).group(1))
    config: dict = {"__file__": str(DEPLOY / "gunicorn.conf.py")}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), config)
    assert config["timeout"] < read_timeout
    assert config["workers"] == (os.cpu_count() or 1) * 2 + 1
    for unit in ("targa-web.service", "targa-worker@.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        assert f"ReadWritePaths={env['MEDIA_ROOT']}" in text
    # Static files go out as the Brotli and gzip copies collectstatic wrote; pages come
    # gzipped from Targa, with Django's BREACH padding, so nginx does not compress them.
    static = re.search(r"location /static/ \{(.*?)\}", NGINX_SITE, re.S).group(1)
    assert "brotli_static on;" in static and "gzip_static on;" in static
    assert re.search(r"location / \{\s*gzip off;", NGINX_SITE)
    assert "targa.core.middleware.TextGZipMiddleware" in settings.MIDDLEWARE


def test_the_production_settings_pass_check_deploy(tmp_path):
    """deploy/production.env.example, filled in: Django's deployment checks find nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))}
    env |= env_file() | {
        "SECRET_KEY": "a-production-like-key-" + "x9Q2-" * 10,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [ROOT / ".venv/bin/python", "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert re.findall(r"\(\w+\.[EW]\d+\)", result.stderr + result.stdout) == []
    assert "System check identified no issues" in result.stdout
