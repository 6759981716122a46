"""What a phone downloads stays small: the icon font holds every icon a page names (and little
else), Arabic pages find their letters in the small Arabic file, French pages declare no
Arabic font, pages go out gzipped with Django's BREACH padding, and in production static files
are served compressed under hashed names cached for a year. The figures themselves come from
scripts/page-weight, never from a test."""

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import factory
import polib
import pytest
from django.conf import settings
from django.urls import reverse
from fontTools.ttLib import TTFont

from targa.core import registry
from tests.conftest import client_for
from tests.factories import AttachmentFactory, StakeholderFactory

ROOT = Path(settings.BASE_DIR)
VENDOR = ROOT / "static" / "vendor"
ICONS_CSS = VENDOR / "bootstrap-icons" / "bootstrap-icons.css"
ICONS_FONT = VENDOR / "bootstrap-icons" / "fonts" / "bootstrap-icons.woff2"
ICON_CLASS = re.compile(r"(?<![\w-])bi-([a-z0-9]+(?:-[a-z0-9]+)*)")
SKIP = {".venv", "node_modules", "staticfiles", ".git", "test-results"}


def project_files(pattern: str):
    for path in ROOT.rglob(pattern):
        if not SKIP & set(path.relative_to(ROOT).parts):
            yield path


def icons_named_by_pages() -> dict[str, str]:
    """Icon name -> where it is named: templates, static/js, and the apps' menu entries."""
    named = {}
    sources = [p for p in project_files("*.html") if "templates" in p.parts]
    sources += list((ROOT / "static" / "js").rglob("*.js"))
    for path in sources:
        for name in ICON_CLASS.findall(path.read_text()):
            named.setdefault(name, str(path.relative_to(ROOT)))
    for entry in registry.menu():
        named.setdefault(entry.icon, f"menu entry {entry.url_name}")
    return named


def shipped_icons() -> dict[str, int]:
    """Icon name -> code point, as bootstrap-icons.css declares them."""
    pairs = re.findall(
        r'\.bi-([a-z0-9-]+)::before \{ content: "\\([0-9a-f]+)"; \}', ICONS_CSS.read_text()
    )
    return {name: int(code, 16) for name, code in pairs}


def test_every_icon_a_page_names_is_in_the_shipped_subset():
    named = icons_named_by_pages()
    # The scan sees the icons of the shell and of the apps' menus.
    assert {"house", "geo-alt", "person-circle", "calendar-event"} <= named.keys()
    css = shipped_icons()
    glyphs = set(TTFont(ICONS_FONT).getBestCmap())
    missing = {name: where for name, where in named.items() if css.get(name) not in glyphs}
    assert not missing, f"icons not in the shipped subset (run scripts/vendor-static): {missing}"


def test_the_icon_font_holds_the_icons_in_use_not_the_whole_set():
    assert len(shipped_icons()) < 100  # of about 2,000 in Bootstrap Icons
    assert ICONS_FONT.stat().st_size < 12_000  # the whole set is 131 KB
    assert 'woff"' not in ICONS_CSS.read_text()  # every browser Targa serves reads WOFF2


def test_every_url_in_the_shipped_css_exists():
    """collectstatic (manifest storage) refuses a CSS file naming a missing file."""
    sheets = list(VENDOR.rglob("*.css")) + list((ROOT / "static" / "css").glob("*.css"))
    assert ICONS_CSS in sheets
    for sheet in sheets:
        for url in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", sheet.read_text()):
            if not url.startswith(("data:", "#")):
                target = (sheet.parent / url.split("?")[0].split("#")[0]).resolve()
                assert target.is_file(), f"{sheet.relative_to(ROOT)}: {url}"


def faces(sheet: str) -> list[dict[str, str]]:
    text = (VENDOR / "fonts" / sheet).read_text()
    return [
        dict(re.findall(r"([a-z-]+):\s*([^;]+);", block))
        for block in re.findall(r"@font-face \{(.*?)\}", text, re.S)
    ]


def ranges(text: str) -> set[int]:
    points = set()
    for part in text.replace("U+", "").split(","):
        low, _, high = part.strip().partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return points


def test_french_pages_declare_no_arabic_font_and_arabic_pages_no_latin_medium():
    assert {f["font-family"] for f in faces("fonts.css")} == {"'Noto Sans'"}
    rtl = faces("fonts-rtl.css")
    assert {f["font-family"] for f in rtl} == {"'Noto Naskh Arabic'", "'Noto Sans'"}
    # Latin in Arabic pages (numbers, names) in two weights: a heading's Latin takes the 400.
    assert {f["font-weight"] for f in rtl if "Sans" in f["font-family"]} == {"400", "700"}
    assert all(f["font-display"] == "swap" for f in faces("fonts.css") + rtl)


def arabic_text_of_the_interface_and_the_territories() -> set[str]:
    from provinces.models import Commune, Province

    text = "".join(
        e.msgstr + "".join(e.msgstr_plural.values())
        for e in polib.pofile(ROOT / "locale/ar/LC_MESSAGES/django.po")
    )
    text += "".join(Province.objects.values_list("name_ar", flat=True))
    text += "".join(Commune.objects.values_list("name_ar", flat=True))
    return {c for c in text if 0x0600 <= ord(c) <= 0x06FF or 0xFB50 <= ord(c) <= 0xFEFF}


