"""Template helpers: Bootstrap classes and descriptions on widgets, valid `<time>` values and
`tel:` links, query strings for pagination, and the blocks the apps contribute (the province
menu, the province page's cards)."""

import datetime
import re
from dataclasses import dataclass

from django import forms, template
from django.urls import reverse
from django.utils import timezone

from targa.core import registry

register = template.Library()


@register.filter
def bootstrap(bound_field):
    """Render a bound field's widget with the Bootstrap class that fits it, marked invalid
    when it has errors and described by its help text and its errors (`described_by`)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return bound_field.as_widget()
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = ""
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    # A list of radios or checkboxes is described on its fieldset (forms/field.html), not on
    # each option.
    if not bound_field.use_fieldset and (ids := described_by(bound_field)):
        attrs["aria-describedby"] = ids
    return bound_field.as_widget(attrs=attrs)


@register.filter
def described_by(bound_field) -> str:
    """The ids describing a field: its help text and its errors, as forms/field.html and
    forms/errors.html write them (Django's own names, `<id>_helptext` and `<id>_error`), after
    any the widget declares itself."""
    ids = (bound_field.field.widget.attrs.get("aria-describedby") or "").split()
    if bound_field.auto_id:
        if bound_field.help_text:
            ids.append(f"{bound_field.auto_id}_helptext")
        if bound_field.errors:
            ids.append(f"{bound_field.auto_id}_error")
    return " ".join(ids)


@register.filter
def field_anchor(bound_field) -> str:
    """The id a link to the field leads to (the error summary's): the field itself, or the
    first option of a list of radios or checkboxes."""
    from targa.core.editing import field_anchor

    return field_anchor(bound_field)


@register.filter
def datetime_attr(value) -> str:
    """A moment as `<time datetime>` wants it: ISO 8601 to the second, in local time with its
    offset (Django's "c" format writes microseconds, which HTML refuses)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


@register.filter
def tel_href(phone) -> str:
    """A `tel:` link to a phone number as people type it ("+212 535 38 20 31", "0535-38.20.31"):
    only its digits and a leading "+", since a URL may not hold spaces."""
    phone = str(phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    return f"tel:{'+' if phone.startswith('+') else ''}{digits}"


@register.simple_tag(takes_context=True)
def query(context, **kwargs):
    """The current query string with some parameters replaced, e.g. {% query page=2 %}."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def field_value(obj, name):
    """A record's field shown for people (see targa.core.editing.display_value)."""
    from targa.core.editing import display_value

    return display_value(obj, name)


@register.filter
def verbose(obj, name):
    """The verbose name of a record's field, capitalised."""
    try:
        return str(obj._meta.get_field(name).verbose_name).capitalize()
    except Exception:
        return str(getattr(getattr(type(obj), name, None), "short_description", name))


@dataclass(frozen=True)
class _MenuLink:
    label: str
    url: str
    icon: str


@register.inclusion_tag("includes/province_menu.html")
def province_menu(province):
    """The menu of a province's pages, from the entries every app declares."""
    return {
        "entries": [
            _MenuLink(entry.label, reverse(entry.url_name, args=[province.code]), entry.icon)
            for entry in registry.menu()
        ]
    }


@register.simple_tag(takes_context=True)
def render_block(context, template_name: str, data: dict):
    """Render a contributed block (a card of the province page) with its own context."""
    tpl = context.template.engine.get_template(template_name)
    return tpl.render(context.new(data))
