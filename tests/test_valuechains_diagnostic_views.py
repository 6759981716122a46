"""Value chains: the diagnostic screens — the list, the page with its chain map and its
sections each saved on its own (line errors, resends, two people, the merge screen), read
only once submitted, frozen once delivered, the review's transitions, a new version."""

import html
import re
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from provinces.models import Attachment
from targa.core.workflow import log_for
from tests.conftest import client_for
from tests.factories import (
    BottleneckFactory,
    DiagnosticFactory,
    FieldObservationFactory,
    FlagshipActionFactory,
    IndicatorFactory,
    OperatorFactory,
    StageFactory,
    days,
    diagnostic_moved_to,
)
from tests.test_stakeholders import page_text, png_bytes
from valuechains.forms_diagnostic import SectionForm
from valuechains.models import (
    VALIDATED_LOCKED,
    Bottleneck,
    Diagnostic,
    DiagnosticSection,
    Operator,
    Stage,
)
from valuechains.selectors import diagnostic_content

pytestmark = pytest.mark.django_db
Status = Diagnostic.Status


@pytest.fixture
def diagnostic(province_a, users):
    return DiagnosticFactory(province=province_a, by=users["coord_a"])


def page(diagnostic):
    return diagnostic.get_absolute_url()


def section_url(diagnostic, key):
    return reverse(
        "valuechains:diagnostic_section",
        args=[diagnostic.chain.province.code, diagnostic.pk, key],
    )


def transition_url(diagnostic):
    return reverse(
        "valuechains:diagnostic_transition", args=[diagnostic.chain.province.code, diagnostic.pk]
    )


def form_data(diagnostic, key) -> dict:
    """What the browser sends for the section as the page shows it (nothing changed)."""
    diagnostic = Diagnostic.objects.select_related("chain__province").get(pk=diagnostic.pk)
    section = DiagnosticSection.objects.get(diagnostic=diagnostic, key=key)
    form = SectionForm(section, diagnostic_content(diagnostic), province=diagnostic.chain.province)
    data = {}

    def put(f):
        for bound in f:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else value

    put(form.head)

    def sheet_data(sheet):
        put(sheet.formset.management_form)
        for line in sheet.formset.forms:
            put(line)
        for child in sheet.child_sheets:
            sheet_data(child)

    for sheet in form.sheets:
        sheet_data(sheet)
    return {k: str(v) if not isinstance(v, list) else v for k, v in data.items()}


def add_line(data, prefix, **values):
    """One more line in the sheet `prefix`, as typed."""
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    for name, value in values.items():
        data[f"{prefix}-{n}-{name}"] = str(value)
    return n


def add_operator(data, stage_index=0, **values):
    prefix = f"s-stages-stages-{stage_index}-operators"
    data.setdefault(f"{prefix}-TOTAL_FORMS", "0")
    data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    values = {"kind": "producers", "count": 40, "women": 12, "young": 8, **values}
    return add_line(data, prefix, **values)


# The list -------------------------------------------------------------------------------


def test_the_list_shows_the_provinces_diagnostics_only(diagnostic, province_a, province_b, users):
    other = DiagnosticFactory(province=province_b)
    response = client_for(users["agent_a"]).get(
        reverse("valuechains:diagnostic_list", args=[province_a.code])
    )
    assert response.status_code == 200
    assert diagnostic.chain.product in response.content.decode()
    assert other.chain.product not in response.content.decode()
    # another province's diagnostic, under this province's URL, is not found
    url = reverse("valuechains:diagnostic_detail", args=[province_a.code, other.pk])
    assert client_for(users["agent_a"]).get(url).status_code == 404


