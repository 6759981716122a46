"""Project holders: the holders' rules (CIN, age, consent, residence, search), structures,
eligibility as configuration (each rule passed or failed with its reason), and the pipeline's
moves on the workflow kit (one stage at a time, dropped with a reason, resumed, configurable
order), each kept as a step with its date, decision and comment."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from projects import services
from projects.models import Holder, PipelineStage, Project, Stage, stage_order
from provinces.models import Commune
from targa.core.ordering import search_key
from targa.core.records import EditConflict
from tests.factories import (
    CallFactory,
    HolderFactory,
    ProjectFactory,
    StructureFactory,
    days,
)

pytestmark = pytest.mark.django_db


def errors_of(call) -> dict:
    """The messages of the refusal, in English (their source)."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            call()
        return {k: [str(m) for m in v] for k, v in refused.value.message_dict.items()}


# Holders -------------------------------------------------------------------------------------


def test_a_cin_is_kept_in_capitals_without_spaces_and_once(users):
    holder = HolderFactory(cin="v 123-456", by=users["agent_a"])
    assert holder.cin == "V123456"
    errors = errors_of(lambda: HolderFactory(cin="V123456", by=users["agent_a"]))
    assert errors["__all__"] == ["This CIN is already the ID of another holder."]
    # no CIN given: as many holders as need be
    HolderFactory(cin="", by=users["agent_a"])
    HolderFactory(cin="", by=users["agent_a"])
    assert Holder.objects.filter(cin="").count() == 2


@pytest.mark.parametrize("cin", ["123456", "ABC12345", "V12345678", "V-12A"])
def test_a_malformed_cin_is_refused_with_the_expected_shape(users, cin):
    errors = errors_of(lambda: HolderFactory(cin=cin, by=users["agent_a"]))
    assert "one or two letters" in errors["cin"][0]


def test_the_cin_is_masked_for_those_who_do_not_need_it(users):
    assert HolderFactory(cin="AB123456", by=users["agent_a"]).masked_cin == "A•••••56"


def test_the_age_is_computed_and_bounded(users):
    holder = HolderFactory(birth_date=days(-30 * 365 - 20), by=users["agent_a"])
    assert holder.age() == 30
    errors = errors_of(lambda: HolderFactory(birth_date=days(-12 * 365), by=users["agent_a"]))
    assert "a holder is 15 to 80" in errors["birth_date"][0]


def test_consent_is_required_and_not_in_the_future(users):
    errors = errors_of(lambda: HolderFactory(consent_on=None, by=users["agent_a"]))
    assert "consent_on" in errors
    errors = errors_of(lambda: HolderFactory(consent_on=days(2), by=users["agent_a"]))
    assert errors["consent_on"] == ["The consent cannot be given after today."]


def test_a_commune_of_another_province_is_refused(users, province_b):
    elsewhere = Commune.objects.filter(province=province_b).first()
    errors = errors_of(lambda: HolderFactory(commune=elsewhere, by=users["agent_a"]))
    assert errors["commune"] == ["Choose a commune of the province."]


def test_names_are_searched_without_accents_case_or_arabic_vowels(users):
    holder = HolderFactory(
        first_name="Hélène", last_name="Aït Bénali", first_name_ar="أحمد", by=users["agent_a"]
    )
    assert search_key("helene") in holder.search_name
    assert search_key("AIT BENALI") in holder.search_name
    assert search_key("احمد") in holder.search_name
    assert Holder.objects.filter(search_name__contains=search_key("Benali")).get() == holder


def test_a_holder_is_recorded_by_the_province_s_team_only(users, province_a):
    holder = HolderFactory.build(province=province_a)
    with pytest.raises(PermissionDenied):
        services.holder_create(holder=holder, by=users["viewer"])
    with pytest.raises(PermissionDenied):
        services.holder_create(holder=holder, by=users["agent_b"])


# Eligibility -------------------------------------------------------------------------------


