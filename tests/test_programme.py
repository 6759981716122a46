"""The provincial programme: framework convention, execution contracts, the chronogram of
activities and its Gantt chart, field visits and meetings with their follow-up actions."""

import datetime
import html
import io
import itertools
import re
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from provinces import demo
from provinces.gantt import build_gantt
from provinces.models import (
    END_BEFORE_START,
    Activity,
    ActivityCategory,
    Commune,
    ExecutionContract,
    FieldVisit,
    FollowUpAction,
    FrameworkConvention,
    Objective,
    Stakeholder,
)
from targa.core import workflow
from targa.core.records import record_update
from tests.conftest import client_for, shared_data
from tests.factories import (
    ActivityFactory,
    ExecutionContractFactory,
    FieldVisitFactory,
    FollowUpActionFactory,
    FrameworkConventionFactory,
    StakeholderFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def text(response) -> str:
    """The page as a reader sees it (apostrophes of French messages unescaped)."""
    return html.unescape(response.content.decode())


def fr(message) -> str:
    """A message as a French page shows it (the English source until it is translated)."""
    with translation.override("fr"):
        return gettext(message) if isinstance(message, str) else str(message)


@pytest.fixture(autouse=True)
def categories(db):
    """The categories of the data migration (a browser test may have flushed them)."""
    demo.ensure_activity_categories()


def category(code="training") -> ActivityCategory:
    return ActivityCategory.objects.get(code=code)


def activity_data(**changes) -> dict:
    data = {
        "title": "Diagnostic des chaînes de valeur",
        "category": category("value_chain_diagnostic").pk,
        "objective": Objective.VALUE_CHAINS,
        "planned_start": "2021-07-01",
        "planned_end": "2021-10-31",
        "status": Activity.Status.PLANNED,
        "submission_id": str(uuid.uuid4()),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# Lateness: one rule, written down once.


def is_late(activity: Activity, today=TODAY) -> bool:
    return Activity.objects.with_lateness(today).get(pk=activity.pk).is_late


def test_activity_is_late_when_planned_end_passed_and_not_done(province_a):
    running = ActivityFactory(
        province=province_a,
        planned_start=TODAY - 30 * DAY,
        planned_end=TODAY - DAY,
        actual_start=TODAY - 25 * DAY,
        status=Activity.Status.IN_PROGRESS,
    )
    assert is_late(running)
    assert list(Activity.objects.late()) == [running]
    assert not is_late(running, today=TODAY - DAY)  # the planned end day itself is not late


def test_planned_activity_is_late_when_its_start_passed_without_actual_start(province_a):
    waiting = ActivityFactory(
        province=province_a, planned_start=TODAY - 2 * DAY, planned_end=TODAY + 10 * DAY
    )
    assert is_late(waiting)
    started = ActivityFactory(
        province=province_a,
        title="Focus group",
        planned_start=TODAY - 2 * DAY,
        planned_end=TODAY + 10 * DAY,
        actual_start=TODAY - DAY,
        status=Activity.Status.IN_PROGRESS,
    )
    assert not is_late(started)


def test_done_or_cancelled_activity_is_never_late(province_a):
    done = ActivityFactory(
        province=province_a,
        planned_start=D(2021, 3, 1),
        planned_end=D(2021, 3, 2),
        actual_start=D(2021, 5, 1),
        actual_end=D(2021, 5, 2),
        status=Activity.Status.DONE,
    )
    cancelled = ActivityFactory(
        province=province_a,
        title="Atelier",
        planned_start=D(2021, 3, 1),
        planned_end=D(2021, 3, 2),
        status=Activity.Status.CANCELLED,
    )
    assert not is_late(done) and not is_late(cancelled)
    assert not Activity.objects.late().exists()


def test_late_filter_annotation_and_counts_agree_on_every_case(province_a):
    """Every combination of status, planned dates around today and actual start: the filter,
    the annotation and the counts give the same answer, and it is the documented rule."""
    offsets = [-10, -1, 0, 5]
    expected = set()
    for status, start, length, started in itertools.product(
        Activity.Status.values, offsets, [0, 3, 20], [False, True]
    ):
        planned_start = TODAY + start * DAY
        planned_end = planned_start + length * DAY
        done = status == Activity.Status.DONE
        a = ActivityFactory(
            province=province_a,
            category=category(),
            objective=1,
            title=f"{status} {start} {length} {started}",
            planned_start=planned_start,
            planned_end=planned_end,
            actual_start=min(planned_start, TODAY) if (started or done) else None,
            actual_end=TODAY if done else None,
            status=status,
        )
        open_ = status in ("planned", "in_progress")
        rule = (open_ and planned_end < TODAY) or (
            status == "planned" and planned_start < TODAY and a.actual_start is None
        )
        if rule:
            expected.add(a.pk)
    qs = Activity.objects.filter(province=province_a)
    assert set(qs.late().values_list("pk", flat=True)) == expected
    assert {a.pk for a in qs.with_lateness() if a.is_late} == expected
    from provinces.selectors import activity_counts

    assert activity_counts(qs)["late"] == len(expected)


# Contracts.


def test_contract_end_date_is_start_plus_duration(province_a):
    contract = ExecutionContract(start_on=D(2021, 3, 1), duration_months=12)
    assert contract.end_on == D(2022, 2, 28)
    assert ExecutionContract(start_on=D(2021, 4, 1), duration_months=24).end_on == D(2023, 3, 31)
    assert ExecutionContract(start_on=D(2023, 3, 1), duration_months=12).end_on == D(2024, 2, 29)
    assert ExecutionContract(start_on=D(2021, 4, 15), duration_months=1).end_on == D(2021, 5, 14)
    assert ExecutionContract(start_on=None, duration_months=12).end_on is None


def contract_url(province, name="contract_create", **kw):
    return reverse(f"provinces:{name}", kwargs={"code": province.code, **kw})


def contract_data(convention, **changes) -> dict:
    data = {
        "convention": convention.pk,
        "reference": "CSE-05.301-2021",
        "signed_on": "2021-03-15",
        "start_on": "2021-04-01",
        "duration_months": "24",
        "budget": "1 250 000,50",
        "status": ExecutionContract.Status.SIGNED,
        "submission_id": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_contract_is_recorded_with_a_budget_typed_the_french_way(users, province_a):
    convention = FrameworkConventionFactory(provinces=[province_a])
    response = client_for(users["agent_a"]).post(
        contract_url(province_a), contract_data(convention)
    )
    contract = ExecutionContract.objects.get()
    assert response.status_code == 302
    assert contract.budget == Decimal("1250000.50")
    assert contract.province == province_a
    page = client_for(users["viewer"]).get(contract.get_absolute_url()).content.decode()
    assert "1\xa0250\xa0000,50" in page  # grouped as French readers expect
    assert "31 mars 2023" in page  # the computed end date


def test_contract_offers_only_conventions_that_cover_the_province(users, province_a, province_b):
    other = FrameworkConventionFactory(provinces=[province_b])
    FrameworkConventionFactory(provinces=[province_a])
    response = client_for(users["agent_a"]).post(contract_url(province_a), contract_data(other))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ExecutionContract.objects.exists()


def test_contract_needs_a_signature_date_once_signed(users, province_a):
    convention = FrameworkConventionFactory(provinces=[province_a])
    response = client_for(users["agent_a"]).post(
        contract_url(province_a), contract_data(convention, signed_on="")
    )
    contract = ExecutionContract.objects.get()
    assert response.status_code == 302 and contract.status == ExecutionContract.Status.DRAFT
    refused = transition(users["agent_a"], contract, "sign")
    assert refused.status_code == 400
    assert fr("Give the signature date: the contract is no longer a draft.") in text(refused)
    contract.refresh_from_db()
    assert contract.status == ExecutionContract.Status.DRAFT


def transition(user, record, name, comment="", version=None, **headers):
    """POST a status action as the record's page does."""
    url = reverse(
        f"provinces:{record._meta.model_name.replace('execution', '')}_transition",
        args=[record.province.code, record.pk],
    )
    data = {"name": name, "version": version or record.version, "comment": comment}
    return client_for(user).post(url, data, **headers)


def signed_contract(province, by, **fields) -> ExecutionContract:
    """A contract of the province, signed and in progress."""
    return ExecutionContractFactory(
        province=province, by=by, in_progress=True, reference="CSE-1", duration_months=24, **fields
    )


def test_field_agent_cannot_close_a_contract_but_the_coordinator_can(users, province_a):
    contract = signed_contract(province_a, users["coord_a"])
    page = client_for(users["agent_a"]).get(contract.get_absolute_url())
    assert [a.name for a in page.context["workflow"]["actions"]] == []
    assert transition(users["agent_a"], contract, "close").status_code == 403
    contract.refresh_from_db()
    assert contract.status == ExecutionContract.Status.IN_PROGRESS
    page = client_for(users["coord_a"]).get(contract.get_absolute_url())
    offered = [a.name for a in page.context["workflow"]["actions"]]
    assert offered == ["close", "terminate"]
    assert transition(users["coord_a"], contract, "close", "Livrables remis").status_code == 302
    contract.refresh_from_db()
    assert contract.status == ExecutionContract.Status.CLOSED and contract.version == 2
    page = client_for(users["viewer"]).get(contract.get_absolute_url())
    (entry,) = page.context["workflow"]["log"]
    assert (entry.by, entry.source_state, entry.state) == (
        users["coord_a"],
        "in_progress",
        "closed",
    )
    assert entry.description == "Livrables remis"
    assert "Livrables remis" in text(page) and 'data-testid="workflow-log"' in text(page)
    record = contract.history.first()
    assert (record.history_user, record.history_change_reason) == (
        users["coord_a"],
        "close: Livrables remis",
    )


def test_field_agent_cannot_reopen_a_contract_the_coordinator_terminated(users, province_a):
    contract = signed_contract(province_a, users["coord_a"])
    transition(users["coord_a"], contract, "terminate", "Partenaire défaillant")
    contract.refresh_from_db()
    assert contract.status == ExecutionContract.Status.TERMINATED
    # A hand-made POST that the page does not offer is refused.
    assert transition(users["agent_a"], contract, "reopen", "Reprise").status_code == 403
    # The edit form has no status; a posted one is ignored, and the service refuses a status
    # changed outside a transition, whoever calls it (an import, the admin, a job).
    url = contract_url(province_a, "contract_edit", pk=contract.pk)
    data = contract_data(
        contract.convention, reference="CSE-1", status="in_progress", version=contract.version
    )
    del data["submission_id"]
    client_for(users["agent_a"]).post(url, data)
    contract.refresh_from_db()
    assert contract.status == ExecutionContract.Status.TERMINATED
    contract.status = ExecutionContract.Status.IN_PROGRESS
    with pytest.raises(ValidationError) as refused:
        record_update(instance=contract, expected_version=contract.version, by=users["coord_a"])
    assert "status" in refused.value.message_dict
    # Reopening needs the coordinator and a reason.
    contract.refresh_from_db()
    no_reason = transition(users["coord_a"], contract, "reopen")
    assert no_reason.status_code == 400
    assert fr("Say why: a comment is required for this action.") in text(no_reason)
    assert transition(users["coord_a"], contract, "reopen", "Avenant signé").status_code == 302
    contract.refresh_from_db()
    assert contract.status == ExecutionContract.Status.IN_PROGRESS


def test_a_stale_status_action_answers_409_and_keeps_the_comment(users, province_a):
    contract = signed_contract(province_a, users["coord_a"])
    opened = contract.version
    contract.notes = "Changé entre-temps"
    record_update(instance=contract, expected_version=opened, by=users["agent_a"])
    stale = transition(users["coord_a"], contract, "terminate", "Ma raison", version=opened)
    assert stale.status_code == 409
    page = text(stale)
    assert "Ma raison" in page and users["agent_a"].first_name in page
    contract.refresh_from_db()
    assert contract.status == ExecutionContract.Status.IN_PROGRESS
    fragment = transition(
        users["coord_a"], contract, "terminate", "Ma raison", version=opened, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 409
    assert text(fragment).lstrip().startswith('<section class="card mb-3" id="workflow-panel"')


def test_the_same_action_sent_twice_is_done_once(users, province_a):
    contract = signed_contract(province_a, users["coord_a"])
    opened = contract.version
    first = transition(users["coord_a"], contract, "close", "Fin", version=opened)
    again = transition(users["coord_a"], contract, "close", "Fin", version=opened)
    assert first.status_code == again.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ExecutionContract.Status.CLOSED and contract.version == opened + 1
    assert len(workflow.log_for(contract)) == 1
    # Someone else's stale page still gets the 409 with who and when.
    assert transition(users["admin"], contract, "reopen", "x", version=opened).status_code == 409


def test_status_action_through_htmx_answers_the_panel(users, province_a):
    contract = signed_contract(province_a, users["coord_a"])
    client = client_for(users["coord_a"])
    url = reverse("provinces:contract_transition", args=[province_a.code, contract.pk])
    data = {"name": "close", "version": contract.version}
    fragment = client.post(url, data, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert 'data-testid="workflow-status"' in text(fragment) and "<html" not in text(fragment)
    contract.refresh_from_db()
    assert contract.status == ExecutionContract.Status.CLOSED
    # The panel said it; no message is left over for the next page.
    later = client.get(contract.get_absolute_url())
    assert not list(later.context["messages"])


def test_an_action_the_state_no_longer_allows_is_refused(users, province_a):
    contract = signed_contract(province_a, users["coord_a"], status=ExecutionContract.Status.CLOSED)
    refused = transition(users["coord_a"], contract, "close")
    assert refused.status_code == 400
    unknown = transition(users["coord_a"], contract, "explode")
    assert unknown.status_code == 400
    contract.refresh_from_db()
    assert contract.version == 1


def test_admin_cannot_strip_a_province_with_contracts_from_its_convention(
    users, province_a, province_b
):
    convention = FrameworkConventionFactory(provinces=[province_a, province_b])
    ExecutionContractFactory(
        province=province_a, convention=convention, reference="CSE-KHN", by=users["admin"]
    )
    url = reverse("admin:provinces_frameworkconvention_change", args=[convention.pk])
    data = {
        "title": convention.title,
        "parties": convention.parties,
        "signed_on": "2021-02-05",
        "provinces": [province_b.pk],
        "scope": "",
        "notes": "",
        "opened_version": convention.version,
    }
    refused = client_for(users["admin"]).post(url, data)
    assert refused.status_code == 200
    message = fr("These provinces have execution contracts under this convention: %(names)s.")
    assert message % {"names": province_a.name_fr} in text(refused)
    assert set(convention.provinces.all()) == {province_a, province_b}


# Framework conventions.


def test_admin_records_the_framework_convention(users, province_a, province_b):
    client = client_for(users["admin"])
    response = client.post(
        reverse("provinces:convention_create"),
        {
            "title": "Convention-cadre TARGA-AIDE",
            "parties": "Association TARGA-AIDE\nCoordination nationale de l'INDH",
            "signed_on": "2021-02-05",
            "provinces": [province_a.pk, province_b.pk],
            "submission_id": str(uuid.uuid4()),
        },
    )
    convention = FrameworkConvention.objects.get()
    assert response["Location"] == convention.get_absolute_url()
    assert set(convention.provinces.all()) == {province_a, province_b}
    assert convention.party_list == ["Association TARGA-AIDE", "Coordination nationale de l'INDH"]


def test_convention_is_read_by_users_of_its_provinces_only(users, province_a, province_b):
    convention = FrameworkConventionFactory(provinces=[province_a])
    url = convention.get_absolute_url()
    assert client_for(users["agent_a"]).get(url).status_code == 200
    assert client_for(users["agent_b"]).get(url).status_code == 404
    listing = client_for(users["agent_b"]).get(reverse("provinces:convention_list"))
    assert convention.title not in listing.content.decode()
    convention.provinces.add(province_b)
    assert client_for(users["agent_b"]).get(url).status_code == 200
    edit = reverse("provinces:convention_edit", args=[convention.pk])
    assert client_for(users["coord_a"]).get(edit).status_code == 403


def test_province_with_contracts_stays_covered_by_its_convention(users, province_a, province_b):
    convention = FrameworkConventionFactory(provinces=[province_a, province_b])
    ExecutionContractFactory(province=province_a, convention=convention, reference="CSE-KHN")
    client = client_for(users["admin"])
    url = reverse("provinces:convention_edit", args=[convention.pk])
    data = {
        "title": convention.title,
        "parties": convention.parties,
        "signed_on": "2021-02-05",
        "provinces": [province_b.pk],
        "version": 1,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    message = fr("These provinces have execution contracts under this convention: %(names)s.")
    assert message % {"names": province_a.name_fr} in text(refused)
    assert set(convention.provinces.all()) == {province_a, province_b}
    assert client.post(url, data | {"provinces": [province_a.pk]}).status_code == 302
    assert list(convention.provinces.all()) == [province_a]


def test_convention_shows_the_contracts_of_the_readers_provinces(users, province_a, province_b):
    convention = FrameworkConventionFactory(provinces=[province_a, province_b])
    for province, ref in ((province_a, "CSE-KHN"), (province_b, "CSE-FIG")):
        ExecutionContractFactory(province=province, convention=convention, reference=ref)
    page = client_for(users["agent_a"]).get(convention.get_absolute_url()).content.decode()
    assert "CSE-KHN" in page and "CSE-FIG" not in page


# Activities: forms, rules, roles.


def activity_create_url(province):
    return reverse("provinces:activity_create", args=[province.code])


def test_field_agent_plans_an_activity_with_a_responsible_of_the_province(users, province_a):
    response = client_for(users["agent_a"]).post(
        activity_create_url(province_a), activity_data(responsible=users["coord_a"].pk)
    )
    activity = Activity.objects.get()
    assert response["Location"] == activity.get_absolute_url()
    assert activity.responsible == users["coord_a"]
    assert activity.history.first().history_user == users["agent_a"]


def test_responsible_must_hold_a_role_in_the_province(users, province_a):
    response = client_for(users["agent_a"]).post(
        activity_create_url(province_a), activity_data(responsible=users["agent_b"].pk)
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Activity.objects.exists()


def test_forms_reject_end_before_start_with_a_clear_french_message(users, province_a):
    client = client_for(users["agent_a"])
    response = client.post(
        activity_create_url(province_a),
        activity_data(planned_start="2021-10-31", planned_end="2021-07-01"),
    )
    page = text(response)
    assert response.status_code == 200
    assert 'lang="fr"' in page
    assert fr(END_BEFORE_START) in page
    assert 'id="id_planned_end"' in page and 'aria-invalid="true"' in page
    response = client.post(
        activity_create_url(province_a),
        activity_data(status="in_progress", actual_start="2021-08-10", actual_end="2021-08-01"),
    )
    assert fr(END_BEFORE_START) in text(response)
    assert not Activity.objects.exists()


def test_done_activity_needs_its_actual_dates(users, province_a):
    activity = ActivityFactory(province=province_a, by=users["agent_a"], actual_start=D(2021, 7, 5))
    refused = transition(users["agent_a"], activity, "finish")
    assert refused.status_code == 400
    assert fr("An activity marked done needs its actual start and end dates.") in text(refused)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED
    activity.actual_end = D(2021, 7, 9)
    record_update(instance=activity, expected_version=activity.version, by=users["agent_a"])
    assert transition(users["agent_a"], activity, "finish").status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DONE


def test_field_agent_cannot_cancel_an_activity_but_the_coordinator_can(users, province_a):
    activity = ActivityFactory(province=province_a, by=users["agent_a"])
    assert transition(users["agent_a"], activity, "cancel", "Reportée").status_code == 403
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED
    assert transition(users["coord_a"], activity, "cancel", "Reportée").status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED
    assert transition(users["agent_a"], activity, "restore", "Reprise").status_code == 403


def test_starting_an_activity_sets_its_actual_start_to_today(users, province_a):
    activity = ActivityFactory(province=province_a, by=users["agent_a"])
    assert transition(users["agent_a"], activity, "start").status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.IN_PROGRESS
    assert activity.actual_start == timezone.localdate()


def test_field_agent_cannot_open_records_of_other_province(users, province_a):
    activity = ActivityFactory(province=province_a)
    visit = FieldVisitFactory(province=province_a)
    convention = FrameworkConventionFactory(provinces=[province_a])
    contract = ExecutionContractFactory(province=province_a, convention=convention, reference="CSE")
    client = client_for(users["agent_b"])
    for record in (activity, visit, contract):
        assert client.get(record.get_absolute_url()).status_code == 404
    # Not through their own province's URL either.
    figuig = users["agent_b"].memberships.get().province
    url = reverse("provinces:visit_detail", args=[figuig.code, visit.pk])
    assert client.get(url).status_code == 404


def test_activity_list_filters_by_objective_status_category_year_and_lateness(
    users, province_a, province_b
):
    ActivityFactory(province=province_a, title="Formation 2022")
    ActivityFactory(
        province=province_a,
        title="Diagnostic 2021",
        category=category("value_chain_diagnostic"),
        objective=Objective.VALUE_CHAINS,
        planned_start=D(2021, 7, 1),
        planned_end=D(2021, 10, 31),
        actual_start=D(2021, 7, 5),
        actual_end=D(2021, 11, 20),
        status=Activity.Status.DONE,
    )
    ActivityFactory(province=province_b, title="Formation à Figuig")
    client = client_for(users["coord_a"])
    url = reverse("provinces:activity_list", args=[province_a.code])

    def titles(**params):
        return [a.title for a in client.get(url, params).context["page_obj"]]

    assert titles() == ["Formation 2022", "Diagnostic 2021"]  # the late one first
    assert titles(objective=2) == ["Diagnostic 2021"]
    assert titles(status="done") == ["Diagnostic 2021"]
    assert titles(category=category().pk) == ["Formation 2022"]
    assert titles(year=2022) == ["Formation 2022"]
    assert titles(late="yes") == ["Formation 2022"]
    assert titles(late="no") == ["Diagnostic 2021"]
    assert titles(q="diagnostic") == ["Diagnostic 2021"]


def test_activity_export_contains_the_rows_with_lateness(users, province_a):
    ActivityFactory(province=province_a, title="Formation en retard")
    ActivityFactory(
        province=province_a,
        title="Formation à venir",
        planned_start=TODAY + 10 * DAY,
        planned_end=TODAY + 20 * DAY,
    )
    url = reverse("provinces:activity_list", args=[province_a.code])
    response = client_for(users["viewer"]).get(url, {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    header = rows[0]
    assert header[:3] == (fr("Specific objective"), fr("Category"), fr("Title"))
    by_title = {r[2]: r for r in rows[1:]}
    late = header.index(fr("Late"))
    assert by_title["Formation en retard"][late] == fr("yes")
    assert by_title["Formation à venir"][late] == fr("no")
    csv = client_for(users["viewer"]).get(url, {"export": "csv", "late": "yes"})
    text = csv.content.decode("utf-8-sig")
    assert "Formation en retard" in text and "Formation à venir" not in text


# The Gantt chart.


def test_gantt_marks_late_activities_and_today(users, province_a):
    late = ActivityFactory(
        province=province_a,
        title="Formation en retard",
        planned_start=TODAY - 40 * DAY,
        planned_end=TODAY - 10 * DAY,
        actual_start=TODAY - 35 * DAY,
        status=Activity.Status.IN_PROGRESS,
    )
    ActivityFactory(
        province=province_a,
        title="Réunion à venir",
        planned_start=TODAY + 5 * DAY,
        planned_end=TODAY + 5 * DAY,
    )
    response = client_for(users["viewer"]).get(
        reverse("provinces:activity_gantt", args=[province_a.code])
    )
    chart = response.context["chart"]
    rows = {row.activity.title: row for row in chart.rows}
    assert rows["Formation en retard"].late and not rows["Réunion à venir"].late
    assert rows["Formation en retard"].actual.ongoing  # drawn up to today
    assert chart.today_offset is not None and chart.late_count == 1
    page = response.content.decode()
    assert page.count('data-testid="gantt-row"') == 2
    assert page.count('class="gantt-row status-in_progress is-late"') == 1
    assert 'data-testid="gantt-today"' in page
    assert f'href="{late.get_absolute_url()}"' in page
    assert "<canvas" not in page  # drawn by the server, printable as is


def test_gantt_places_bars_on_a_month_grid(province_a):
    """Months are equal columns; a date sits in its month in proportion to its day."""
    march = ActivityFactory(
        province=province_a, planned_start=D(2021, 3, 1), planned_end=D(2021, 3, 31)
    )
    april_may = ActivityFactory(
        province=province_a,
        title="Diagnostic",
        planned_start=D(2021, 4, 16),
        planned_end=D(2021, 5, 31),
        actual_start=D(2021, 4, 1),
        actual_end=D(2021, 6, 30),
        status=Activity.Status.DONE,
    )
    chart = build_gantt(
        Activity.objects.with_lateness(D(2021, 6, 30)).order_by("planned_start"),
        today=D(2021, 6, 30),
    )
    assert [m.first_day for m in chart.months] == [D(2021, m, 1) for m in (3, 4, 5, 6)]
    assert [(y.year, y.width) for y in chart.years] == [(2021, 100.0)]
    rows = {row.activity.pk: row for row in chart.rows}
    assert (rows[march.pk].planned.offset, rows[march.pk].planned.width) == (0.0, 25.0)
    assert rows[april_may.pk].planned.offset == 25 + 25 * 15 / 30
    assert rows[april_may.pk].actual.offset == 25.0 and rows[april_may.pk].actual.width == 75.0
    assert chart.today_offset == pytest.approx(100 - 25 / 30 / 2, abs=1e-3)


def test_gantt_for_one_year_runs_january_to_december_and_cuts_bars(province_a):
    ActivityFactory(province=province_a, planned_start=D(2021, 11, 1), planned_end=D(2022, 1, 31))
    chart = build_gantt(
        Activity.objects.with_lateness(D(2023, 1, 1)), today=D(2023, 1, 1), year=2022
    )
    assert len(chart.months) == 12 and chart.months[0].first_day == D(2022, 1, 1)
    bar = chart.rows[0].planned
    assert (bar.offset, round(bar.width, 3)) == (0.0, round(100 / 12, 3))
    assert chart.today_offset is None  # today is outside 2022


def test_gantt_draws_the_same_bars_in_arabic_mirrored_by_its_stylesheet(users, province_a):
    """Bars are placed from where time starts in either language; in Arabic the page reads
    right to left and gantt.css mirrors the timelines (tests/browser/test_csp.py measures it)."""
    ActivityFactory(province=province_a)
    url = reverse("provinces:activity_gantt", args=[province_a.code])
    rtl = client_for(users["viewer"], "ar").get(url).content.decode()
    ltr = client_for(users["viewer"], "fr").get(url).content.decode()
    assert 'dir="rtl"' in rtl
    # Numbers in attributes are never localised (a French "0,49%" would be ignored by browsers).
    bar = re.compile(
        r'class="gantt-bar gantt-planned" x="(\d+(?:\.\d+)?)%" y="[\d.]+" width="(\d+(?:\.\d+)?)%"'
    )
    assert len(bar.findall(ltr)) == 1 and bar.findall(rtl) == bar.findall(ltr)


def test_gantt_uses_the_list_filters(users, province_a):
    ActivityFactory(province=province_a, title="Formation 2022")
    ActivityFactory(
        province=province_a,
        title="Diagnostic",
        objective=Objective.VALUE_CHAINS,
        planned_start=D(2021, 7, 1),
        planned_end=D(2021, 7, 2),
    )
    url = reverse("provinces:activity_gantt", args=[province_a.code])
    chart = client_for(users["viewer"]).get(url, {"objective": 2}).context["chart"]
    assert [row.activity.title for row in chart.rows] == ["Diagnostic"]
    assert [g.objective for g in chart.groups] == [2]


# Field visits and follow-up actions.


def visit_data(province, **changes) -> dict:
    communes = list(Commune.objects.filter(province=province).order_by("code")[:2])
    data = {
        "kind": FieldVisit.Kind.YOUTH_PLATFORM_MEETING,
        "date": "2022-02-08",
        "purpose": "Orientation des jeunes vers les appels à projets",
        "communes": [c.pk for c in communes],
        "submission_id": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_field_agent_records_a_meeting_with_a_youth_platform(users, province_a):
    platform = StakeholderFactory(
        province=province_a, name="Plateforme des jeunes de Khénifra", kind="youth_platform"
    )
    response = client_for(users["agent_a"]).post(
        reverse("provinces:visit_create", args=[province_a.code]),
        visit_data(province_a, stakeholders=[platform.pk]),
    )
    visit = FieldVisit.objects.get()
    assert response["Location"] == visit.get_absolute_url()
    assert visit.communes.count() == 2 and list(visit.stakeholders.all()) == [platform]


def test_visit_refuses_communes_and_stakeholders_of_another_province(users, province_a, province_b):
    figuig = Commune.objects.filter(province=province_b).first()
    other = StakeholderFactory(province=province_b, name="ANAPEC", kind="agency")
    client = client_for(users["agent_a"])
    url = reverse("provinces:visit_create", args=[province_a.code])
    # Communes are a select; stakeholders are typed (a box each): each refusal says so.
    for data, message in (
        (visit_data(province_a, communes=[figuig.pk]), "Sélectionnez un choix valide"),
        (
            visit_data(province_a, stakeholders=[other.pk]),
            f"Rien ici ne correspond à « {other.pk} »",
        ),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in html.unescape(response.content.decode())
    assert not FieldVisit.objects.exists()


def test_history_of_a_visit_records_communes_changes(users, province_a):
    communes = list(Commune.objects.filter(province=province_a).order_by("code")[:3])
    client = client_for(users["agent_a"])
    client.post(
        reverse("provinces:visit_create", args=[province_a.code]),
        visit_data(province_a, communes=[communes[0].pk]),
    )
    visit = FieldVisit.objects.get()
    data = visit_data(province_a, communes=[communes[1].pk, communes[2].pk], version=1)
    del data["submission_id"]
    edit = client.post(reverse("provinces:visit_edit", args=[province_a.code, visit.pk]), data)
    assert edit.status_code == 302
    page = client_for(users["coord_a"]).get(
        reverse("provinces:visit_history", args=[province_a.code, visit.pk])
    )
    label = fr(FieldVisit._meta.get_field("communes").verbose_name).capitalize()
    changes = [c for e in page.context["entries"] for c in e.changes if c.label == label]
    assert any(c.old == communes[0].name_fr for c in changes)
    assert any(communes[1].name_fr in c.new and communes[2].name_fr in c.new for c in changes)
    assert {e.user for e in page.context["entries"]} == {users["agent_a"]}


def test_follow_up_action_is_overdue_until_marked_done(users, province_a):
    visit = FieldVisitFactory(province=province_a)
    action = FollowUpActionFactory(
        visit=visit,
        description="Envoyer la fiche de suivi",
        due_on=TODAY - DAY,
        by=users["agent_a"],
    )
    assert list(FollowUpAction.objects.overdue()) == [action]
    client = client_for(users["agent_a"])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert 'data-testid="overdue"' in page
    province_page = client.get(reverse("provinces:detail", args=[province_a.code])).content
    assert b'data-testid="overdue-actions">1' in province_page
    done = reverse("provinces:followup_done", args=[province_a.code, visit.pk, action.pk])
    response = client.post(done, {"version": 1})
    assert response["Location"] == action.get_absolute_url()
    action.refresh_from_db()
    assert action.status == FollowUpAction.Status.DONE and action.done_on == TODAY
    assert not FollowUpAction.objects.overdue().exists()
    assert action.history.first().history_user == users["agent_a"]


def test_marking_done_a_follow_up_changed_meanwhile_is_refused(users, province_a):
    visit = FieldVisitFactory(province=province_a)
    action = FollowUpActionFactory(visit=visit, description="Relancer la DPA", by=users["coord_a"])
    action.owner = "Animateur"
    record_update(instance=action, expected_version=1, by=users["coord_a"])
    done = reverse("provinces:followup_done", args=[province_a.code, visit.pk, action.pk])
    page = client_for(users["agent_a"]).post(done, {"version": 1}, follow=True)
    assert str(users["coord_a"]) in page.content.decode()
    action.refresh_from_db()
    assert action.status == FollowUpAction.Status.OPEN


def test_marking_done_without_the_opened_version_changes_nothing(users, province_a):
    visit = FieldVisitFactory(province=province_a)
    action = FollowUpActionFactory(visit=visit, description="Relancer la DPA", by=users["coord_a"])
    done = reverse("provinces:followup_done", args=[province_a.code, visit.pk, action.pk])
    page = client_for(users["agent_a"]).post(done, {}, follow=True)
    assert fr("The form was damaged; reload the page.") in text(page)
    action.refresh_from_db()
    assert action.status == FollowUpAction.Status.OPEN


def test_follow_up_done_needs_its_date(users, province_a):
    visit = FieldVisitFactory(province=province_a)
    response = client_for(users["agent_a"]).post(
        reverse("provinces:followup_create", args=[province_a.code, visit.pk]),
        {"description": "Partager le calendrier", "status": "done"},
    )
    assert fr("Give the date the action was done.") in text(response)
    assert not FollowUpAction.objects.exists()


def test_visit_list_filters_visits_with_overdue_actions_and_exports_them(users, province_a):
    late = FieldVisitFactory(province=province_a, purpose="Réunion avec les prestataires")
    FollowUpActionFactory(visit=late, description="Envoyer la liste", due_on=TODAY - DAY)
    quiet = FieldVisitFactory(province=province_a, purpose="Visite de suivi")
    FollowUpActionFactory(visit=quiet, description="Appeler", due_on=TODAY + DAY)
    client = client_for(users["viewer"])
    url = reverse("provinces:visit_list", args=[province_a.code])
    listed = client.get(url, {"overdue": "yes"}).context["page_obj"]
    assert [v.pk for v in listed] == [late.pk]
    assert listed[0].n_overdue == 1 and listed[0].n_actions == 1
    rows = list(
        load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active.values
    )
    assert rows[0][0] == fr("Date")
    purposes = {r[5]: r for r in rows[1:]}
    assert set(purposes) == {"Réunion avec les prestataires", "Visite de suivi"}
    assert "Envoyer la liste" in purposes["Réunion avec les prestataires"][-1]


def test_province_page_counts_late_activities_and_overdue_actions(users, province_a):
    ActivityFactory(province=province_a)  # planned in January 2022, never started: late
    ActivityFactory(
        province=province_a, title="À venir", planned_start=TODAY + DAY, planned_end=TODAY + 2 * DAY
    )
    page = client_for(users["viewer"]).get(reverse("provinces:detail", args=[province_a.code]))
    assert 'data-testid="late-activities">1<' in text(page)
    assert 'data-testid="overdue-actions">0' in text(page)


# Reference data and demo.


def test_activity_categories_of_the_progress_report_are_loaded():
    codes = list(ActivityCategory.objects.values_list("code", flat=True))
    assert codes[:3] == ["launch_meeting", "chronogram", "recommendation_follow_up"]
    assert {"field_diagnostic", "cpde_meeting", "needs_questionnaire", "focus_group"} <= set(codes)
    assert all(c.name_ar for c in ActivityCategory.objects.all())
    with translation.override("ar"):
        assert category("training").name == "تكوين"


def test_programme_demo_is_realistic_and_idempotent(province_a):
    from provinces.demo import PROGRAMME_PROVINCES, seed_programme_provinces
    from provinces.models import Province

    seed_programme_provinces()
    demo.seed()
    models = (
        FrameworkConvention,
        ExecutionContract,
        Activity,
        FieldVisit,
        FollowUpAction,
        Stakeholder,
    )
    counts = [m.objects.count() for m in models]
    demo.seed()
    assert [m.objects.count() for m in models] == counts
    assert ExecutionContract.objects.count() == len(PROGRAMME_PROVINCES)
    for code in PROGRAMME_PROVINCES:
        province = Province.objects.get(code=code)
        activities = Activity.objects.filter(province=province)
        years = {a.planned_start.year for a in activities}
        assert {2021, 2022, TODAY.year} <= years
        assert activities.late().exists()
        assert FollowUpAction.objects.filter(visit__province=province).overdue().exists()
        communes = Commune.objects.filter(field_visits__province=province)
        assert communes.exists() and not communes.exclude(province=province).exists()
    assert Stakeholder.objects.filter(name="Coopérative Tighanimine", province=province_a).exists()


# Query counts, at sizes that would expose N+1 queries.


@pytest.fixture(scope="class")
def busy(world, django_db_blocker):
    """40 activities, 30 visits with communes, stakeholders and actions, 30 contracts in
    province A, made once for the class that uses them."""
    with shared_data(django_db_blocker):
        demo.ensure_activity_categories()
        province_a, by = world["province_a"], world["users"]["coord_a"]
        convention = FrameworkConventionFactory(provinces=[province_a])
        communes = list(Commune.objects.filter(province=province_a)[:3])
        stakeholders = [
            StakeholderFactory(province=province_a, name=f"Coopérative {i}", kind="cooperative")
            for i in range(3)
        ]
        categories = list(ActivityCategory.objects.all())
        for i in range(40):
            ActivityFactory(
                province=province_a,
                category=categories[i % len(categories)],
                objective=i % 4 + 1,
                title=f"Activité {i}",
                planned_start=D(2021, 1, 1) + i * 20 * DAY,
                planned_end=D(2021, 1, 1) + (i * 20 + 30) * DAY,
                actual_start=D(2021, 1, 1) + i * 20 * DAY if i % 2 else None,
                responsible=by if i % 3 else None,
                status="in_progress" if i % 2 else "planned",
                by=by,
            )
        for i in range(30):
            visit = FieldVisitFactory(
                province=province_a,
                date=D(2022, 1, 1) + i * DAY,
                purpose=f"V{i}",
                communes=communes,
                stakeholders=stakeholders,
                by=by,
            )
            for j in range(3):
                FollowUpActionFactory(visit=visit, description=f"A{j}", due_on=TODAY - DAY, by=by)
        for i in range(30):
            ExecutionContractFactory(
                province=province_a,
                convention=convention,
                reference=f"CSE-{i}",
                budget=Decimal("1000000"),
                by=by,
            )
        yield


@pytest.fixture
def busy_province(busy, province_a):
    return province_a


class TestAtSize:
    """Every test here sees the busy province (made once for the class)."""

    @pytest.mark.parametrize(
        ("name", "limit", "rows"),
        [
            ("activity_list", 11, 25),
            ("activity_gantt", 9, 40),
            ("visit_list", 12, 25),
            ("contract_list", 10, 25),
        ],
    )
    def test_list_query_counts_are_pinned(
        self, name, limit, rows, users, busy_province, django_assert_max_num_queries
    ):
        client = client_for(users["coord_a"])
        url = reverse(f"provinces:{name}", args=[busy_province.code])
        with django_assert_max_num_queries(limit):
            response = client.get(url)
        shown = (
            response.context["chart"].rows
            if "chart" in response.context
            else response.context["page_obj"]
        )
        assert len(shown) == rows

    @pytest.mark.parametrize(
        # One COUNT decides between answering the file now and a background job.
        ("name", "limit"),
        [("activity_list", 8), ("visit_list", 11), ("contract_list", 8)],
    )
    def test_export_query_counts_are_pinned(
        self, name, limit, users, busy_province, django_assert_max_num_queries
    ):
        client = client_for(users["coord_a"])
        url = reverse(f"provinces:{name}", args=[busy_province.code])
        with django_assert_max_num_queries(limit):
            response = client.get(url, {"export": "csv"})
        assert response.content.decode("utf-8-sig").count("\n") >= 31

    @pytest.mark.parametrize(
        # Activities and contracts show their status log: one query, and one for its content
        # type while Django's content-type cache is cold (the first page of a process).
        ("model", "limit"),
        [(FieldVisit, 14), (Activity, 12), (ExecutionContract, 12)],
    )
    def test_detail_query_counts_are_pinned(
        self, model, limit, users, busy_province, django_assert_max_num_queries
    ):
        visit = FieldVisit.objects.first()
        for i in range(20):
            FollowUpActionFactory(visit=visit, description=f"Action {i}")
        record = model.objects.first()
        client = client_for(users["coord_a"])
        with django_assert_max_num_queries(limit):
            response = client.get(record.get_absolute_url())
        assert 'data-testid="attachments"' in response.content.decode()

    def test_convention_pages_query_counts_are_pinned(
        self, users, busy_province, province_b, django_assert_max_num_queries
    ):
        for _ in range(30):
            FrameworkConventionFactory(provinces=[busy_province, province_b])
        client = client_for(users["admin"])
        with django_assert_max_num_queries(10):
            response = client.get(reverse("provinces:convention_list"))
        assert len(response.context["page_obj"]) == 25
        convention = ExecutionContract.objects.first().convention
        with django_assert_max_num_queries(9):
            response = client.get(convention.get_absolute_url())
        assert len(response.context["contracts"]) == 30
        page = response.content.decode()
        assert all(f">CSE-{i}</a>" in page for i in range(30))

    def test_province_page_query_count_stays_flat_with_programme_records(
        self, users, busy_province, django_assert_max_num_queries
    ):
        client = client_for(users["coord_a"])
        # As test_queries' province page: 15, 2 for the value-chain card, 2 for the holders'.
        with django_assert_max_num_queries(19):
            response = client.get(reverse("provinces:detail", args=[busy_province.code]))
        assert response.context is not None
        assert b'data-testid="overdue-actions">90' in response.content
