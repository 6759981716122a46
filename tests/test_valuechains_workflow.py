"""Value chains: choosing a chain, and a diagnostic's review and delivery on the workflow kit:
who may do what, read-only once submitted, frozen once delivered, a new version copying all."""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.test import RequestFactory

from provinces.models import Attachment
from targa.core.records import record_delete, record_update
from targa.core.workflow import can, is_locked, log_for
from tests.factories import (
    PDF_BYTES,
    AdvocacyPointFactory,
    AttachmentFactory,
    BottleneckFactory,
    ChainFactory,
    DiagnosticFactory,
    FieldObservationFactory,
    FlagshipActionFactory,
    IndicatorFactory,
    OperatorFactory,
    OpportunityFactory,
    PlanObjectiveFactory,
    StakeholderFactory,
    SupporterFactory,
    SwotEntryFactory,
    days,
    diagnostic_moved_to,
)
from valuechains import selectors, services
from valuechains.models import Diagnostic, DiagnosticSection, FlagshipAction, Operator, Stage
from valuechains.services import Line

pytestmark = pytest.mark.django_db
Status = Diagnostic.Status


@pytest.fixture
def draft(province_a, users):
    """A draft diagnostic of province A, its first stage with an operator, by the field agent."""
    chain = ChainFactory(province=province_a, by=users["agent_a"])
    diagnostic = services.chain_select(
        chain=chain, by=users["coord_a"], expected_version=chain.version
    )
    OperatorFactory(stage=diagnostic.stages.first(), by=users["agent_a"])
    return diagnostic


def move(diagnostic, name, user, comment="", params=None):
    diagnostic.refresh_from_db()
    return services.diagnostic_move(
        diagnostic=diagnostic,
        name=name,
        by=user,
        expected_version=diagnostic.version,
        comment=comment,
        params=params,
    )


def save_stages(diagnostic, user, name="Collecte"):
    section = DiagnosticSection.objects.get(diagnostic=diagnostic, key="stages")
    return services.section_save(
        diagnostic=diagnostic,
        key="stages",
        by=user,
        expected_version=section.version,
        sheets={"stages": [Line({"kind": "other", "name": name, "order": 9})]},
        replace=False,
    )


def delivery(name="diagnostic.pdf", content=PDF_BYTES):
    return {
        "on": days(0),
        "recipient": "DAS de la Province",
        "document": ContentFile(content, name=name),
    }


def test_a_chosen_chain_starts_its_diagnostic_with_the_default_stages(province_a, users):
    chain = ChainFactory(province=province_a)
    with pytest.raises(PermissionDenied):
        services.chain_select(chain=chain, by=users["agent_a"], expected_version=chain.version)
    diagnostic = services.chain_select(
        chain=chain, by=users["coord_a"], expected_version=chain.version, comment="Retenue"
    )
    chain.refresh_from_db()
    assert chain.status == chain.Status.SELECTED
    assert (diagnostic.status, diagnostic.number) == (Status.DRAFT, 1)
    assert list(diagnostic.stages.values_list("kind", flat=True)) == list(Stage.DEFAULT)
    assert set(diagnostic.sections.values_list("key", flat=True)) == set(
        DiagnosticSection.Key.values
    )
    assert log_for(chain).first().description == "Retenue"


def test_the_field_agent_submits_and_the_coordinator_returns_with_a_comment(draft, users):
    move(draft, "submit", users["agent_a"])
    with pytest.raises(PermissionDenied):
        move(draft, "validate", users["agent_a"])
    with pytest.raises(PermissionDenied):
        move(draft, "send_back", users["agent_a"], comment="?")
    with pytest.raises(ValidationError) as error:
        move(draft, "send_back", users["coord_a"])
    assert "comment" in error.value.message_dict
    returned = move(draft, "send_back", users["coord_a"], comment="Ajouter les prix de gros.")
    assert returned.status == Status.RETURNED
    entry = log_for(returned).first()
    assert (entry.by, entry.description) == (users["coord_a"], "Ajouter les prix de gros.")
    assert move(draft, "submit", users["agent_a"]).status == Status.SUBMITTED
    assert move(draft, "validate", users["coord_a"]).status == Status.VALIDATED


def test_a_diagnostic_without_operators_cannot_be_submitted(province_a, users):
    chain = ChainFactory(province=province_a)
    empty = services.chain_select(chain=chain, by=users["coord_a"], expected_version=chain.version)
    with pytest.raises(ValidationError) as error:
        move(empty, "submit", users["agent_a"])
    assert "au moins un opérateur" in str(error.value)