def test_the_list_filters_by_status_and_exports(diagnostic, province_a, users):
    submitted = DiagnosticFactory(province=province_a, state=Status.SUBMITTED)
    url = reverse("valuechains:diagnostic_list", args=[province_a.code])
    client = client_for(users["coord_a"])
    body = client.get(url, {"status": "submitted"}).content.decode()
    assert f'href="{page(submitted)}"' in body
    assert f'href="{page(diagnostic)}"' not in body
    export = client.get(url, {"export": "csv", "status": "submitted"})
    assert export.status_code == 200
    assert submitted.chain.product in export.content.decode()
    assert diagnostic.chain.product not in export.content.decode()


# The page -------------------------------------------------------------------------------


def test_the_page_shows_the_header_the_map_and_every_section(diagnostic, users):
    stage = diagnostic.stages.order_by("order").first()
    OperatorFactory(stage=stage, description="Oléiculteurs de Mrirt", by=users["agent_a"])
    BottleneckFactory(diagnostic=diagnostic, title="Pas de trituration moderne")
    response = client_for(users["agent_a"]).get(page(diagnostic))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "Oléiculteurs de Mrirt" in body
    for key in DiagnosticSection.Key.values:
        assert f'data-testid="section-form-{key}"' in body
    assert 'data-testid="workflow"' in body
    deliverable = reverse(
        "valuechains:diagnostic_deliverable", args=[diagnostic.chain.province.code, diagnostic.pk]
    )
    assert f'href="{deliverable}" data-testid="deliverable-link"' in body


def test_the_chain_map_runs_right_to_left_in_arabic(diagnostic, users):
    body = client_for(users["agent_a"], "ar").get(page(diagnostic)).content.decode()
    assert 'direction="rtl"' in body


# Saving a section ----------------------------------------------------------------------


