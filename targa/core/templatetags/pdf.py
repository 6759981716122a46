"""Template helpers for PDF deliverables: {% load pdf %}.

`dir_attr` gives a block of free text (a name, a French minute in an Arabic PDF…) the
direction of its first letter, as `dir="auto"` does in browsers (WeasyPrint lacks it), so
that punctuation and numbers stay where the writer put them.
"""

import unicodedata

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def text_direction(value) -> str:
    """'rtl' or 'ltr' after the first letter with a strong direction, '' if there is none."""
    for char in str(value or ""):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return ""


@register.filter
def dir_attr(value) -> str:
    """` dir="ltr"` or ` dir="rtl"` for an element holding `value`, or nothing."""
    direction = text_direction(value)
    return mark_safe(f' dir="{direction}"') if direction else ""
