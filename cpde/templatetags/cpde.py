"""{% cpde_card province %}: the CPDE at a glance on the province page (one query)."""

from django import template

from cpde import selectors

register = template.Library()


@register.inclusion_tag("cpde/_province_card.html", takes_context=True)
def cpde_card(context, province):
    committee = selectors.province_cpde_summary(province)
    return {
        "province": province,
        "committee": committee,
        "next_kind": selectors.next_meeting_kind_label(
            committee.next_meeting_kind if committee else None
        ),
        "perms_here": context.get("perms_here", ()),
    }