def test_a_submitted_diagnostic_is_read_only_for_its_author_not_for_its_reviewer(draft, users):
    agent, coordinator = users["agent_a"], users["coord_a"]
    stage = draft.stages.first()
    assert can(agent, "change", stage) and can(agent, "change", draft)
    move(draft, "submit", agent)
    stage.refresh_from_db()
    assert not can(agent, "change", stage) and not can(agent, "delete", stage)
    assert not can(agent, "change", Diagnostic.objects.get(pk=draft.pk))
    with pytest.raises(ValidationError) as error:
        save_stages(draft, agent)
    assert "soumis pour relecture" in str(error.value)
    with pytest.raises(ValidationError):
        OperatorFactory(stage=stage, by=agent)  # the model refuses it, whoever calls
    assert can(coordinator, "change", stage)
    save_stages(draft, coordinator, name="Collecte corrigée par la relecture")
    assert draft.stages.filter(name="Collecte corrigée par la relecture").exists()


def test_a_validated_diagnostic_changes_only_once_reopened(draft, users):
    move(draft, "submit", users["agent_a"])
    move(draft, "validate", users["coord_a"])
    stage = Stage.objects.get(pk=draft.stages.first().pk)
    assert is_locked(stage) and not can(users["coord_a"], "change", stage)
    with pytest.raises(ValidationError):
        save_stages(draft, users["coord_a"])
    move(draft, "reopen", users["coord_a"], comment="Un chiffre à revoir.")
    save_stages(draft, users["agent_a"])


def test_delivery_needs_its_date_recipient_and_pdf(draft, users):
    move(draft, "submit", users["agent_a"])
    move(draft, "validate", users["coord_a"])
    with pytest.raises(ValidationError) as error:
        move(draft, "deliver", users["coord_a"], params=delivery("note.pdf", b"not a pdf"))
    assert "delivered_file" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        move(draft, "deliver", users["coord_a"], params={**delivery(), "recipient": " "})
    assert "delivered_to" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        move(draft, "deliver", users["agent_a"], params=delivery())
    delivered = move(draft, "deliver", users["coord_a"], params=delivery())
    assert (delivered.status, delivered.delivered_to) == (Status.DELIVERED, "DAS de la Province")
    assert delivered.delivered_file.name.endswith(".pdf")


def test_a_delivered_diagnostic_is_frozen_for_everyone(draft, users):
    admin_user = users["admin"]
    delivered = diagnostic_moved_to(draft, Status.DELIVERED, by=admin_user)
    operator = Operator.objects.get(stage__diagnostic=delivered)
    assert not can(admin_user, "change", operator) and not can(admin_user, "delete", operator)
    with pytest.raises(ValidationError) as error:
        save_stages(delivered, admin_user)
    assert "Créez une nouvelle version" in str(error.value)
    operator.count = 99
    with pytest.raises(ValidationError):
        record_update(instance=operator, expected_version=operator.version, by=admin_user)
    with pytest.raises(ValidationError):
        record_delete(instance=operator, by=admin_user)
    delivered.fieldwork_start = days(-30)
    with pytest.raises(ValidationError):
        record_update(instance=delivered, expected_version=delivered.version, by=admin_user)
    # The admin shows it read-only too.
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not admin.site._registry[Operator].has_change_permission(request, operator)
    assert not admin.site._registry[Operator].has_delete_permission(request, operator)
    assert admin.site._registry[Operator].has_change_permission(request, None)


def full_diagnostic(diagnostic, by):
    """Something in every section, with the links between them."""
    first, second = diagnostic.stages.order_by("order")[:2]
    OperatorFactory(stage=second, by=by, count=30, women=20)
    stakeholder = StakeholderFactory(province=diagnostic.chain.province, by=by)
    SupporterFactory(diagnostic=diagnostic, stages=[first, second], stakeholder=stakeholder, by=by)
    bottleneck = BottleneckFactory(diagnostic=diagnostic, stage=second, by=by)
    OpportunityFactory(diagnostic=diagnostic, stage=first, by=by)
    SwotEntryFactory(diagnostic=diagnostic, by=by)
    observation = FieldObservationFactory(diagnostic=diagnostic, by=by)
    AttachmentFactory(record=observation, by=by)
    PlanObjectiveFactory(diagnostic=diagnostic, by=by)
    action = FlagshipActionFactory(
        diagnostic=diagnostic, bottleneck=bottleneck, partners=[stakeholder], by=by
    )
    IndicatorFactory(action=action, by=by)
    IndicatorFactory(action=action, name="Ventes", unit="mad", by=by)
    AdvocacyPointFactory(diagnostic=diagnostic, action=action, by=by)
    section = diagnostic.sections.get(key="strategy")
    services.section_save(
        diagnostic=diagnostic,
        key="strategy",
        by=by,
        expected_version=section.version,
        summary="Une filière qui fait vivre les femmes de la vallée.",
    )