def test_a_call_checks_each_rule_with_its_reason(users, province_a, province_b):
    call = CallFactory(
        age_min=18,
        age_max=35,
        structure_max_months=12,
        women_share_min=Decimal(30),
        young_share_min=Decimal(50),
        subsidy_rate_min=Decimal(60),
        subsidy_rate_max=Decimal(90),
        subsidy_cap=Decimal(100000),
        by=users["coord_a"],
    )
    older = HolderFactory(birth_date=days(-40 * 365 - 30), by=users["agent_a"])
    structure = StructureFactory(created_on=days(-500), by=users["agent_a"])  # 16 months
    project = ProjectFactory(
        holder=older,
        structure=structure,
        total_cost=200000,
        subsidy_requested=150000,
        own_contribution=50000,
        by=users["agent_a"],
    )
    with translation.override("fr"):
        results = {r.code: r for r in call.eligibility(project=project)}
    assert set(results) == {
        "age",
        "residence",
        "structure_age",
        "women_share",
        "young_share",
        "subsidy_rate",
        "subsidy_cap",
    }
    assert not results["age"].passed and results["age"].reason.startswith("40 ans")
    assert results["residence"].passed
    assert not results["structure_age"].passed and "16 mois" in results["structure_age"].reason
    assert results["women_share"].passed  # 6 of 10
    assert results["young_share"].passed  # 6 of 10
    assert results["subsidy_rate"].passed  # 75 %
    assert not results["subsidy_cap"].passed and "150 000" in results["subsidy_cap"].reason
    with translation.override("ar"):
        arabic = {r.code: r for r in call.eligibility(project=project)}
    assert arabic["age"].label != results["age"].label  # in the user's language


def test_a_rule_left_empty_does_not_apply(users):
    call = CallFactory(residence_in_province=False, by=users["coord_a"])
    assert call.eligibility(holder=HolderFactory(by=users["agent_a"])) == []


def test_a_call_refuses_rules_that_contradict_each_other(users):
    errors = errors_of(lambda: CallFactory(age_min=35, age_max=18, by=users["coord_a"]))
    assert "age_max" in errors
    errors = errors_of(
        lambda: CallFactory(
            subsidy_rate_min=Decimal(90), subsidy_rate_max=Decimal(60), by=users["coord_a"]
        )
    )
    assert "subsidy_rate_max" in errors
    errors = errors_of(lambda: CallFactory(women_share_min=Decimal(130), by=users["coord_a"]))
    assert errors["women_share_min"] == ["A share goes from 0 to 100 %."]  # "%%" filled in


def test_a_project_s_financing_cannot_exceed_its_cost(users):
    errors = errors_of(
        lambda: ProjectFactory(
            total_cost=100000, subsidy_requested=120000, own_contribution=0, by=users["agent_a"]
        )
    )
    assert "subsidy_requested" in errors
    errors = errors_of(
        lambda: ProjectFactory(
            total_cost=100000,
            subsidy_requested=80000,
            own_contribution=30000,
            by=users["agent_a"],
        )
    )
    assert "110 000" in errors["other_financing"][0]


# The pipeline ------------------------------------------------------------------------------


def move(project, to, by, **kwargs):
    project = Project.objects.get(pk=project.pk)
    return services.project_move(
        project=project, to=to, by=by, expected_version=project.version, **kwargs
    )


def test_a_project_starts_at_reception_and_moves_one_stage_at_a_time(users):
    project = ProjectFactory(by=users["agent_a"])
    assert project.stage == Stage.RECEPTION
    for to in (Stage.ELIGIBILITY, Stage.MATURATION, Stage.TRAINING):
        project = move(project, to, users["coord_a"], decision="favourable", comment="ok")
    assert project.stage == Stage.TRAINING
    path = list(project.steps.values_list("from_stage", "to_stage"))
    assert path == [
        ("", "reception"),
        ("reception", "eligibility"),
        ("eligibility", "maturation"),
        ("maturation", "training"),
    ]
    step = project.steps.last()
    assert (step.decision, step.comment, step.by) == ("favourable", "ok", users["coord_a"])
    # A jump is refused with the stages it may go to, in the user's language.
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        move(project, Stage.FINANCING, users["coord_a"])
    message = refused.value.messages[0]
    assert "un stade à la fois" in message or "one stage at a time" in message
    assert "Plan d'affaires" in message and "Maturation de l'idée" in message
    assert Project.objects.get(pk=project.pk).stage == Stage.TRAINING


