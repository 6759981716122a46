"""scripts/page-weight: the bytes and the seconds of a first view on a phone on 3G.

Serves Targa as production does when nothing stands in front of it: gunicorn with
deploy/gunicorn.conf.py, DEBUG off, static files collected by collectstatic into a throwaway
STATIC_ROOT (CompressedManifestStaticFilesStorage: hashed names and .gz/.br copies) and
answered by WhiteNoise with their far-future cache headers, page HTML compressed by Django's
GZipMiddleware. (The nginx recipe of deploy/ serves the same collected files, compressed
copies included, with the same cache headers; see deploy/nginx/targa.conf.)

Then, in headless Chromium (/usr/bin/chromium through Playwright), logged in as a field agent
(agent.khenifra), each page is opened in a fresh browser context (an empty cache) with the
network throttled through the DevTools protocol (Network.emulateNetworkConditions: 400 ms
latency, 400 kbit/s down and up), and the script prints, per page and language: the requests,
the bytes transferred (headers included, as Chromium counts them), per type, the time to the
first paint, to the load event and to the end of the last response ("fully loaded"), and what
a second view of the same page transfers. Figures go to the terminal and to the issues'
closing notes, never into a test assertion.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The throttled 3G profile of issue 8: 400 ms latency, 400 kbit/s = 50,000 bytes/s each way.
PROFILE = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50_000,
    "uploadThroughput": 50_000,
}
AGENT = "agent.khenifra"
KHENIFRA = "05.301"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
TYPES = {"Document": "html", "Stylesheet": "css", "Script": "js", "Font": "font", "Image": "img"}
COLUMNS = ("html", "css", "js", "font", "img", "other")
KB = 1024


def production_env(tmp: str) -> dict[str, str]:
    """The settings of a production server without a proxy in front, on this machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "targa.settings",
        "DEBUG": "off",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/page-weight.sqlite3",
        "STATIC_ROOT": f"{tmp}/static",
        "MEDIA_ROOT": f"{tmp}/media",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback: no HTTPS redirect, cookies without Secure.
        "SECURE_SSL_REDIRECT": "off",
        "SECURE_COOKIES": "off",
        "SECURE_HSTS_SECONDS": "0",
        "BEHIND_TLS_PROXY": "off",
        "LOG_LEVEL": "WARNING",
    }
    return env


