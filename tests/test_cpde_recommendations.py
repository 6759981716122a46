"""Recommendations: follow-up by field agents, closing by coordinators, the late list."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cpde.models import Recommendation, RecommendationFollowUp, overdue_condition
from cpde.selectors import province_cpde_summary
from cpde.services import (
    follow_up_delete,
    recommendation_add_follow_up,
    recommendation_close,
    recommendation_update_status,
)
from targa.core import workflow
from tests import cpde_support as cs
from tests.conftest import client_for
from tests.factories import MeetingFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def launch(users, province_a):
    return MeetingFactory(
        province=province_a, by=users["coord_a"], date=cs.days(-90), kind="launch"
    )


@pytest.fixture
def late(users, launch):
    return RecommendationFactory(
        meeting=launch, by=users["agent_a"], text="Désigner un point focal", due_date=cs.days(-3)
    )


def close_url(rec):
    return reverse("cpde:recommendation_close", args=[rec.meeting.committee.province.code, rec.pk])


def follow_up_url(rec):
    return reverse(
        "cpde:recommendation_follow_up", args=[rec.meeting.committee.province.code, rec.pk]
    )


def close_data(rec, **changes):
    data = {
        "outcome": "done",
        "date": cs.TODAY.isoformat(),
        "note": "",
        "reason": "",
        "version": rec.version,
        "submission_id": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_coordinator_closes_a_recommendation_field_agent_cannot(users, late):
    refused = client_for(users["agent_a"]).post(close_url(late), close_data(late))
    assert refused.status_code == 403
    late.refresh_from_db()
    assert late.status == "open"

    done = client_for(users["coord_a"]).post(close_url(late), close_data(late, note="Fait."))

    assert done.status_code == 302
    late.refresh_from_db()
    assert (late.status, late.done_on, late.version) == ("done", cs.TODAY, 2)
    log = late.follow_ups.get()
    assert (log.status_before, log.status_after, log.note) == ("open", "done", "Fait.")
    assert log.history.first().history_user == users["coord_a"]


def test_recommendation_close_service_is_for_coordinators_only(users, late):
    with pytest.raises(PermissionDenied):
        recommendation_close(
            recommendation=late, outcome="done", by=users["agent_a"], expected_version=1
        )


def test_dropped_requires_a_reason(users, late):
    response = client_for(users["coord_a"]).post(
        close_url(late), close_data(late, outcome="dropped", reason="  ")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    late.refresh_from_db()
    assert late.status == "open" and not late.follow_ups.exists()

    with pytest.raises(ValidationError) as exc:
        recommendation_close(
            recommendation=late, outcome="dropped", by=users["coord_a"], expected_version=1
        )
    assert "dropped_reason" in exc.value.error_dict
    # The database refuses it too, whatever the path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.filter(pk=late.pk).update(status="dropped")

    late.refresh_from_db()
    recommendation_close(
        recommendation=late,
        outcome="dropped",
        reason="Pris en charge par un autre programme.",
        by=users["coord_a"],
        expected_version=1,
    )
    late.refresh_from_db()
    assert late.status == "dropped" and late.done_on is None
    assert late.dropped_reason == "Pris en charge par un autre programme."


def test_overdue_list_changes_when_one_is_closed(users, province_a, launch, late):
    other = RecommendationFactory(
        meeting=launch, by=users["agent_a"], text="Ouvrir un point de vente", due_date=cs.days(-30)
    )
    RecommendationFactory(
        meeting=launch, by=users["agent_a"], text="Pas encore dû", due_date=cs.days(30)
    )
    client = client_for(users["viewer"])
    url = reverse("cpde:recommendation_overdue", args=[province_a.code])

    before = client.get(url)
    assert [r.pk for r in before.context["page_obj"]] == [other.pk, late.pk]
    assert province_cpde_summary(province_a).n_overdue == 2

    recommendation_close(
        recommendation=late, outcome="done", by=users["coord_a"], expected_version=late.version
    )

    after = client.get(url)
    assert [r.pk for r in after.context["page_obj"]] == [other.pk]
    assert province_cpde_summary(province_a).n_overdue == 1
    card = client.get(reverse("provinces:detail", args=[province_a.code])).content.decode()
    assert 'data-testid="cpde-overdue"' in card


def test_overdue_is_computed_from_the_due_date_and_the_status(users, launch):
    by = users["coord_a"]
    cases = {
        "due yesterday, open": (cs.days(-1), "open", True),
        "due yesterday, in progress": (cs.days(-1), "in_progress", True),
        "due today": (cs.TODAY, "open", False),
        "no due date": (None, "open", False),
        "due long ago but done": (cs.days(-40), "done", False),
        "due long ago but dropped": (cs.days(-40), "dropped", False),
    }
    recs = {}
    for label, (due, status, _late) in cases.items():
        rec = RecommendationFactory(meeting=launch, by=by, text=label, due_date=due)
        if status == "in_progress":
            recommendation_update_status(
                recommendation=rec, status=status, by=by, expected_version=rec.version
            )
        elif status in Recommendation.CLOSED:
            recommendation_close(
                recommendation=rec,
                outcome=status,
                reason="Sans objet",
                by=by,
                expected_version=rec.version,
                on=cs.days(-1),
            )
        recs[label] = rec.pk
    late = set(Recommendation.objects.overdue().values_list("text", flat=True))
    assert late == {label for label, (_d, _s, is_late) in cases.items() if is_late}
    annotated = dict(Recommendation.objects.with_overdue().values_list("text", "is_overdue"))
    assert annotated == {label: is_late for label, (_d, _s, is_late) in cases.items()}
    # Computed, never stored: no field of the model holds it.
    assert "is_overdue" not in {f.name for f in Recommendation._meta.get_fields()}
    # The same rule on another day.
    assert Recommendation.objects.filter(overdue_condition(cs.days(-50))).count() == 0


def test_field_agent_records_progress_once_even_if_the_form_is_sent_twice(users, late):
    client = client_for(users["agent_a"])
    data = {
        "date": cs.TODAY.isoformat(),
        "status": "in_progress",
        "note": "Courrier envoyé aux services.",
        "version": late.version,
        "submission_id": str(uuid.uuid4()),
    }
    first = client.post(follow_up_url(late), data)
    second = client.post(follow_up_url(late), data)

    assert first.status_code == 302 and second.status_code == 302
    late.refresh_from_db()
    assert late.status == "in_progress"
    log = late.follow_ups.get()
    assert (log.status_before, log.status_after) == ("open", "in_progress")


def test_follow_up_needs_a_note_or_a_change_of_status(users, late):
    response = client_for(users["agent_a"]).post(
        follow_up_url(late),
        {"date": cs.TODAY.isoformat(), "version": 1, "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert not RecommendationFollowUp.objects.exists()


def test_only_a_coordinator_reopens_a_closed_recommendation(users, late):
    recommendation_close(
        recommendation=late, outcome="done", by=users["coord_a"], expected_version=1
    )
    late.refresh_from_db()
    with pytest.raises(PermissionDenied):
        recommendation_update_status(
            recommendation=late, status="open", by=users["agent_a"], expected_version=late.version
        )
    page = client_for(users["agent_a"]).get(late.get_absolute_url())
    assert [value for value, _label in page.context["follow_up_form"].fields["status"].choices] == [
        ""
    ]
    recommendation_update_status(
        recommendation=late,
        status="in_progress",
        by=users["coord_a"],
        expected_version=late.version,
    )
    late.refresh_from_db()
    assert late.status == "in_progress" and late.done_on is None


def test_a_stale_status_change_is_refused(users, late):
    stale_version = late.version
    recommendation_add_follow_up(
        recommendation=late, by=users["agent_a"], date=cs.TODAY, note="Relance"
    )
    recommendation_update_status(
        recommendation=late,
        status="in_progress",
        by=users["coord_a"],
        expected_version=stale_version,
    )
    response = client_for(users["agent_a"]).post(
        follow_up_url(late),
        {
            "date": cs.TODAY.isoformat(),
            "status": "open",
            "note": "Retour en arrière",
            "version": stale_version,
            "submission_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 409
    late.refresh_from_db()
    assert late.status == "in_progress"


def test_meeting_page_shows_what_became_of_its_recommendations(users, province_a, launch, late):
    by = users["agent_a"]
    follow_up_meeting = MeetingFactory(
        province=province_a, by=by, date=cs.days(-30), kind="follow_up"
    )
    recommendation_add_follow_up(
        recommendation=late,
        by=by,
        date=follow_up_meeting.date,
        note="Relance faite.",
        meeting=follow_up_meeting,
    )
    client = client_for(by)

    launch_page = client.get(launch.get_absolute_url())
    issued = launch_page.context["issued"]
    assert [r.pk for r in issued] == [late.pk]
    assert [f.meeting for f in issued.rows[0].last_follow_ups] == [follow_up_meeting]
    html = launch_page.content.decode()
    assert "Relance faite." in html and str(follow_up_meeting) in html

    later_page = client.get(follow_up_meeting.get_absolute_url())
    assert [r.pk for r in later_page.context["to_review"]] == [late.pk]
    assert f"?meeting={follow_up_meeting.pk}" in later_page.content.decode()

    recommendation_close(
        recommendation=late, outcome="done", by=users["coord_a"], expected_version=late.version
    )
    assert client.get(follow_up_meeting.get_absolute_url()).context["to_review"].total == 0


def test_follow_up_meeting_must_be_of_the_same_committee_and_not_earlier(
    users, province_a, province_b, late
):
    earlier = MeetingFactory(province=province_a, by=users["agent_a"], date=cs.days(-200))
    with pytest.raises(ValidationError) as exc:
        recommendation_add_follow_up(
            recommendation=late, by=users["agent_a"], date=cs.TODAY, note="x", meeting=earlier
        )
    assert "meeting" in exc.value.error_dict
    elsewhere = MeetingFactory(province=province_b, by=users["agent_b"], date=cs.days(-1))
    response = client_for(users["agent_a"]).post(
        follow_up_url(late),
        {
            "date": cs.TODAY.isoformat(),
            "note": "x",
            "meeting": elsewhere.pk,
            "version": 1,
            "submission_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["meeting"]


def test_late_list_is_filtered_searched_and_exported(users, province_a, launch, late):
    RecommendationFactory(
        meeting=launch,
        by=users["agent_a"],
        text="Ouvrir un point de vente",
        due_date=cs.days(-30),
        owner_name="Artisanat",
    )
    client = client_for(users["coord_a"])
    url = reverse("cpde:recommendation_overdue", args=[province_a.code])
    assert client.get(url, {"q": "point de vente"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"status": "in_progress"}).context["page_obj"].paginator.count == 0

    export = client.get(url, {"export": "csv"})
    body = export.content.decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv")
    assert "recommendations-en-retard-05.301" in export["Content-Disposition"]
    assert body.count("\n") == 3  # the header and two rows
    assert "Désigner un point focal" in body and "Artisanat" in body


def test_a_recommendation_of_province_a_is_404_for_province_b(users, late):
    client = client_for(users["agent_b"])
    assert client.get(late.get_absolute_url()).status_code == 404
    assert client.post(close_url(late), close_data(late)).status_code == 404


def follow_up_delete_url(follow_up):
    rec = follow_up.recommendation
    return reverse(
        "cpde:follow_up_delete",
        args=[rec.meeting.committee.province.code, rec.pk, follow_up.pk],
    )


def test_a_follow_up_that_changed_the_status_stays_a_plain_note_can_go(users, late):
    rec = recommendation_update_status(
        recommendation=late,
        status="in_progress",
        by=users["agent_a"],
        expected_version=late.version,
        note="Lancé",
    )
    status_change = rec.follow_ups.get()
    note = recommendation_add_follow_up(
        recommendation=rec, by=users["agent_a"], date=cs.TODAY, note="Relancé par téléphone"
    )
    client = client_for(users["coord_a"])

    refused = client.post(follow_up_delete_url(status_change), follow=True)
    assert refused.redirect_chain == [(rec.get_absolute_url(), 302)]
    assert "il ne peut pas être retiré" in refused.content.decode()
    assert RecommendationFollowUp.objects.filter(pk=status_change.pk).exists()
    with pytest.raises(ValidationError):
        follow_up_delete(follow_up=status_change, by=users["coord_a"])

    removed = client.post(follow_up_delete_url(note))
    assert removed.status_code == 302
    assert removed["Location"] == rec.get_absolute_url()
    assert not RecommendationFollowUp.objects.filter(pk=note.pk).exists()
    assert note.history.first().history_type == "-"


def test_closing_runs_on_the_workflow_kit_and_is_logged(users, late):
    coordinator = users["coord_a"]
    done = recommendation_close(
        recommendation=late, outcome="done", by=coordinator, expected_version=late.version
    )
    (entry,) = workflow.log_for(done)
    assert (entry.by, entry.source_state, entry.state, entry.transition) == (
        coordinator,
        "open",
        "done",
        "complete",
    )
    assert done.history.first().history_change_reason == "complete"
    assert [a.name for a in workflow.actions_for(coordinator, done)] == ["reopen", "resume"]
    assert workflow.actions_for(users["agent_a"], done) == []
    # The admin shows the status read-only: it moves only through the workflow.
    page = client_for(users["admin"]).get(
        reverse("admin:cpde_recommendation_change", args=[done.pk])
    )
    assert "status" in page.context["adminform"].readonly_fields
    assert "status" not in page.context["adminform"].form.fields


def test_actions_are_offered_in_the_order_the_model_declares_them(users, late):
    # Declared start, back_to_open, complete, drop, reopen, resume: not alphabetical.
    coordinator = users["coord_a"]
    assert [a.name for a in workflow.actions_for(coordinator, late)] == [
        "start",
        "complete",
        "drop",
    ]
    assert workflow.transition_between(Recommendation, "open", "done") == "complete"
