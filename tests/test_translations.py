"""Every user-visible string is translated into French and Arabic, and the catalogues compile."""

import gettext
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALES = ["fr", "ar"]

# One worker runs these in turn: one of them rewrites a .po file for a moment.
pytestmark = pytest.mark.xdist_group("locale")


def entries(po_text: str):
    """Yield (msgid, [msgstr…], flags) for each entry of a .po file (header excluded)."""
    block: list[str] = []
    for line in [*po_text.splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            yield _parse(block)
            block = []


def _parse(block):
    flags, msgid, msgstrs, current = "", [], {}, None
    for line in block:
        if line.startswith("#,"):
            flags = line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            current, msgid = "id", [line[6:]]
        elif line.startswith("msgid_plural"):
            current = "plural"
        elif line.startswith("msgstr"):
            key = line.split(" ", 1)[0]
            current = key
            msgstrs[key] = [line.split(" ", 1)[1]]
        elif line.startswith('"') and current:
            (msgid if current == "id" else msgstrs.setdefault(current, [])).append(line)
    join = lambda parts: "".join(p.strip()[1:-1] for p in parts)  # noqa: E731
    return join(msgid), [join(v) for v in msgstrs.values()], flags


@pytest.mark.parametrize("lang", LOCALES)
def test_every_string_is_translated(lang):
    po = Path(settings.BASE_DIR, "locale", lang, "LC_MESSAGES", "django.po").read_text("utf-8")
    missing, fuzzy = [], []
    for msgid, msgstrs, flags in entries(po):
        if msgid == "":
            continue
        if "fuzzy" in flags:
            fuzzy.append(msgid)
        if not msgstrs or any(s == "" for s in msgstrs):
            missing.append(msgid)
    assert not fuzzy, f"{lang}: fuzzy entries: {fuzzy[:10]}"
    assert not missing, f"{lang}: untranslated entries: {missing[:10]}"


@pytest.mark.parametrize("lang", LOCALES)
def test_compiled_catalogue_matches_the_po_file(lang):
    """The committed .mo (used when gettext is absent) says what the .po says."""
    folder = Path(settings.BASE_DIR, "locale", lang, "LC_MESSAGES")
    with (folder / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for entry in polib.pofile(str(folder / "django.po")).translated_entries():
        if "%" in entry.msgid or entry.msgid_plural:
            continue
        got = (
            compiled.pgettext(entry.msgctxt, entry.msgid)
            if entry.msgctxt
            else compiled.gettext(entry.msgid)
        )
        if got != entry.msgstr:
            stale.append(entry.msgid)
    assert not stale, f"Run compilemessages: {stale[:5]}"


MAKEMESSAGES_ARGS = [
    "--ignore=.venv",
    "--ignore=node_modules",
    "--ignore=static",
    "--ignore=staticfiles",
    "--ignore=tests",
    "--no-location",
]


def msgids(po_text: str) -> set[str]:
    return {msgid for msgid, _strs, _flags in entries(po_text) if msgid}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is installed by scripts/test")
def test_catalogues_hold_every_string_of_the_code():
    """A string marked for translation but missing from the catalogues fails here."""
    path = Path(settings.BASE_DIR, "locale", "fr", "LC_MESSAGES", "django.po")
    committed = path.read_text("utf-8")
    try:
        call_command("makemessages", "-l", "fr", *MAKEMESSAGES_ARGS, verbosity=0)
        extracted = path.read_text("utf-8")
    finally:
        path.write_text(committed, "utf-8")
    new = msgids(extracted) - msgids(committed)
    assert not new, f"Run makemessages and translate: {sorted(new)[:10]}"
