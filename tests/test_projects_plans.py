"""Cooperatives' capacity plans (seed 001): a plan for a cooperative only, of the province, with
its needs, training plan and action plan whose deadlines fall within its period (nothing
partial written when a line is refused); its follow-up calendar, six monthly workshops and a
remote follow-up every two weeks, held, due or overdue against the sessions recorded with the
cooperative present; the pages by role and province, their pinned queries; the follow-up
sheet; and the action plan's PDF for the cooperative, in French and Arabic, as a job."""

import datetime
import html
import re
import unicodedata
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from projects import plan_pdf, services_plans
from projects.models import CapacityPlan, PlanActivity, SessionKind, StructureKind
from projects.selectors_plans import overdue_plan_follow_ups_per_province, plan_schedule
from targa.core import workflow
from targa.core.models import Job
from targa.core.records import EditConflict, LineErrors
from tests.conftest import client_for
from tests.cpde_support import pdf_text
from tests.factories import (
    CapacityPlanFactory,
    CooperativeFactory,
    PlanActivityFactory,
    SessionFactory,
    StakeholderFactory,
    StructureFactory,
    days,
)
from tests.jobs_support import run_queued_tasks

pytestmark = pytest.mark.django_db

# A plan's page: the same whatever the number of lines of its action plan and of sessions.
PLAN_PAGE_QUERIES = 13
PLAN_LIST_QUERIES = 10
STRUCTURE_LIST_QUERIES = 10