def prepare(env: dict[str, str]) -> str:
    """Migrate, collect the static files, seed the demo; the meeting page's path."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from cpde.models import Meeting

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    # The launch meeting of Khénifra: held, with its agenda, attendance and recommendations.
    meeting = Meeting.objects.get(committee__province__code=KHENIFRA, kind=Meeting.Kind.LAUNCH)
    return meeting.get_absolute_url()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], tmp: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"}
    log = open(f"{tmp}/gunicorn.log", "w")
    server = subprocess.Popen(
        [ROOT / ".venv/bin/gunicorn", "--config", ROOT / "deploy/gunicorn.conf.py"]
        + ["--no-control-socket", "--access-logfile", "/dev/null"],
        cwd=tmp,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):  # a minute at most for the workers to boot
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=5)
            return server, base
        except urllib.error.HTTPError:
            return server, base
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.25)
    server.terminate()
    sys.exit("page-weight: gunicorn did not answer:\n" + Path(f"{tmp}/gunicorn.log").read_text())


@dataclass
class View:
    """What one page load transferred and how long it took."""

    requests: int = 0
    bytes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    paint: float = 0.0  # seconds from navigation start to the first text or image drawn
    load: float = 0.0  # seconds from navigation start to the end of the load event
    fully_loaded: float = 0.0  # seconds from the document's request to the last response's end
    files: list[tuple[str, str, int, int]] = field(default_factory=list)  # kind, url, status, B

    @property
    def total(self) -> int:
        return sum(self.bytes.values())


def open_page(context, url: str, *, throttled: bool = True) -> View:
    """Open `url` in a new tab of `context` and record every request of the load."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttled:
        cdp.send("Network.emulateNetworkConditions", PROFILE)
    sent: dict[str, tuple[str, float]] = {}
    answered: dict[str, tuple[str, int, str]] = {}
    finished: dict[str, tuple[float, int]] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: sent.setdefault(e["requestId"], (e["request"]["url"], e["timestamp"])),
    )
    cdp.on(
        "Network.responseReceived",
        lambda e: answered.__setitem__(
            e["requestId"],
            (e.get("type", "Other"), e["response"]["status"], e["response"]["mimeType"]),
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: finished.__setitem__(e["requestId"], (e["timestamp"], e["encodedDataLength"])),
    )
    response = page.goto(url, wait_until="load", timeout=120_000)
    if response is None or response.status != 200:
        sys.exit(f"page-weight: {url} answered {response and response.status}")
    page.wait_for_load_state("networkidle", timeout=120_000)
    load_end = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    paint = page.evaluate(
        "(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: 0}).startTime"
    )
    page.close()

    view = View(load=load_end / 1000, paint=paint / 1000)
    start = min(t for _url, t in sent.values())
    for request_id, (end, size) in finished.items():
        if not size:  # a data: URL, or an answer from the browser's cache
            continue
        kind, status, mime = answered.get(request_id, ("Other", 0, ""))
        column = TYPES.get(kind) or ("img" if mime.startswith("image/") else "other")
        view.requests += 1
        view.bytes[column] += size
        view.fully_loaded = max(view.fully_loaded, end - start)
        view.files.append((column, sent[request_id][0], status, size))
    return view


def log_in(browser, base: str) -> dict:
    """A signed-in session of the field agent, to hand to fresh (cold) browser contexts."""
    from provinces.demo import DEMO_PASSWORD

    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(AGENT)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("button.btn-primary[type=submit]").click()
    page.wait_for_url(f"{base}/")
    state = context.storage_state()
    context.close()
    return state


def measure(browser, base: str, path: str, language: str, state: dict | None, repeat: int):
    """`repeat` cold first views (a new context each: empty cache) and, after the last, a
    second view of the same page with the cache it filled; the median time is kept."""
    firsts = []
    for _ in range(repeat):
        context = browser.new_context(
            storage_state=state,
            viewport={"width": 360, "height": 740},
            locale="fr-FR",
            timezone_id="Africa/Casablanca",
        )
        context.add_cookies([{"name": "targa_language", "value": language, "url": base}])
        firsts.append(open_page(context, base + path))
        again = open_page(context, base + path)
        context.close()
    first = firsts[-1]
    first.paint = statistics.median(v.paint for v in firsts)
    first.load = statistics.median(v.load for v in firsts)
    first.fully_loaded = statistics.median(v.fully_loaded for v in firsts)
    return first, again


def kb(n: int) -> str:
    return f"{n / KB:.1f}"


def print_table(rows: list[tuple[str, str, View, View]], show_files: bool) -> None:
    head = (
        f"{'page':<8} {'lang':<4} {'req':>3} {'KB':>6}  "
        + " ".join(f"{c:>5}" for c in COLUMNS)
        + f"  {'paint':>5} {'load':>5} {'full':>5}   second view"
    )
    print(head)
    print("-" * len(head))
    for name, language, first, again in rows:
        print(
            f"{name:<8} {language:<4} {first.requests:>3} {kb(first.total):>6}  "
            + " ".join(f"{kb(first.bytes[c]):>5}" for c in COLUMNS)
            + f"  {first.paint:>5.2f} {first.load:>5.2f} {first.fully_loaded:>5.2f}"
            + f"   {again.requests} req, {kb(again.total)} KB, {again.fully_loaded:.2f} s"
        )
    if show_files:
        for name, language, first, _again in rows:
            print(f"\n{name} {language}, first view:")
            for column, url, status, size in sorted(first.files, key=lambda f: -f[3]):
                print(f"  {column:<5} {status} {size:>8,} B  {url.split('?')[0]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold loads per page (median time)")
    parser.add_argument("--files", action="store_true", help="list every file of each first view")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="targa-page-weight-") as tmp:
        env = production_env(tmp)
        meeting = prepare(env)
        server, base = start_gunicorn(env, tmp)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
                )
                state = log_in(browser, base)
                pages = [("login", "/accounts/login/", None), ("home", "/", state)]
                pages.append(("meeting", meeting, state))
                rows = []
                for name, path, session in pages:
                    for language in ("fr", "ar"):
                        first, again = measure(browser, base, path, language, session, args.repeat)
                        rows.append((name, language, first, again))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(
        f"Targa served by gunicorn (deploy/gunicorn.conf.py, DEBUG off, WhiteNoise static), "
        f"Chromium at 360 px, logged in as {AGENT}; meeting page: {meeting}"
    )
    print(
        "3G profile: 400 ms latency, 400 kbit/s down and up (CDP emulateNetworkConditions); "
        f"first view = empty cache, median of {args.repeat}; KB = 1,024 bytes transferred, "
        "headers included; seconds to the first paint, the load event and the last response\n"
        "(full); second view = the same page again with the cache the first view filled"
    )
    print()
    print_table(rows, args.files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