def test_a_new_version_copies_every_section_and_keeps_the_delivered_one(draft, users):
    agent = users["agent_a"]
    full_diagnostic(draft, agent)
    delivered = diagnostic_moved_to(draft, Status.DELIVERED, by=users["coord_a"])
    with pytest.raises(ValidationError):
        services.diagnostic_new_version(
            diagnostic=DiagnosticFactory(state=Status.VALIDATED), by=users["admin"]
        )
    new = services.diagnostic_new_version(diagnostic=delivered, by=agent)
    assert (new.number, new.status, new.previous) == (2, Status.DRAFT, delivered)
    old_content = selectors.diagnostic_content(delivered)
    new_content = selectors.diagnostic_content(new)
    for name in (
        "stages",
        "supporters",
        "bottlenecks",
        "opportunities",
        "observations",
        "objectives",
        "actions",
        "advocacy",
    ):
        assert len(getattr(new_content, name)) == len(getattr(old_content, name)) > 0, name
    assert sum(map(len, new_content.swot.values())) == 1
    assert Operator.objects.filter(stage__diagnostic=new).count() == 2
    new_stages = {s.pk for s in new_content.stages}
    assert {s.pk for s in new_content.supporters[0].stages.all()} <= new_stages
    assert len(new_content.supporters[0].stages.all()) == 2
    action = new_content.actions[0]
    assert action.bottleneck.diagnostic_id == new.pk
    assert [p.pk for p in action.partners.all()] == [
        p.pk for p in old_content.actions[0].partners.all()
    ]
    assert len(action.indicators.all()) == 2
    assert new_content.advocacy[0].action == action
    assert new_content.sections["strategy"].summary.startswith("Une filière")
    kind = ContentType.objects.get_for_model(type(new_content.observations[0]))
    copied = Attachment.objects.get(content_type=kind, object_id=new_content.observations[0].pk)
    original = Attachment.objects.get(content_type=kind, object_id=old_content.observations[0].pk)
    assert copied.file.name == original.file.name
    # The delivered one is as it was, and now has a newer version; only one new version.
    delivered.refresh_from_db()
    assert delivered.status == Status.DELIVERED and not delivered.is_current
    with pytest.raises(ValidationError):
        services.diagnostic_new_version(diagnostic=delivered, by=agent)
    save_stages(new, agent)  # the new version is a draft the team edits


def test_late_flagship_actions_follow_the_activities_rule_and_count_once(draft, users):
    by = users["agent_a"]
    FlagshipActionFactory(diagnostic=draft, start_date=days(-60), end_date=days(-1), by=by)
    started = FlagshipActionFactory(diagnostic=draft, start_date=days(-5), end_date=days(30), by=by)
    FlagshipActionFactory(
        diagnostic=draft, start_date=days(-60), end_date=days(-1), status="done", by=by
    )
    FlagshipActionFactory(diagnostic=draft, start_date=days(3), end_date=days(30), by=by)
    late = FlagshipAction.objects.late()
    assert late.count() == 2  # ended and not done; planned and its start has passed
    started.status = "in_progress"
    record_update(instance=started, expected_version=started.version, by=by)
    assert FlagshipAction.objects.late().count() == 1
    province = draft.chain.province
    assert selectors.late_actions_per_province([province.pk]) == {province.pk: 1}
    delivered = diagnostic_moved_to(draft, Status.DELIVERED, by=users["coord_a"])
    services.diagnostic_new_version(diagnostic=delivered, by=by)
    # The copy's late action counts, the delivered one's no longer.
    assert FlagshipAction.objects.late().count() == 2
    assert selectors.late_actions_per_province([province.pk]) == {province.pk: 1}


def test_the_home_alert_counts_diagnostics_waiting_for_review(draft, users, province_b):
    province = draft.chain.province
    assert selectors.diagnostics_waiting_per_province([province.pk, province_b.pk]) == {}
    move(draft, "submit", users["agent_a"])
    DiagnosticFactory(province=province_b, state=Status.SUBMITTED)
    DiagnosticFactory(province=province_b, state=Status.RETURNED)
    assert selectors.diagnostics_waiting_per_province([province.pk, province_b.pk]) == {
        province.pk: 1,
        province_b.pk: 1,
    }


def test_the_province_card_counts_chains_by_state(province_a, users):
    ChainFactory(province=province_a)
    DiagnosticFactory(province=province_a, state=Status.SUBMITTED)
    DiagnosticFactory(province=province_a, state=Status.SUBMITTED)
    delivered = DiagnosticFactory(province=province_a, state=Status.DELIVERED)
    services.diagnostic_new_version(diagnostic=delivered, by=users["admin"])
    card = selectors.province_card(province_a, frozenset())
    assert [(key, n) for key, _label, n in card["states"]] == [
        ("candidate", 1),
        ("diagnostic:draft", 1),
        ("diagnostic:submitted", 2),
    ]
    assert card["n_chains"] == 4