def errors_of(call) -> dict:
    """The messages of the refusal, in English (their source)."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            call()
        return {k: [str(m) for m in v] for k, v in refused.value.message_dict.items()}


def text(response) -> str:
    return html.unescape(response.content.decode())


def plan_url(name, plan, **kw) -> str:
    return reverse(f"projects:plan_{name}", args=[plan.structure.province.code, plan.pk], **kw)


def activity_url(name, plan, *pk) -> str:
    kwargs = {"code": plan.structure.province.code, "parent_pk": plan.pk}
    return reverse(f"projects:plan_activity_{name}", kwargs=kwargs | ({"pk": pk[0]} if pk else {}))


def plan_data(structure, **changes) -> dict:
    return {
        "structure": str(structure.pk),
        "starts_on": days(-10).isoformat(),
        "ends_on": days(190).isoformat(),
        "technical_needs": "Emballage sous vide du couscous",
        "financial_needs": "Prix de revient par kilo",
        "legal_needs": "",
        "training_plan": "Marketing digital\nGestion de stock",
        "workshops_planned": "6",
        "remote_every_days": "14",
        "submission_id": str(uuid.uuid4()),
    } | changes


def activity_data(plan, **changes) -> dict:
    return {
        "activity": "Atelier de calcul du prix de revient",
        "responsible": "Trésorière",
        "deadline": (plan.starts_on + (plan.ends_on - plan.starts_on) / 2).isoformat(),
        "follow_up_indicator": "Fiche de coût remplie",
        "performance_indicator": "Produits dont le prix couvre le coût",
        "target": "5",
        "achieved": "",
        "stakeholders_other": "Banque Populaire",
        "status": "planned",
        "submission_id": str(uuid.uuid4()),
    } | changes


def squeezed(value: str) -> str:
    """Text without direction marks or spaces, letters in their plain forms (pdftotext splits
    Arabic words after a letter that does not join the next one)."""
    value = unicodedata.normalize("NFKC", value)
    return "".join(re.sub("[\u202a-\u202e\u200e\u200f]", "", value).split())


# The rules ------------------------------------------------------------------------------------


def test_a_plan_is_for_a_cooperative_only_and_nothing_is_written_for_another_kind(users):
    association = StructureFactory(kind=StructureKind.ASSOCIATION, name="Association Amal")
    plan = CapacityPlan(
        structure=association, starts_on=days(-5), ends_on=days(200), technical_needs="x"
    )
    errors = errors_of(lambda: services_plans.plan_create(plan=plan, by=users["agent_a"]))
    assert errors == {
        "structure": [
            "A capacity plan is drawn up for a cooperative: “Association Amal” is association."
        ]
    }
    assert not CapacityPlan.objects.exists()


def test_a_line_due_outside_the_period_refuses_the_whole_plan(users):
    cooperative = CooperativeFactory()
    plan = CapacityPlan(
        structure=cooperative, starts_on=days(-5), ends_on=days(200), financial_needs="Caisse"
    )
    lines = [
        services_plans.ActivityLine(
            PlanActivity(activity="Formation", responsible="Présidente", deadline=days(30))
        ),
        services_plans.ActivityLine(
            PlanActivity(activity="Salon", responsible="Présidente", deadline=days(400))
        ),
    ]
    with translation.override("en"), pytest.raises(LineErrors) as refused:
        services_plans.plan_create(plan=plan, by=users["agent_a"], activities=lines)
    assert list(refused.value.lines) == [1]
    assert (
        refused.value.lines[1]
        .message_dict["deadline"][0]
        .startswith("The deadline falls within the plan's period, from ")
    )
    assert not CapacityPlan.objects.exists() and not PlanActivity.objects.exists()


def test_a_line_added_later_is_due_within_the_period_too(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    errors = errors_of(
        lambda: PlanActivityFactory(plan=plan, deadline=days(-300), by=users["agent_a"])
    )
    assert list(errors) == ["deadline"]
    assert not PlanActivity.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": -1}, "ends_on", "The plan ends after it starts."),
        ({"ends_on": 1200}, "ends_on", "A plan runs for at most 36 months."),
        ({"ends_on": 90}, "ends_on", "6 monthly workshops need the plan to run until "),
        ({"remote_every_days": 3}, "remote_every_days", "A remote follow-up comes at most once"),
        ({"workshops_planned": 30}, "workshops_planned", "At most 24 workshops, one a month."),
    ],
)
def test_a_plan_s_period_and_rhythm_are_bounded(users, changes, field, message):
    """`ends_on` is given in days after the start."""
    start = days(-5)
    values = {"starts_on": start, "ends_on": start + datetime.timedelta(days=200)}
    if "ends_on" in changes:
        changes = changes | {"ends_on": start + datetime.timedelta(days=changes["ends_on"])}
    plan = CapacityPlan(structure=CooperativeFactory(), legal_needs="Statuts", **values | changes)
    errors = errors_of(lambda: services_plans.plan_create(plan=plan, by=users["agent_a"]))
    assert errors[field][0].startswith(message), errors
    assert not CapacityPlan.objects.exists()


def test_a_plan_names_at_least_one_need_and_one_plan_a_cooperative(users):
    cooperative = CooperativeFactory()
    bare = CapacityPlan(structure=cooperative, starts_on=days(-5), ends_on=days(200))
    assert errors_of(lambda: services_plans.plan_create(plan=bare, by=users["agent_a"])) == {
        "technical_needs": [
            "Write down at least one need of the cooperative: technical, financial or legal."
        ]
    }
    CapacityPlanFactory(structure=cooperative)
    again = CapacityPlan(
        structure=cooperative, starts_on=days(-5), ends_on=days(200), legal_needs="Statuts"
    )
    assert errors_of(lambda: services_plans.plan_create(plan=again, by=users["agent_a"])) == {
        "structure": ["This cooperative already has a capacity plan."]
    }
    assert CapacityPlan.objects.count() == 1


def test_a_plan_is_drawn_up_by_the_cooperative_s_province_team_only(users, province_a, province_b):
    theirs = CooperativeFactory(province=province_b)
    plan = CapacityPlan(structure=theirs, starts_on=days(-5), ends_on=days(200), legal_needs="x")
    errors = errors_of(
        lambda: services_plans.plan_create(plan=plan, by=users["admin"], province=province_a)
    )
    assert errors == {"structure": ["Choose a cooperative of the province."]}
    mine = CooperativeFactory(province=province_a)
    for role in ("agent_b", "viewer"):
        with pytest.raises(PermissionDenied):
            services_plans.plan_create(
                plan=CapacityPlan(
                    structure=mine, starts_on=days(-5), ends_on=days(200), legal_needs="x"
                ),
                by=users[role],
            )
    assert not CapacityPlan.objects.exists()


def test_a_new_period_that_leaves_lines_outside_is_refused_line_by_line(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    inside = PlanActivityFactory(plan=plan, deadline=plan.starts_on + datetime.timedelta(20))
    late = PlanActivityFactory(plan=plan, activity="Foire régionale", deadline=plan.ends_on)
    plan = CapacityPlan.objects.get(pk=plan.pk)
    version, end = plan.version, plan.ends_on
    plan.ends_on = plan.ends_on - datetime.timedelta(days=10)
    with translation.override("en"), pytest.raises(LineErrors) as refused:
        services_plans.plan_update(plan=plan, by=users["agent_a"], expected_version=version)
    assert list(refused.value.lines) == [late.pk] and inside.pk not in refused.value.lines
    assert "“Foire régionale” is due on" in refused.value.messages[0]
    assert CapacityPlan.objects.get(pk=plan.pk).ends_on == end


def test_a_line_s_stakeholders_are_of_the_cooperative_s_province(users, province_b):
    plan = CapacityPlanFactory(by=users["agent_a"])
    foreign = StakeholderFactory(province=province_b, name="ODCO Figuig")
    errors = errors_of(
        lambda: PlanActivityFactory(plan=plan, stakeholders=[foreign], by=users["agent_a"])
    )
    assert errors == {"stakeholders": ["These stakeholders are of another province: ODCO Figuig."]}
    assert not PlanActivity.objects.exists()


def test_an_open_line_past_its_deadline_is_late_and_a_done_one_is_not(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    late = PlanActivityFactory(plan=plan, deadline=days(-1))
    done = PlanActivityFactory(plan=plan, deadline=days(-1), status="done")
    coming = PlanActivityFactory(plan=plan, deadline=days(5), status="in_progress")
    assert (late.shown_status, done.shown_status, coming.shown_status) == (
        "late",
        "done",
        "in_progress",
    )


def test_the_coordinator_validates_a_plan_with_an_action_plan_which_is_then_read_only(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    with pytest.raises(ValidationError):
        workflow.transition_run(
            instance=plan, name="validate", by=users["coord_a"], expected_version=plan.version
        )
    PlanActivityFactory(plan=plan)
    plan = CapacityPlan.objects.get(pk=plan.pk)
    with pytest.raises(PermissionDenied):
        workflow.transition_run(
            instance=plan, name="validate", by=users["agent_a"], expected_version=plan.version
        )
    plan = workflow.transition_run(
        instance=plan, name="validate", by=users["coord_a"], expected_version=plan.version
    )
    assert plan.status == "validated" and not workflow.can(users["coord_a"], "change", plan)
    assert client_for(users["coord_a"]).get(plan_url("edit", plan)).status_code == 403
    with pytest.raises(ValidationError):  # reopening says why
        workflow.transition_run(
            instance=plan, name="reopen", by=users["coord_a"], expected_version=plan.version
        )


# The follow-up calendar -----------------------------------------------------------------------


def _followed_plan(cooperative, **fields):
    """A plan that started 75 days ago: two workshops and five fortnightly follow-ups are
    past their span by today, the third workshop and the sixth follow-up are due."""
    return CapacityPlanFactory(structure=cooperative, starts_on=days(-75), **fields)


def test_the_calendar_counts_the_sessions_held_with_the_cooperative_present(users, province_a):
    cooperative = CooperativeFactory(province=province_a)
    plan = _followed_plan(cooperative)
    other = CooperativeFactory(province=province_a)
    SessionFactory(kind=SessionKind.WORKSHOP, on=days(-50), structures=[cooperative])
    SessionFactory(kind=SessionKind.WORKSHOP, on=days(-90), structures=[cooperative])  # before
    SessionFactory(kind=SessionKind.WORKSHOP, on=days(-20), structures=[other])  # not present
    SessionFactory(kind=SessionKind.TRAINING, on=days(-20), structures=[cooperative])  # no kind
    for n, kind in ((-70, SessionKind.PHONE), (-40, SessionKind.VIDEO), (-30, SessionKind.PHONE)):
        SessionFactory(kind=kind, on=days(n), structures=[cooperative, other])
    schedule = plan_schedule(CapacityPlan.objects.get(pk=plan.pk))
    assert [s.state for s in schedule.workshops] == [
        "held", "overdue", "due", "upcoming", "upcoming", "upcoming"
    ]  # fmt: skip
    assert schedule.workshops[0].session.on == days(-50)
    assert [s.state for s in schedule.remote[:7]] == [
        "held", "held", "held", "overdue", "overdue", "due", "upcoming"
    ]  # fmt: skip
    assert len(schedule.remote) == 201 // 14
    assert (schedule.overdue, schedule.due) == (3, 2)
    assert schedule.next_due.state == "overdue"


def test_a_catch_up_session_makes_up_for_a_missed_one(users, province_a):
    cooperative = CooperativeFactory(province=province_a)
    plan = _followed_plan(cooperative)
    for n in (-10, -5):  # both workshops of the first two months held in the third
        SessionFactory(kind=SessionKind.WORKSHOP, on=days(n), structures=[cooperative])
    schedule = plan_schedule(CapacityPlan.objects.get(pk=plan.pk))
    assert [s.state for s in schedule.workshops[:3]] == ["held", "held", "due"]


def test_the_overdue_follow_ups_of_every_province_are_one_query(
    users, province_a, province_b, django_assert_num_queries
):
    a1, a2 = CooperativeFactory(province=province_a), CooperativeFactory(province=province_a)
    _followed_plan(a1)  # 2 workshops and 5 follow-ups overdue
    _followed_plan(a2)
    SessionFactory(kind=SessionKind.WORKSHOP, on=days(-50), structures=[a2])
    SessionFactory(kind=SessionKind.PHONE, on=days(-50), structures=[a2])  # 1 + 4 overdue
    CapacityPlanFactory(structure=CooperativeFactory(province=province_a), starts_on=days(3))
    b = CooperativeFactory(province=province_b)
    _followed_plan(b, province=province_b)
    with django_assert_num_queries(1):
        counts = overdue_plan_follow_ups_per_province([province_a.pk, province_b.pk])
    assert counts == {province_a.pk: 7 + 5, province_b.pk: 7}
    assert overdue_plan_follow_ups_per_province([province_b.pk]) == {province_b.pk: 7}


# The pages ------------------------------------------------------------------------------------


def test_a_field_agent_draws_up_a_plan_from_the_cooperative_s_page(users, province_a):
    cooperative = CooperativeFactory(province=province_a, name="Coopérative Tifâouine")
    agent = client_for(users["agent_a"])
    page = agent.get(cooperative.get_absolute_url())
    assert 'data-testid="add-plan"' in page.content.decode()
    create_url = reverse("projects:plan_create", args=[province_a.code])
    form = agent.get(create_url, {"structure": cooperative.pk})
    assert "Coopérative Tifâouine" in text(form)
    response = agent.post(
        reverse("projects:plan_create", args=[province_a.code]), plan_data(cooperative)
    )
    plan = CapacityPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.structure == cooperative and plan.status == "draft"
    page = text(agent.get(plan.get_absolute_url()))
    assert "Emballage sous vide du couscous" in page and "Marketing digital" in page
    assert 'data-testid="workshop-slots"' in page and 'data-testid="remote-slots"' in page
    # Its first line, then a second one from the page.
    response = agent.post(activity_url("create", plan), activity_data(plan))
    assert response.status_code == 302
    assert "Atelier de calcul du prix de revient" in text(agent.get(plan.get_absolute_url()))
    assert PlanActivity.objects.get().history.first().history_user == users["agent_a"]


def test_the_form_says_why_another_kind_of_structure_has_no_plan(users, province_a):
    association = StructureFactory(province=province_a, kind=StructureKind.ASSOCIATION)
    response = client_for(users["agent_a"]).post(
        reverse("projects:plan_create", args=[province_a.code]), plan_data(association)
    )
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in response.content.decode()
    assert not CapacityPlan.objects.exists()


def test_a_line_due_outside_the_period_is_refused_on_its_field(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    response = client_for(users["agent_a"]).post(
        activity_url("create", plan), activity_data(plan, deadline=days(900).isoformat())
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"deadline"}
    assert not PlanActivity.objects.exists()


def test_the_coordinator_edits_the_plan(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    data = plan_data(plan.structure, legal_needs="Tenue des assemblées générales") | {
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "version": str(plan.version),
    }
    del data["structure"], data["submission_id"]
    response = client_for(users["coord_a"]).post(plan_url("edit", plan), data)
    assert response.status_code == 302
    assert CapacityPlan.objects.get(pk=plan.pk).legal_needs == "Tenue des assemblées générales"


def test_a_viewer_reads_the_plan_but_changes_nothing(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    line = PlanActivityFactory(plan=plan)
    viewer = client_for(users["viewer"])
    page = viewer.get(plan.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200 and line.activity in body
    assert 'data-testid="add-activity"' not in body and plan_url("edit", plan) not in body
    assert 'data-testid="record-progress"' not in body
    assert viewer.post(activity_url("create", plan), activity_data(plan)).status_code == 403
    assert viewer.get(plan_url("progress", plan)).status_code == 403
    assert PlanActivity.objects.count() == 1


def test_another_province_s_agent_gets_the_404_of_a_missing_plan(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    line = PlanActivityFactory(plan=plan)
    other = client_for(users["agent_b"])
    for url in (
        plan.get_absolute_url(),
        plan_url("edit", plan),
        activity_url("edit", plan, line.pk),
        plan.structure.get_absolute_url(),
    ):
        assert other.get(url).status_code == 404, url


def test_the_plans_are_searched_by_cooperative_name_whatever_the_accents(users, province_a):
    CapacityPlanFactory(structure=CooperativeFactory(name="Coopérative Tifâouine"))
    CapacityPlanFactory(structure=CooperativeFactory(name="Coopérative Amal"))
    page = text(
        client_for(users["viewer"]).get(
            reverse("projects:plan_list", args=[province_a.code]), {"q": "tifaouine"}
        )
    )
    assert "Coopérative Tifâouine" in page and "Coopérative Amal" not in page


def test_the_follow_up_sheet_saves_every_line_at_once_or_none(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    first = PlanActivityFactory(plan=plan, target=10)
    second = PlanActivityFactory(plan=plan, target=None)
    agent = client_for(users["agent_a"])
    form = agent.get(plan_url("progress", plan)).context["form"]
    opened = form["opened_versions"].value()
    bad = {
        "opened_versions": opened,
        f"status_{first.pk}": "done",
        f"achieved_{first.pk}": "8",
        f"status_{second.pk}": "in_progress",
        f"achieved_{second.pk}": "3",  # achieved without a target
    }
    response = agent.post(plan_url("progress", plan), bad)
    assert response.status_code == 400
    assert PlanActivity.objects.get(pk=first.pk).status == "planned"
    good = bad | {f"achieved_{second.pk}": ""}
    assert agent.post(plan_url("progress", plan), good).status_code == 302
    first.refresh_from_db()
    assert (first.status, first.achieved) == ("done", Decimal(8))
    # A sheet opened before that save is stale: 409, the input kept.
    stale = agent.post(plan_url("progress", plan), good | {f"achieved_{first.pk}": "9"})
    assert stale.status_code == 409
    assert PlanActivity.objects.get(pk=first.pk).achieved == Decimal(8)


def test_the_follow_up_service_refuses_a_stale_sheet(users):
    plan = CapacityPlanFactory(by=users["agent_a"])
    line = PlanActivityFactory(plan=plan)
    opened = {line.pk: line.version}
    services_plans.plan_record_progress(
        plan=plan,
        rows={line.pk: services_plans.Progress("in_progress")},
        by=users["agent_a"],
        versions_opened=opened,
    )
    with pytest.raises(EditConflict):
        services_plans.plan_record_progress(
            plan=plan,
            rows={line.pk: services_plans.Progress("done")},
            by=users["coord_a"],
            versions_opened=opened,
        )


# Pinned queries -------------------------------------------------------------------------------


def _plan_with(n_lines: int, n_sessions: int, province):
    cooperative = CooperativeFactory(province=province)
    plan = _followed_plan(cooperative)
    partners = [StakeholderFactory(province=province) for _ in range(2)]
    for i in range(n_lines):
        PlanActivityFactory(plan=plan, stakeholders=partners[: i % 3], deadline=days(i % 60))
    for i in range(n_sessions):
        kind = SessionKind.WORKSHOP if i % 2 else SessionKind.PHONE
        SessionFactory(kind=kind, on=days(-70 + i), structures=[cooperative])
    return plan


@pytest.mark.parametrize(("n_lines", "n_sessions"), [(2, 1), (30, 12)])
def test_the_plan_page_asks_the_same_queries_whatever_its_size(
    n_lines, n_sessions, users, province_a, django_assert_num_queries
):
    plan = _plan_with(n_lines, n_sessions, province_a)
    client = client_for(users["coord_a"])
    client.get(plan.get_absolute_url())  # the session and the user are read once
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="activity-row"') == n_lines


@pytest.mark.parametrize("n", [2, 30])
def test_the_plan_and_structure_lists_ask_the_same_queries_whatever_their_size(
    n, users, province_a, django_assert_num_queries
):
    for _ in range(n):
        plan = CapacityPlanFactory(structure=CooperativeFactory(province=province_a))
        PlanActivityFactory(plan=plan, deadline=days(-1))
    client = client_for(users["viewer"])
    client.get(reverse("projects:plan_list", args=[province_a.code]))
    with django_assert_num_queries(PLAN_LIST_QUERIES):
        page = client.get(reverse("projects:plan_list", args=[province_a.code]))
    assert page.content.decode().count('data-testid="plan-row"') == min(n, settings.PAGE_SIZE)
    assert page.content.decode().count('data-testid="plan-late"') == min(n, settings.PAGE_SIZE)
    with django_assert_num_queries(STRUCTURE_LIST_QUERIES):
        page = client.get(reverse("projects:structure_list", args=[province_a.code]))
    assert page.content.decode().count('data-testid="structure-plan"') == min(n, settings.PAGE_SIZE)


# The PDF --------------------------------------------------------------------------------------


@pytest.fixture
def plan_for_pdf(users, province_a):
    cooperative = CooperativeFactory(
        province=province_a, name="Coopérative Tifâouine", name_ar="تعاونية تيفاوين"
    )
    plan = _followed_plan(cooperative)
    PlanActivityFactory(plan=plan, activity="Étiquetage conforme du miel", deadline=days(20))
    PlanActivityFactory(plan=plan, activity="تكوين في المحاسبة المبسطة", deadline=days(-3))
    SessionFactory(kind=SessionKind.WORKSHOP, on=days(-50), structures=[cooperative])
    return plan_pdf.plan_for_pdf(plan.pk)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_action_plan_pdf_is_a_job_whose_text_holds_what_was_typed(
    language, plan_for_pdf, users, tmp_path
):
    agent = client_for(users["agent_a"])
    response = agent.post(plan_url("pdf", plan_for_pdf), {"lang": language})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.language) == (plan_pdf.PDF_JOB, language)
    page = agent.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="job-progress"' in page
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert job.filename == f"plan-action-cooperative-tifaouine-{language}.pdf"
    content = b"".join(agent.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    assert content.startswith(b"%PDF")
    raw = pdf_text(content, tmp_path)
    found = squeezed(raw)
    typed = ["Étiquetage conforme du miel", "تكوين في المحاسبة المبسطة"]
    for value in [*typed, plan_for_pdf.technical_needs, "Hygiène et qualité (ONSSA)"]:
        assert squeezed(value) in found, value
    with translation.override(language):
        title = plan_pdf.pdf_title(plan_for_pdf)
        calendar = translation.gettext("Follow-up calendar")
    assert squeezed(calendar) in found
    if language == "fr":  # in Arabic, the title's words come out in the reading order
        assert squeezed(title) in found
    pages = [p for p in raw.split("\f") if p.strip()]
    n = len(pages)
    assert n >= 3 and f"{n} / {n}" in pages[-1] and f"1 / {n}" not in pages[0]
    if language == "ar":
        assert "تيفاوين" in squeezed(raw)
    # Someone else of the province gets nothing: they prepare their own.
    assert (
        client_for(users["coord_a"]).get(reverse("jobs:download", args=[job.pk])).status_code == 404
    )


# Structures, suggestions, demo ----------------------------------------------------------------


def test_the_plan_s_cooperative_is_suggested_among_the_cooperatives_only(users, province_a):
    cooperative = CooperativeFactory(province=province_a, name="Coopérative Tighanimine")
    StructureFactory(province=province_a, kind="association", name="Association Tighanimine")
    url = reverse("choices:suggest", kwargs={"code": province_a.code, "source": "cooperatives"})
    rows = client_for(users["agent_a"]).get(url, {"q": "tighanimine", "format": "json"}).json()
    assert [r["id"] for r in rows["results"]] == [cooperative.pk]


def test_a_structure_is_recorded_from_its_page_and_kept_while_it_has_a_plan(users, province_a):
    commune = province_a.communes.order_by("code").first()
    agent = client_for(users["agent_a"])
    response = agent.post(
        reverse("projects:structure_create", args=[province_a.code]),
        {
            "kind": "cooperative",
            "name": "Coopérative Azro",
            "commune": str(commune.pk),
            "women_young": "6",
            "women_adult": "3",
            "men_young": "0",
            "men_adult": "1",
            "submission_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    structure = province_a.structures.get(name="Coopérative Azro")
    assert response["Location"] == structure.get_absolute_url()
    CapacityPlanFactory(structure=structure)
    coordinator = client_for(users["coord_a"])
    page = coordinator.get(structure.get_absolute_url()).content.decode()
    assert 'data-testid="plan-link"' in page and 'data-testid="add-plan"' not in page
    refused = coordinator.post(
        reverse("projects:structure_delete", args=[province_a.code, structure.pk])
    )
    assert refused.status_code == 302 and province_a.structures.filter(pk=structure.pk).exists()


def test_the_demo_draws_up_plans_with_their_follow_ups(users, province_a):
    from projects import demo_plans
    from provinces.models import Role
    from tests.factories import UserFactory

    UserFactory(username="admin", role=Role.ADMIN)  # who writes the demo when no agent is named
    for _ in range(3):
        CooperativeFactory(province=province_a)
    StakeholderFactory(province=province_a)
    demo_plans.seed(provinces=[province_a.code])
    plans = CapacityPlan.objects.filter(structure__province=province_a)
    assert plans.count() == 3 and plans.filter(status="validated").count() == 1
    assert all(p.activities.exists() for p in plans)
    assert overdue_plan_follow_ups_per_province([province_a.pk]).get(province_a.pk, 0) >= 0
    demo_plans.seed(provinces=[province_a.code])  # again: nothing added
    assert plans.count() == 3


def test_the_home_alert_says_how_many_follow_ups_are_overdue_and_leads_to_the_plans(province_a):
    from django.template.loader import render_to_string

    with translation.override("en"):
        badge = render_to_string(
            "projects/alerts/overdue_plan_follow_ups.html", {"n": 3, "province": province_a}
        )
    assert "3 cooperative workshops or remote follow-ups overdue" in badge
    assert reverse("projects:plan_list", args=[province_a.code]) in badge
