"""Value chains: a diagnostic's sections save on their own, each under its own version."""

import uuid
from decimal import Decimal

import pytest

from targa.core.records import EditConflict, LineErrors, record_update
from tests.factories import BottleneckFactory, DiagnosticFactory, OperatorFactory
from valuechains import services
from valuechains.models import Bottleneck, DiagnosticSection, Operator, SwotEntry
from valuechains.services import AlreadySaved, Line

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnostic(province_a, users):
    return DiagnosticFactory(province=province_a, by=users["coord_a"])


def opened(diagnostic, key) -> int:
    """The section's version when a page showing it was opened."""
    return DiagnosticSection.objects.get(diagnostic=diagnostic, key=key).version


def swot(diagnostic, user, version, *texts, token=None):
    return services.section_save(
        diagnostic=diagnostic,
        key="swot",
        by=user,
        expected_version=version,
        sheets={"swot": [Line({"quadrant": "strength", "text": t}) for t in texts]},
        token=token,
    )


def test_two_people_editing_different_sections_both_save(diagnostic, users):
    agent, coordinator = users["agent_a"], users["coord_a"]
    swot_version, stages_version = opened(diagnostic, "swot"), opened(diagnostic, "stages")
    stage = diagnostic.stages.order_by("order").first()
    swot(diagnostic, agent, swot_version, "Savoir-faire des femmes")
    services.section_save(
        diagnostic=diagnostic,
        key="stages",
        by=coordinator,
        expected_version=stages_version,
        sheets={
            "stages": [
                Line(
                    {"name": "Pépinières"},
                    id=stage.pk,
                    version=stage.version,
                    children=[Line({"kind": "suppliers", "count": 4, "women": 1})],
                )
            ]
        },
        replace=False,
    )
    assert SwotEntry.objects.filter(diagnostic=diagnostic).count() == 1
    assert Operator.objects.get(stage=stage).count == 4
    assert opened(diagnostic, "swot") == swot_version + 1
    assert opened(diagnostic, "stages") == stages_version + 1


def test_the_same_section_saved_from_a_stale_page_answers_a_conflict(diagnostic, users):
    version = opened(diagnostic, "swot")
    saved = swot(diagnostic, users["agent_a"], version, "Marché proche")
    with pytest.raises(EditConflict) as conflict:
        swot(diagnostic, users["coord_a"], version, "Autre texte")
    assert conflict.value.changed_by == users["agent_a"]
    assert conflict.value.current == saved
    assert list(SwotEntry.objects.values_list("text", flat=True)) == ["Marché proche"]


def test_a_save_sent_twice_saves_once(diagnostic, users):
    token = uuid.uuid4()
    version = opened(diagnostic, "swot")
    swot(diagnostic, users["agent_a"], version, "Route goudronnée", token=token)
    with pytest.raises(AlreadySaved):
        swot(diagnostic, users["agent_a"], version, "Route goudronnée", token=token)
    with pytest.raises(EditConflict):  # someone else's copy of the token is no resend
        swot(diagnostic, users["coord_a"], version, "Route goudronnée", token=token)
    assert SwotEntry.objects.filter(diagnostic=diagnostic).count() == 1


def test_a_line_changed_elsewhere_since_the_page_was_opened_is_not_overwritten(diagnostic, users):
    stage = diagnostic.stages.order_by("order").first()
    operator = OperatorFactory(stage=stage, count=10, women=2)
    seen = operator.version
    operator.count = 12
    record_update(instance=operator, expected_version=seen, by=users["coord_a"])  # the admin
    with pytest.raises(EditConflict):
        services.section_save(
            diagnostic=diagnostic,
            key="stages",
            by=users["agent_a"],
            expected_version=opened(diagnostic, "stages"),
            sheets={
                "stages": [
                    Line(
                        {},
                        id=stage.pk,
                        children=[Line({"count": 20}, id=operator.pk, version=seen)],
                    )
                ]
            },
            replace=False,
        )
    assert Operator.objects.get(pk=operator.pk).count == 12


def test_lines_refused_by_their_rules_are_all_reported_and_nothing_is_saved(diagnostic, users):
    stage = diagnostic.stages.order_by("order").first()
    version = opened(diagnostic, "stages")
    with pytest.raises(LineErrors) as refused:
        services.section_save(
            diagnostic=diagnostic,
            key="stages",
            by=users["agent_a"],
            expected_version=version,
            summary="Résumé",
            sheets={
                "stages": [
                    Line(
                        {},
                        id=stage.pk,
                        children=[
                            Line({"kind": "producers", "count": 10, "women": 11}),
                            Line({"kind": "traders", "price": Decimal("-2"), "price_unit": "kg"}),
                            Line({"kind": "processors", "count": 3}),
                        ],
                    )
                ]
            },
            replace=False,
        )
    assert set(refused.value.lines) == {"stages.0.operators.0", "stages.0.operators.1"}
    assert "women" in refused.value.lines["stages.0.operators.0"].message_dict
    assert not Operator.objects.filter(stage=stage).exists()
    section = DiagnosticSection.objects.get(diagnostic=diagnostic, key="stages")
    assert (section.version, section.summary) == (version, "")


def test_a_sheet_given_replaces_its_lines_and_a_sheet_left_out_is_kept(diagnostic, users):
    agent = users["agent_a"]
    stage = diagnostic.stages.order_by("order").first()
    bottleneck = BottleneckFactory(diagnostic=diagnostic, stage=stage, title="Pistes")
    services.section_save(
        diagnostic=diagnostic,
        key="findings",
        by=agent,
        expected_version=opened(diagnostic, "findings"),
        sheets={
            "opportunities": [
                Line({"stage": stage, "title": "Label IGP", "source": "interview"}),
            ]
        },
    )
    assert Bottleneck.objects.get(pk=bottleneck.pk).title == "Pistes"  # not in this save
    services.section_save(
        diagnostic=diagnostic,
        key="findings",
        by=agent,
        expected_version=opened(diagnostic, "findings"),
        sheets={"bottlenecks": []},
    )
    assert not Bottleneck.objects.filter(diagnostic=diagnostic).exists()
    assert diagnostic.opportunities.get().title == "Label IGP"


def test_a_stage_that_bottlenecks_refer_to_is_not_removed(diagnostic, users):
    stages = list(diagnostic.stages.order_by("order"))
    BottleneckFactory(diagnostic=diagnostic, stage=stages[0])
    keep = [Line({}, id=s.pk) for s in stages[1:]]
    with pytest.raises(LineErrors) as refused:
        services.section_save(
            diagnostic=diagnostic,
            key="stages",
            by=users["agent_a"],
            expected_version=opened(diagnostic, "stages"),
            sheets={"stages": keep},
        )
    (message,) = refused.value.messages
    assert "goulot" in message.lower()
    assert diagnostic.stages.count() == 5


def test_a_saved_section_says_when(diagnostic, users):
    before = DiagnosticSection.objects.get(diagnostic=diagnostic, key="swot").updated_at
    saved = swot(diagnostic, users["agent_a"], opened(diagnostic, "swot"), "Climat favorable")
    assert saved.updated_at > before
    assert saved.history.first().history_user == users["agent_a"]
