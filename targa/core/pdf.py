"""PDF deliverables rendered with WeasyPrint from a template, in French or Arabic.

Every PDF template extends `reports/pdf_base.html` (A4 page, margins, page numbers, the
shipped Noto fonts, direction and language). Fonts and images are read from the project
folder, never from the network.
"""

import logging

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


def render_pdf(template_name: str, context: dict, *, language: str) -> bytes:
    """Render `template_name` to PDF bytes with every string, date and number in `language`."""
    from weasyprint import HTML  # imported when needed: it is slow to load
    from weasyprint.text.fonts import FontConfiguration

    with translation.override(language):
        html = render_to_string(
            template_name,
            {
                **context,
                "pdf_language": language,
                "pdf_rtl": translation.get_language_bidi(),
            },
        )
        fonts = FontConfiguration()
        # base_url: relative URLs in the templates (fonts, images) are files of the project.
        document = HTML(string=html, base_url=f"{settings.BASE_DIR}/")
        return document.write_pdf(font_config=fonts)