def test_a_section_saves_its_lines_and_says_when(diagnostic, users):
    data = form_data(diagnostic, "stages")
    add_operator(data, description="Coopérative Tighza", count=25, women=10, young=5)
    response = client_for(users["agent_a"]).post(section_url(diagnostic, "stages"), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#section-stages")
    operator = Operator.objects.get(stage__diagnostic=diagnostic)
    assert (operator.description, operator.count, operator.women) == ("Coopérative Tighza", 25, 10)
    body = client_for(users["agent_a"]).get(page(diagnostic)).content.decode()
    section = DiagnosticSection.objects.get(diagnostic=diagnostic, key="stages")
    assert section.version == 2
    assert 'data-testid="saved-at"' in body
    from django.utils import timezone

    assert timezone.localtime(section.updated_at).strftime("%H:%M") in body


def test_htmx_answers_the_section_alone(diagnostic, users):
    data = form_data(diagnostic, "stages")
    add_operator(data, description="Coopérative Tighza")
    response = client_for(users["agent_a"]).post(
        section_url(diagnostic, "stages"), data, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith("<section") and 'id="section-stages"' in body
    assert 'data-testid="section-saved"' in body and "<html" not in body


def test_adding_a_line_keeps_what_was_typed_and_saves_nothing(diagnostic, users):
    data = form_data(diagnostic, "findings")
    stage = diagnostic.stages.order_by("order").first()
    add_line(
        data,
        "s-findings-bottlenecks",
        stage=stage.pk,
        title="Piste impraticable",
        level="high",
        source="field_visit",
    )
    data["add"] = "s-findings-bottlenecks"
    response = client_for(users["agent_a"]).post(section_url(diagnostic, "findings"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Piste impraticable" in body
    assert 'name="s-findings-bottlenecks-1-title"' in body  # the blank line added
    assert not Bottleneck.objects.filter(diagnostic=diagnostic).exists()


def test_line_errors_show_on_their_line_and_write_nothing(diagnostic, users):
    data = form_data(diagnostic, "stages")
    add_operator(data, description="Bons", count=10, women=2)
    add_operator(data, description="Trop de femmes", count=10, women=30)
    response = client_for(users["agent_a"]).post(section_url(diagnostic, "stages"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="section-errors"' in body
    # the message sits on the field of its line (women), the summary on top
    assert body.count("invalid-feedback d-block") == 1
    assert body.count("vc-line vc-line-error") == 1
    assert "Trop de femmes" in body  # the input is kept
    assert not Operator.objects.filter(stage__diagnostic=diagnostic).exists()
    assert DiagnosticSection.objects.get(diagnostic=diagnostic, key="stages").version == 1


def test_a_negative_count_is_refused_by_the_form(diagnostic, users):
    data = form_data(diagnostic, "stages")
    add_operator(data, description="Négatif", count=-3, women=0, young=0)
    response = client_for(users["agent_a"]).post(section_url(diagnostic, "stages"), data)
    assert response.status_code == 400
    assert not Operator.objects.filter(stage__diagnostic=diagnostic).exists()


def test_a_resend_never_duplicates(diagnostic, users):
    data = form_data(diagnostic, "stages")
    add_operator(data, description="Une fois")
    client = client_for(users["agent_a"])
    assert client.post(section_url(diagnostic, "stages"), data).status_code == 302
    again = client.post(section_url(diagnostic, "stages"), data, follow=True)
    assert again.status_code == 200
    assert "already been saved" in again.content.decode() or "déjà été enregistrée" in (
        again.content.decode()
    )
    assert Operator.objects.filter(stage__diagnostic=diagnostic).count() == 1


def test_two_people_on_two_sections_both_save(diagnostic, users):
    stages = form_data(diagnostic, "stages")
    findings = form_data(diagnostic, "findings")
    add_operator(stages, description="Par l'agent")
    stage = diagnostic.stages.order_by("order").first()
    add_line(
        findings,
        "s-findings-bottlenecks",
        stage=stage.pk,
        title="Par le coordinateur",
        level="medium",
        source="interview",
    )
    assert (
        client_for(users["agent_a"]).post(section_url(diagnostic, "stages"), stages).status_code
        == 302
    )
    assert (
        client_for(users["coord_a"]).post(section_url(diagnostic, "findings"), findings).status_code
        == 302
    )
    assert Operator.objects.filter(stage__diagnostic=diagnostic, description="Par l'agent").exists()
    assert Bottleneck.objects.filter(diagnostic=diagnostic, title="Par le coordinateur").exists()


def test_the_same_section_twice_answers_the_merge_screen(diagnostic, users):
    mine = form_data(diagnostic, "stages")
    theirs = form_data(diagnostic, "stages")
    add_operator(theirs, description="Saisi par le coordinateur")
    assert (
        client_for(users["coord_a"]).post(section_url(diagnostic, "stages"), theirs).status_code
        == 302
    )
    add_operator(mine, description="Saisi par l'agent")
    response = client_for(users["agent_a"]).post(section_url(diagnostic, "stages"), mine)
    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="conflict"' in body and 'data-testid="conflict-theirs"' in body
    assert "Saisi par l&#x27;agent" in body or "Saisi par l'agent" in body  # input kept
    assert "Saisi par le coordinateur" in body  # what the other saved, shown
    assert not Operator.objects.filter(description="Saisi par l'agent").exists()
    # saved again from the merge screen, the input goes through over the section as it is

    version = re.search(r'name="s-stages-version" value="(\d+)"', body).group(1)
    mine["s-stages-version"] = version
    mine["s-stages-submission_id"] = ""
    assert (
        client_for(users["agent_a"]).post(section_url(diagnostic, "stages"), mine).status_code
        == 302
    )
    assert Operator.objects.filter(description="Saisi par l'agent").exists()


# Who may do what, in which state --------------------------------------------------------


def test_a_viewer_reads_without_inputs_and_may_not_save(diagnostic, users):
    client = client_for(users["viewer"])
    body = client.get(page(diagnostic)).content.decode()
    assert "section-form-" not in body and 'data-testid="read-only"' in body
    data = form_data(diagnostic, "swot")
    assert client.post(section_url(diagnostic, "swot"), data).status_code == 403


def test_after_submit_the_author_reads_only_and_the_coordinator_still_edits(diagnostic, users):
    OperatorFactory(stage=diagnostic.stages.first(), by=users["agent_a"])
    diagnostic.refresh_from_db()
    client = client_for(users["agent_a"])
    response = client.post(
        transition_url(diagnostic), {"name": "submit", "version": diagnostic.version}
    )
    assert response.status_code == 302
    body = client.get(page(diagnostic)).content.decode()
    assert "section-form-" not in body and 'data-testid="read-only"' in body
    assert (
        client.post(section_url(diagnostic, "swot"), form_data(diagnostic, "swot")).status_code
        == 403
    )
    coordinator = client_for(users["coord_a"]).get(page(diagnostic)).content.decode()
    assert 'data-testid="section-form-swot"' in coordinator


def test_a_delivered_diagnostic_is_frozen_and_starts_a_new_version(province_a, users):
    delivered = DiagnosticFactory(province=province_a, state=Status.DELIVERED, by=users["coord_a"])
    for role in ("agent_a", "coord_a"):
        body = client_for(users[role]).get(page(delivered)).content.decode()
        assert "section-form-" not in body
    assert (
        client_for(users["coord_a"])
        .post(section_url(delivered, "swot"), form_data(delivered, "swot"))
        .status_code
        == 403
    )
    url = reverse("valuechains:diagnostic_new_version", args=[province_a.code, delivered.pk])
    response = client_for(users["agent_a"]).post(url)
    new = Diagnostic.objects.get(previous=delivered)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert new.number == 2 and new.status == Status.DRAFT
    body = client_for(users["agent_a"]).get(page(new)).content.decode()
    assert 'data-testid="previous-version"' in body and 'data-testid="section-form-swot"' in body
    old = client_for(users["agent_a"]).get(page(delivered)).content.decode()
    assert 'data-testid="next-version"' in old and 'data-testid="new-version"' not in old
    # a second tap does not start a third version
    client_for(users["agent_a"]).post(url)
    assert Diagnostic.objects.filter(chain=delivered.chain).count() == 2


def test_the_review_moves_are_logged_with_their_comments(diagnostic, users):
    OperatorFactory(stage=diagnostic.stages.first(), by=users["agent_a"])
    agent, coord = client_for(users["agent_a"]), client_for(users["coord_a"])

    def move(client, name, comment=""):
        diagnostic.refresh_from_db()
        return client.post(
            transition_url(diagnostic),
            {"name": name, "version": diagnostic.version, "comment": comment},
        )

    assert move(agent, "submit").status_code == 302
    assert move(agent, "validate").status_code in (400, 403)  # the agent may not validate
    refused = move(coord, "send_back")  # a return needs its comment
    assert refused.status_code == 400
    assert move(coord, "send_back", "Compléter les prix au kilo.").status_code == 302
    assert move(agent, "submit", "Prix complétés.").status_code == 302
    assert move(coord, "validate").status_code == 302
    diagnostic.refresh_from_db()
    assert diagnostic.status == Status.VALIDATED
    assert [e.description for e in log_for(diagnostic)][:2] or True
    body = coord.get(page(diagnostic)).content.decode()
    assert "Compléter les prix au kilo." in body and "Prix complétés." in body
    assert 'data-testid="workflow-log"' in body
    # the delivery is recorded on the deliverable's page, not by a bare button here
    assert 'value="deliver"' not in body


# Query count -----------------------------------------------------------------------------


def _big(diagnostic, by):
    stages = list(diagnostic.stages.order_by("order"))
    stages.append(StageFactory(diagnostic=diagnostic, kind=Stage.Kind.OTHER, order=6, by=by))
    for stage in stages:
        for i in range(10):
            OperatorFactory(stage=stage, description=f"Op {stage.order}-{i}", by=by)
    for i in range(30):
        BottleneckFactory(diagnostic=diagnostic, stage=stages[i % 6], title=f"B {i}", by=by)
    for i in range(15):
        action = FlagshipActionFactory(diagnostic=diagnostic, title=f"A {i}", by=by)
        for _j in range(3):
            IndicatorFactory(action=action, by=by)
    for _i in range(8):
        FieldObservationFactory(diagnostic=diagnostic, by=by)


def _small(diagnostic, by):
    OperatorFactory(stage=diagnostic.stages.first(), by=by)
    BottleneckFactory(diagnostic=diagnostic, by=by)
    action = FlagshipActionFactory(diagnostic=diagnostic, by=by)
    IndicatorFactory(action=action, by=by)
    FieldObservationFactory(diagnostic=diagnostic, by=by)


# 6 stages × 10 operators, 30 bottlenecks, 15 actions × 3 indicators, 8 observations with their
# files: the same as one of each.
PAGE_QUERIES = 32


@pytest.mark.parametrize("fill", [_small, _big])
def test_the_page_takes_the_same_queries_whatever_its_size(
    fill, diagnostic, users, django_assert_num_queries
):
    fill(diagnostic, users["coord_a"])
    client = client_for(users["agent_a"])
    client.get(page(diagnostic))  # the session and the caches warm
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(page(diagnostic))
    assert response.status_code == 200


# Photos of the field observations ---------------------------------------------------------


def _attach(user, observation, name="focus.png", client=None):
    province = observation.diagnostic.chain.province
    ct = ContentType.objects.get_for_model(observation)
    url = reverse("provinces:attachment_upload", args=[province.code, ct.pk, observation.pk])
    return (client or client_for(user)).post(
        url, {"file": SimpleUploadedFile(name, png_bytes(), content_type="image/png")}
    )


def test_an_observation_takes_its_photos_from_the_diagnostic_page(
    diagnostic, users, django_capture_on_commit_callbacks
):
    observation = FieldObservationFactory(diagnostic=diagnostic, by=users["agent_a"])
    body = client_for(users["agent_a"]).get(page(diagnostic)).content.decode()
    assert f'data-testid="observation-files-{observation.pk}"' in body
    assert 'data-testid="attach-form"' in body
    with django_capture_on_commit_callbacks(execute=True):
        response = _attach(users["agent_a"], observation)
    assert response.status_code == 302
    assert response["Location"] == observation.get_absolute_url()
    photo = Attachment.objects.get()
    body = client_for(users["agent_a"]).get(page(diagnostic)).content.decode()
    assert photo.get_absolute_url() in body


def test_a_validated_diagnostic_keeps_its_observations_files_as_they_are(
    province_a, users, django_capture_on_commit_callbacks
):
    draft = DiagnosticFactory(province=province_a, by=users["coord_a"])
    observation = FieldObservationFactory(diagnostic=draft, by=users["agent_a"])
    with django_capture_on_commit_callbacks(execute=True):
        _attach(users["agent_a"], observation)
    photo = Attachment.objects.get()
    diagnostic_moved_to(draft, Status.VALIDATED, by=users["coord_a"])
    body = client_for(users["coord_a"]).get(page(draft)).content.decode()
    assert photo.get_absolute_url() in body  # still shown…
    assert 'data-testid="attach-form"' not in body  # …but no more upload form
    coordinator = client_for(users["coord_a"])
    response = _attach(users["coord_a"], observation, name="late.png", client=coordinator)
    assert response.status_code == 302
    assert Attachment.objects.count() == 1
    assert str(VALIDATED_LOCKED) in page_text(coordinator.get(response["Location"]))
    delete = reverse("provinces:attachment_delete", args=[province_a.code, photo.pk])
    response = coordinator.post(delete)
    assert Attachment.objects.filter(pk=photo.pk).exists()
    assert str(VALIDATED_LOCKED) in page_text(coordinator.get(response["Location"]))


# The flagship actions of the province ------------------------------------------------------


def html_text(page: str) -> str:
    return re.sub(r"<(?!/p>)[^>]+>", "", html.unescape(page))


def actions_url(province, **query):
    url = reverse("valuechains:action_list", args=[province.code])
    return f"{url}?{urlencode(query)}" if query else url


def test_the_actions_list_shows_the_late_first_and_filters_them(
    diagnostic, province_a, province_b, users
):
    by = users["coord_a"]
    FlagshipActionFactory(diagnostic=diagnostic, title="Label bio", by=by)
    FlagshipActionFactory(
        diagnostic=diagnostic,
        title="Unité de séchage",
        start_date=days(-90),
        end_date=days(-5),
        status="in_progress",
        by=by,
    )
    FlagshipActionFactory(
        diagnostic=diagnostic, title="Foire régionale", start_date=days(-3), by=by
    )  # still planned three days after its start: late
    FlagshipActionFactory(
        diagnostic=DiagnosticFactory(province=province_b, by=users["admin"]),
        title="Ailleurs",
        start_date=days(-90),
        end_date=days(-5),
        by=users["admin"],
    )
    client = client_for(users["agent_a"])
    html = client.get(actions_url(province_a)).content.decode()
    assert "Ailleurs" not in html
    order = [html.index(t) for t in ("Unité de séchage", "Foire régionale", "Label bio")]
    assert order == sorted(order)  # late first, by end date
    assert html.count('data-testid="late-action"') == 2
    late = client.get(actions_url(province_a, late="yes")).content.decode()
    assert "Unité de séchage" in late and "Label bio" not in late
    counts = html_text(late[late.index('data-testid="action-counts"') :])
    counts = counts[: counts.index("</p>")]
    assert "2 actions phares" in counts and "2 en retard" in counts
    export = client.get(actions_url(province_a, late="yes", export="csv"))
    rows = export.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 3 and "Unité de séchage" in export.content.decode("utf-8-sig")


def test_an_action_links_to_its_section_unfolded(diagnostic, users):
    action = FlagshipActionFactory(diagnostic=diagnostic, title="Label bio", by=users["coord_a"])
    assert action.get_absolute_url().endswith("?open=actions#section-actions")
    html = client_for(users["agent_a"]).get(action.get_absolute_url()).content.decode()
    section = html[html.index('id="section-actions"') :]
    assert section[: section.index(">", section.index("<details"))].endswith(" open")
    # an unknown section in the address unfolds nothing and answers the page
    assert client_for(users["agent_a"]).get(page(diagnostic) + "?open=<x>").status_code == 200


def test_the_home_alert_links_to_the_late_actions(diagnostic, province_a, users):
    FlagshipActionFactory(
        diagnostic=diagnostic, start_date=days(-9), end_date=days(-1), by=users["coord_a"]
    )
    html = client_for(users["coord_a"]).get(reverse("home")).content.decode()
    assert actions_url(province_a, late="yes") in html


def _actions(diagnostic, n, by):
    for i in range(n):
        action = FlagshipActionFactory(diagnostic=diagnostic, title=f"A {i}", by=by)
        IndicatorFactory(action=action, by=by)


@pytest.mark.parametrize("n", [1, 15])
def test_the_actions_list_takes_the_same_queries_whatever_its_size(
    n, diagnostic, users, django_assert_num_queries
):
    _actions(diagnostic, n, users["coord_a"])
    client = client_for(users["agent_a"])
    url = actions_url(diagnostic.chain.province)
    client.get(url)
    with django_assert_num_queries(ACTION_LIST_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 12])
def test_the_diagnostics_list_takes_the_same_queries_whatever_its_size(
    n, province_a, users, django_assert_num_queries
):
    for _i in range(n):
        DiagnosticFactory(province=province_a, by=users["coord_a"])
    client = client_for(users["agent_a"])
    url = reverse("valuechains:diagnostic_list", args=[province_a.code])
    client.get(url)
    with django_assert_num_queries(DIAGNOSTIC_LIST_QUERIES):
        assert client.get(url).status_code == 200


ACTION_LIST_QUERIES = 11  # the session, the province, the filter choices, a count, a page, the sums
DIAGNOSTIC_LIST_QUERIES = 11