@pytest.mark.django_db
def test_arabic_pages_find_every_letter_of_the_interface_in_the_small_arabic_files():
    """Each weight of Noto Naskh Arabic has a small file for Arabic as written in Morocco and
    the complete one for every other Arabic character, fetched only when a page holds one:
    the interface's Arabic and the names of the territories must all be in the small one."""
    used = arabic_text_of_the_interface_and_the_territories()
    assert len(used) > 30
    naskh = [f for f in faces("fonts-rtl.css") if "Naskh" in f["font-family"]]
    for weight in ("400", "700"):
        core, complete = (f for f in naskh if f["font-weight"] == weight)
        assert "core" in core["src"] and "core" not in complete["src"]
        core_range, complete_range = (
            ranges(core["unicode-range"]),
            ranges(complete["unicode-range"]),
        )
        assert not core_range & complete_range
        file = VENDOR / "fonts" / re.search(r"url\(\./([^)]+)\)", core["src"]).group(1)
        assert core_range <= set(TTFont(file).getBestCmap())
        outside = sorted(f"U+{ord(c):04X}" for c in used if ord(c) not in core_range)
        assert not outside, f"Arabic characters only in the complete font file: {outside}"
        assert file.stat().st_size < 20_000  # the complete file: 53 KB


# Compression of pages.


def gunzip(response) -> bytes:
    return gzip.decompress(response.content)


@pytest.mark.django_db
def test_pages_are_gzipped_with_random_padding_when_the_browser_takes_gzip(users):
    agent = client_for(users["agent_a"])
    plain = agent.get(reverse("home"))
    assert "Content-Encoding" not in plain
    packed = agent.get(reverse("home"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gunzip(packed)
    assert b"<html" in page and len(packed.content) < len(page) / 2
    # BREACH mitigation (Django >= 4.2): random bytes in the gzip header's file name field,
    # so the length of a response does not follow its secrets byte by byte.
    assert packed.content[3] & gzip.FNAME
    lengths = {
        len(agent.get(reverse("home"), HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(8)
    }
    assert len(lengths) > 1


@pytest.mark.django_db
def test_binary_downloads_are_sent_as_they_are(users, province_a):
    agent = client_for(users["agent_a"])
    url = reverse("provinces:activity_list", args=[province_a.code])
    xlsx = agent.get(url, {"export": "xlsx"}, HTTP_ACCEPT_ENCODING="gzip")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Content-Encoding" not in xlsx


@pytest.mark.django_db
def test_a_streamed_file_keeps_its_length_for_the_download_progress(
    users, province_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    data = b"%PDF-1.4 " + b"0 0 Td (Programme III) Tj " * 200
    with django_capture_on_commit_callbacks(execute=True):  # the file is written on commit
        item = AttachmentFactory(
            record=StakeholderFactory(province=province_a),
            file=factory.django.FileField(filename="pv.pdf", data=data),
        )
    response = client_for(users["agent_a"]).get(
        item.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200 and response.streaming
    assert "Content-Encoding" not in response
    assert int(response["Content-Length"]) == len(data)
    assert b"".join(response.streaming_content) == data


# Static files in production.

PRODUCTION_STATIC = """
import json, django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
client, out = Client(), {}
for name in ("vendor/bootstrap-icons/bootstrap-icons.css", "vendor/fonts/fonts-rtl.css",
             "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"):
    url = static(name)
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    out[name] = {"url": url, "status": response.status_code, **dict(response.headers)}
    response.close()
login = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip")
out["login"] = {"status": login.status_code, **dict(login.headers)}
out["login"]["body"] = __import__("gzip").decompress(login.content).decode()
print(json.dumps(out))
"""


def test_production_serves_static_files_compressed_under_hashed_names_cached_a_year(tmp_path):
    """With the production settings (DEBUG off): collectstatic writes hashed names with .br
    and .gz copies, WhiteNoise answers them with Brotli and a year of immutable caching
    (nginx serves the same copies, deploy/nginx/targa.conf), and pages name the hashed files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "targa.settings",
        "DEBUG": "off",
        "SECRET_KEY": "static-tests-only-not-a-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "ALLOWED_HOSTS": "testserver",
    }
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_STATIC], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    for name in ("vendor/bootstrap-icons/bootstrap-icons.css", "vendor/fonts/fonts-rtl.css"):
        answer = answers[name]
        assert re.search(r"\.[0-9a-f]{12}\.css$", answer["url"]), answer["url"]
        assert answer["status"] == 200
        assert answer["Content-Encoding"] == "br"
        assert "Accept-Encoding" in answer["Vary"]
        assert "immutable" in answer["Cache-Control"]
        assert int(re.search(r"max-age=(\d+)", answer["Cache-Control"]).group(1)) >= 365 * 86400
    font = answers["vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"]
    assert font["status"] == 200 and "Content-Encoding" not in font  # WOFF2 is compressed
    assert "immutable" in font["Cache-Control"]
    assert (tmp_path / "static" / "vendor" / "fonts" / "fonts.css.gz").is_file()
    login = answers["login"]
    assert login["status"] == 200 and login["Content-Encoding"] == "gzip"
    assert answers["vendor/bootstrap-icons/bootstrap-icons.css"]["url"] in login["body"]
