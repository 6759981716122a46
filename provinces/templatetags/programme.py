"""{% programme_overview province %}: the province page's card on the programme's progress."""

from django import template

from provinces import selectors

register = template.Library()


@register.inclusion_tag("provinces/_programme_overview.html")
def programme_overview(province):
    return {"province": province, **selectors.programme_overview(province)}
