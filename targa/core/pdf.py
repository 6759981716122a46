"""PDF deliverables rendered with WeasyPrint from a template, in French or Arabic.

Every PDF template extends `reports/pdf_base.html` (A4 page, margins, page numbers, the
shipped fonts, direction and language). Fonts and images are read from the project
folder, never from the network.
"""

import atexit
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint reports each rendering step, and fontTools each font it unpacks, at INFO; the
# logs need only their warnings.
for _name in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)

PDF_LANGUAGES = ("fr", "ar")


def pdf_language(requested: str | None, default: str | None = None) -> str:
    """The language a PDF is asked for (`?lang=fr|ar`), else the page's, else French."""
    for lang in (requested, default):
        if lang and lang[:2] in PDF_LANGUAGES:
            return lang[:2]
    return "fr"


# Idle WeasyPrint font configurations, reused from one render to the next. A configuration
# holds the Fontconfig setup, the Pango font map with its caches, and the @font-face fonts it
# has loaded (WeasyPrint loads a rule once per configuration, keyed by its descriptors and
# URL): a fresh one per render cost a fifth to a third of its CPU. Pango font maps are not
# thread-safe, so a render takes one for itself and gives it back when done; concurrent
# renders each get their own. Every PDF template shares the @font-face rules of
# templates/reports/pdf_base.html, so a configuration holds no font that another PDF lacks.
_idle_font_configs: list = []
_idle_font_configs_lock = threading.Lock()
_MAX_IDLE_FONT_CONFIGS = 4  # each holds about 1 MB of fonts (a temporary folder) and caches
# At exit, drop them while the interpreter still runs: each removes its temporary folder.
atexit.register(_idle_font_configs.clear)


def _forget_inherited_font_configs() -> None:
    """In a forked process (a server's worker): leave the parent's configurations alone.

    Their Pango objects and temporary folder belong to the parent; the child makes its own.
    """
    global _idle_font_configs_lock
    _idle_font_configs_lock = threading.Lock()  # another thread may have held it at the fork
    for config in _idle_font_configs:
        config._folder = None  # WeasyPrint's: so dropping it here does not remove the folder
    _idle_font_configs.clear()


os.register_at_fork(after_in_child=_forget_inherited_font_configs)


@contextmanager
def _font_config() -> Iterator:
    """A font configuration for this render alone, taken from the idle ones or made."""
    from weasyprint.text.fonts import FontConfiguration

    with _idle_font_configs_lock:
        config = _idle_font_configs.pop() if _idle_font_configs else None
    if config is None:
        config = FontConfiguration()
    yield config
    # Not reached when the render raised: a configuration in an unknown state is dropped.
    with _idle_font_configs_lock:
        if len(_idle_font_configs) < _MAX_IDLE_FONT_CONFIGS:
            _idle_font_configs.append(config)


def render_pdf(template_name: str, context: dict, *, language: str) -> bytes:
    """Render `template_name` to PDF bytes with every string, date and number in `language`."""
    from weasyprint import HTML  # imported when needed: it is slow to load

    with translation.override(language):
        html = render_to_string(
            template_name,
            {
                **context,
                "pdf_language": language,
                "pdf_rtl": translation.get_language_bidi(),
            },
        )
        # base_url: relative URLs in the templates (fonts, images) are files of the project.
        document = HTML(string=html, base_url=f"{settings.BASE_DIR}/")
        with _font_config() as fonts:
            return document.write_pdf(font_config=fonts)
