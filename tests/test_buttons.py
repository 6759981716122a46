"""A page offers a button only where its action is allowed: for every role, Edit and Delete
appear on a record's page exactly when the page they lead to opens (the object-level
permission of the base, `workflow.can`, asks what the views ask)."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import (
    MeetingFactory,
    QuestionnaireFactory,
    RecommendationFactory,
    StakeholderFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["agent_a", "coord_a", "viewer", "admin"]


def records(users, province):
    by = users["coord_a"]
    meeting = MeetingFactory(province=province, by=by)
    stakeholder = StakeholderFactory(province=province, name="Association Amal", by=by)
    return {
        "national questionnaire": (
            QuestionnaireFactory(by=users["admin"], title="National"),
            "cpde:questionnaire",
        ),
        "provincial questionnaire": (
            QuestionnaireFactory(by=by, province=province),
            "cpde:questionnaire",
        ),
        "meeting": (meeting, "cpde:meeting"),
        "recommendation": (RecommendationFactory(meeting=meeting, by=by), "cpde:recommendation"),
        "stakeholder": (stakeholder, "provinces:stakeholder"),
    }


@pytest.mark.parametrize("role", ROLES)
def test_edit_and_delete_show_exactly_where_they_open(users, province_a, role):
    client = client_for(users[role])
    for what, (record, base) in records(users, province_a).items():
        url = record.url_in(province_a) if hasattr(record, "url_in") else None
        page = client.get(url or record.get_absolute_url())
        assert page.status_code == 200, what
        html = page.content.decode()
        kwargs = {"code": province_a.code, "pk": record.pk}
        for action in ("edit", "delete"):
            url = reverse(f"{base}_{action}", kwargs=kwargs)
            opens = client.get(url).status_code == 200
            assert (f'href="{url}"' in html) == opens, f"{role}: {action} on the {what}"
