"""Every user-visible string is translated into French and Arabic, and the catalogues compile."""

from pathlib import Path

import pytest
from django.conf import settings

LOCALES = ["fr", "ar"]


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
def test_compiled_catalogue_is_present(lang):
    mo = Path(settings.BASE_DIR, "locale", lang, "LC_MESSAGES", "django.mo")
    po = mo.with_suffix(".po")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1