def test_back_one_stage_needs_a_comment(users):
    project = move(ProjectFactory(by=users["agent_a"]), Stage.ELIGIBILITY, users["coord_a"])
    with pytest.raises(ValidationError):
        move(project, Stage.RECEPTION, users["coord_a"])
    project = move(project, Stage.RECEPTION, users["coord_a"], comment="Dossier incomplet")
    assert project.stage == Stage.RECEPTION


def test_a_project_is_dropped_with_a_reason_and_resumed_where_it_was(users):
    project = move(ProjectFactory(by=users["agent_a"]), Stage.ELIGIBILITY, users["agent_a"])
    errors = errors_of(lambda: move(project, Stage.DROPPED, users["agent_a"]))
    assert "reason" in errors
    project = move(project, Stage.DROPPED, users["agent_a"], reason="found_job")
    assert (project.stage, project.dropped_from, project.drop_reason) == (
        "dropped",
        "eligibility",
        "found_job",
    )
    with pytest.raises(PermissionDenied):  # resuming is the coordinator's
        move(project, Stage.ELIGIBILITY, users["agent_a"], comment="Revenu")
    project = move(project, Stage.ELIGIBILITY, users["coord_a"], comment="Revenu au projet")
    assert (project.stage, project.dropped_from, project.drop_reason) == ("eligibility", "", "")


def test_the_administrators_order_decides_the_next_stage(users):
    # The province skips nothing, but trains before maturing ideas.
    PipelineStage.objects.filter(key=Stage.TRAINING).update(order=3)
    PipelineStage.objects.filter(key=Stage.MATURATION).update(order=4)
    assert stage_order()[:4] == ["reception", "eligibility", "training", "maturation"]
    assert stage_order()[-1] == Stage.GRADUATED
    project = move(ProjectFactory(by=users["agent_a"]), Stage.ELIGIBILITY, users["coord_a"])
    project = move(project, Stage.TRAINING, users["coord_a"])
    assert project.stage == Stage.TRAINING


def test_a_move_is_dated_no_later_than_today_and_no_earlier_than_the_last(users):
    project = ProjectFactory(by=users["agent_a"])
    errors = errors_of(lambda: move(project, Stage.ELIGIBILITY, users["coord_a"], on=days(1)))
    assert "on" in errors
    errors = errors_of(lambda: move(project, Stage.ELIGIBILITY, users["coord_a"], on=days(-3)))
    assert "on" in errors  # received today: eligibility cannot be three days before
    project = move(project, Stage.ELIGIBILITY, users["coord_a"], on=days(0))
    assert project.stage_since == days(0)


def test_a_stale_card_is_a_conflict_and_a_viewer_moves_nothing(users):
    project = ProjectFactory(by=users["agent_a"])
    opened = project.version
    move(project, Stage.ELIGIBILITY, users["coord_a"])
    with pytest.raises(EditConflict):
        services.project_move(
            project=project, to=Stage.ELIGIBILITY, by=users["agent_a"], expected_version=opened
        )
    with pytest.raises(PermissionDenied):
        move(project, Stage.MATURATION, users["viewer"])


def test_the_stage_changes_only_through_a_move(users):
    from targa.core.records import record_update

    project = Project.objects.get(pk=ProjectFactory(by=users["agent_a"]).pk)
    project.stage = Stage.FINANCING
    with pytest.raises(ValidationError):
        record_update(instance=project, expected_version=project.version, by=users["admin"])


def test_a_stage_is_renamed_not_removed(users):
    from targa.core.records import record_delete

    stage = PipelineStage.objects.get(key=Stage.TRAINING)
    with pytest.raises(ValidationError):
        record_delete(instance=stage, by=users["admin"])
    with translation.override("ar"):
        assert services.stage_name(Stage.TRAINING) == "التكوين"
