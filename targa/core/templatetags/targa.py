"""Template helpers: Bootstrap classes and descriptions on widgets, valid `<time>` values and
`tel:` links, query strings for pagination, the cells of record lists (tables at a desk,
cards on a phone), the blocks the apps contribute (the province menu, the province page's
cards), and the isolation of what people typed, so that French inside an Arabic page (or the
reverse) keeps its order."""

import datetime
import re
from dataclasses import dataclass

from django import forms, template
from django.db import models
from django.template.base import token_kwargs
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from targa.core import registry

register = template.Library()

# Values that read left to right whatever the page: phone numbers, figures, codes, dates in
# digits (no letter at all), e-mail and web addresses.
_NO_LETTERS = re.compile(r"^[\d\s+().,;:/\\\-–—'’%°#*=×]+$")
_ADDRESS = re.compile(r"^[^\s@]+@[^\s@]+$|^(https?://|www\.)\S+$", re.IGNORECASE)
_LTR_FIELDS = (
    models.EmailField,
    models.URLField,
    models.IntegerField,
    models.DecimalField,
    models.FloatField,
    models.SlugField,
    models.UUIDField,
)
_LTR_NAMES = ("phone", "email", "code", "reference", "website", "url")


def reads_left_to_right(text: str) -> bool:
    return bool(_NO_LETTERS.match(text) or _ADDRESS.match(text))


def isolate(value, *, ltr: bool | None = None) -> SafeString | str:
    """`value` (escaped) in a `<bdi>`: its direction is its own first letter's, and it does
    not reorder what stands around it. `ltr` forces left to right (None: phone numbers,
    figures and addresses are, the rest follows its letters). An empty value, or the "—"
    of an empty field, stays as it is."""
    text = "" if value is None else str(value)
    if text.strip() in ("", "—"):
        return text
    if ltr is None:
        ltr = reads_left_to_right(text.strip())
    if ltr:
        return format_html('<bdi dir="ltr">{}</bdi>', text)
    return format_html("<bdi>{}</bdi>", text)


@register.filter
def bidi(value):
    """What a person typed, isolated: {{ meeting.place|bidi }} (see `isolate`)."""
    return isolate(value)


@register.filter
def ltr(value):
    """A value that always reads left to right (a phone number, a figure with its unit)."""
    return isolate(value, ltr=True)


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
    """A record's field shown for people (see targa.core.editing.display_value), isolated:
    left to right for phone numbers, e-mails, codes and figures, else in its own direction."""
    from targa.core.editing import display_value

    try:
        f = obj._meta.get_field(name)
    except Exception:  # a property
        f = None
    forced = None
    if (f is not None and isinstance(f, _LTR_FIELDS) and not f.choices) or any(
        part in name for part in _LTR_NAMES
    ):
        forced = True
    return isolate(display_value(obj, name), ltr=forced)


@register.filter
def verbose(obj, name):
    """The verbose name of a record's field, its first letter capitalised (the others kept:
    "Coût total (MAD)", not "(mad)")."""
    try:
        return capfirst(str(obj._meta.get_field(name).verbose_name))
    except Exception:
        return str(getattr(getattr(type(obj), name, None), "short_description", name))


@dataclass(frozen=True)
class _MenuLink:
    label: str
    url: str
    icon: str
    title: str = ""


@register.inclusion_tag("includes/province_menu.html")
def province_menu(province):
    """The menu of a province's pages, from the entries every app declares."""
    return {
        "entries": [
            _MenuLink(
                entry.label,
                reverse(entry.url_name, args=[province.code]),
                entry.icon,
                str(entry.title) if entry.title else "",
            )
            for entry in registry.menu()
        ]
    }


@register.simple_tag(takes_context=True)
def render_block(context, template_name: str, data: dict):
    """Render a contributed block (a card of the province page) with its own context."""
    tpl = context.template.engine.get_template(template_name)
    return tpl.render(context.new(data))


# Record lists: one table, which below Bootstrap's md breakpoint targa.css lays out as one
# card per record (the title first, then the key columns, each with its label). The view
# declares the columns (`ScopedListView.columns`, `card_fields`); the template draws each
# cell's content inside {% cell "name" %}…{% endcell %}.


@register.simple_tag(takes_context=True)
def list_head(context):
    """The table's header row, from the view's columns."""
    cells = format_html_join(
        "",
        '<th scope="col"{}>{}</th>',
        (
            (mark_safe(' class="text-end"') if c.numeric else "", c.label)
            for c in context["columns"]
        ),
    )
    return format_html("<thead><tr>{}</tr></thead>", cells)


class CellNode(template.Node):
    def __init__(self, name, extra, nodelist):
        self.name, self.extra, self.nodelist = name, extra, nodelist

    def render(self, context):
        name = self.name.resolve(context)
        try:
            column = context["cols"][name]
        except KeyError as exc:
            raise template.TemplateSyntaxError(
                f"{{% cell %}}: {name!r} is not one of the view's columns"
            ) from exc
        classes = column.css
        extra = self.extra.resolve(context) if self.extra is not None else ""
        if extra:
            classes = f"{classes} {extra}"
        content = self.nodelist.render(context)
        value_class = "lc-value text-nowrap" if column.nowrap else "lc-value"
        if column.role == "title" or not column.label:
            return format_html(
                '<td class="{}"><div class="{}">{}</div></td>', classes, value_class, content
            )
        return format_html(
            '<td class="{}"><span class="lc-label">{}</span><div class="{}">{}</div></td>',
            classes,
            column.label,
            value_class,
            content,
        )


@register.tag
def cell(parser, token):
    """{% cell "due_date" %}…{% endcell %}, or {% cell "due_date" class="text-danger" %}: one
    cell of a record list, its label shown on a phone card."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% cell %} takes the column's name")
    name = parser.compile_filter(bits[1])
    kwargs = token_kwargs(bits[2:], parser)
    if set(kwargs) - {"class"}:
        raise template.TemplateSyntaxError("{% cell %} takes only class=")
    nodelist = parser.parse(("endcell",))
    parser.delete_first_token()
    return CellNode(name, kwargs.get("class"), nodelist)
