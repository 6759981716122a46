"""Template helpers: Bootstrap classes on widgets, query strings for pagination, and the blocks
the apps contribute (the province menu, the province page's cards)."""

from dataclasses import dataclass

from django import forms, template
from django.urls import reverse

from targa.core import registry

register = template.Library()


@register.filter
def bootstrap(bound_field):
    """Render a bound field's widget with the Bootstrap class that fits it."""
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
    if bound_field.help_text:
        attrs["aria-describedby"] = f"{bound_field.auto_id}_help"
    return bound_field.as_widget(attrs=attrs)


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
