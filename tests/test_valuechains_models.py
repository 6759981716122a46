"""Value chains: the models' own rules, with the messages a field agent reads."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from provinces.models import Cercle, Commune
from targa.core.records import record_create, record_update
from tests.factories import (
    BottleneckFactory,
    ChainFactory,
    ChainScoreFactory,
    CriterionFactory,
    DiagnosticFactory,
    FieldObservationFactory,
    FlagshipActionFactory,
    IndicatorFactory,
    OperatorFactory,
    ProvinceWeightFactory,
    StakeholderFactory,
    SupporterFactory,
    days,
)
from valuechains.models import Diagnostic, Operator

pytestmark = pytest.mark.django_db


def messages(error: ValidationError, field: str) -> list[str]:
    return [str(m) for m in error.value.message_dict[field]]


@pytest.fixture
def stage(province_a, users):
    diagnostic = DiagnosticFactory(province=province_a, by=users["admin"])
    return diagnostic.stages.order_by("order").first()


def test_an_operator_count_below_zero_is_refused_with_a_clear_message(stage):
    with pytest.raises(ValidationError) as error:
        OperatorFactory(stage=stage, count=-3, women=None, young=None)
    assert messages(error, "count") == ["Un nombre ne peut pas être négatif."]


def test_more_women_or_young_people_than_the_count_is_refused(stage):
    with pytest.raises(ValidationError) as error:
        OperatorFactory(stage=stage, count=10, women=11, young=12)
    assert messages(error, "women") == [
        "Il ne peut pas y avoir plus de femmes que l'effectif (10)."
    ]
    assert messages(error, "young") == [
        "Il ne peut pas y avoir plus de jeunes que l'effectif (10)."
    ]


def test_a_negative_price_or_volume_is_refused(stage):
    with pytest.raises(ValidationError) as error:
        OperatorFactory(
            stage=stage, price=Decimal("-1"), price_unit="kg", volume=Decimal("-5"), volume_unit="t"
        )
    assert messages(error, "price") == ["Un prix ne peut pas être négatif."]
    assert messages(error, "volume") == ["Un volume ne peut pas être négatif."]


def test_a_number_needs_its_unit_and_a_unit_its_number(stage):
    with pytest.raises(ValidationError) as error:
        OperatorFactory(stage=stage, price=Decimal("45"), volume_unit="t")
    assert messages(error, "price_unit") == ["Indiquez l'unité."]
    assert "volume" in error.value.message_dict


def test_a_valid_operator_gives_its_shares(stage):
    operator = OperatorFactory(
        stage=stage, count=40, women=10, young=30, price=Decimal("60"), price_unit="l"
    )
    assert (operator.women_share, operator.young_share) == (25, 75)
    assert operator.history.count() == 1


def test_a_flagship_action_ending_before_it_starts_is_refused(stage):
    with pytest.raises(ValidationError) as error:
        FlagshipActionFactory(
            diagnostic=stage.diagnostic, start_date=days(10), end_date=days(5), budget=-10
        )
    assert messages(error, "end_date") == ["La date de fin ne peut pas précéder la date de début."]
    assert messages(error, "budget") == ["Un montant ne peut pas être négatif."]


def test_dates_outside_the_programme_span_are_refused(stage):
    with pytest.raises(ValidationError) as error:
        FlagshipActionFactory(
            diagnostic=stage.diagnostic,
            start_date=datetime.date(1999, 12, 31),
            end_date=datetime.date(2101, 1, 1),
        )
    assert set(error.value.message_dict) >= {"start_date", "end_date"}
    assert "Saisissez une date entre" in messages(error, "start_date")[0]


def test_an_indicator_value_goes_with_its_date(stage):
    action = FlagshipActionFactory(diagnostic=stage.diagnostic)
    with pytest.raises(ValidationError) as error:
        IndicatorFactory(action=action, current=Decimal("3"))
    assert "current_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        IndicatorFactory(action=action, unit="percent", target=Decimal("140"))
    assert messages(error, "target") == ["Un pourcentage va de 0 à 100."]


def test_an_observation_counts_participants_by_sex_and_age(stage):
    observation = FieldObservationFactory(
        diagnostic=stage.diagnostic, women_young=5, women_adult=2, men_young=3, men_adult=1
    )
    assert (observation.women, observation.men, observation.participants) == (7, 4, 11)
    with pytest.raises(ValidationError) as error:
        FieldObservationFactory(diagnostic=stage.diagnostic, men_young=-1)
    assert messages(error, "men_young") == ["Un nombre ne peut pas être négatif."]


def test_a_score_goes_from_0_to_5_and_a_weight_from_0_to_100(province_a):
    with pytest.raises(ValidationError) as error:
        ChainScoreFactory(chain__province=province_a, score=6)
    assert messages(error, "score") == ["Une note va de 0 à 5."]
    with pytest.raises(ValidationError) as error:
        ProvinceWeightFactory(province=province_a, weight=Decimal("-1"))
    assert messages(error, "weight") == ["Un poids ne peut pas être négatif."]
    with pytest.raises(ValidationError):
        CriterionFactory(weight=Decimal("101"))


def test_a_chain_scope_stays_in_its_province(province_a, province_b):
    other = Commune.objects.filter(province=province_b).first()
    with pytest.raises(ValidationError) as error:
        ChainFactory(province=province_a, communes=[other])
    assert messages(error, "communes") == ["Choisissez des communes de la province."]
    cercle, another = Cercle.objects.filter(province=province_a).order_by("code")[:2]
    outside = Commune.objects.filter(cercle=another).first()
    with pytest.raises(ValidationError) as error:
        ChainFactory(province=province_a, cercles=[cercle], communes=[outside])
    assert messages(error, "communes") == ["Choisissez des communes des cercles retenus."]
    inside = Commune.objects.filter(cercle=cercle).first()
    chain = ChainFactory(province=province_a, cercles=[cercle], communes=[inside])
    assert list(chain.communes.all()) == [inside]


def test_supporters_and_findings_stay_within_their_diagnostic_and_province(
    stage, province_b, users
):
    other_stage = DiagnosticFactory().stages.first()
    with pytest.raises(ValidationError) as error:
        SupporterFactory(diagnostic=stage.diagnostic, stages=[other_stage])
    assert messages(error, "stages") == ["Choisissez une étape de ce diagnostic."]
    with pytest.raises(ValidationError) as error:
        BottleneckFactory(diagnostic=stage.diagnostic, stage=other_stage)
    assert messages(error, "stage") == ["Choisissez une étape de ce diagnostic."]
    elsewhere = StakeholderFactory(province=province_b)
    with pytest.raises(ValidationError) as error:
        SupporterFactory(diagnostic=stage.diagnostic, stakeholder=elsewhere, name="")
    assert messages(error, "stakeholder") == ["Choisissez un acteur de la province de la chaîne."]


def test_the_database_refuses_what_the_forms_would_not_let_through(stage):
    operator = OperatorFactory(stage=stage, count=10, women=5)
    # A raw update goes around the model on purpose: the constraint itself is what is proved.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Operator.objects.filter(pk=operator.pk).update(women=11)


def test_only_one_diagnostic_under_way_per_chain(stage, users):
    diagnostic = stage.diagnostic
    with pytest.raises(ValidationError) as error:
        record_create(instance=Diagnostic(chain=diagnostic.chain, number=2), by=users["admin"])
    assert "Cette chaîne a déjà un diagnostic en cours : terminez-le d'abord." in str(error.value)


def test_fieldwork_cannot_end_before_it_starts(stage, users):
    diagnostic = stage.diagnostic
    diagnostic.fieldwork_start, diagnostic.fieldwork_end = days(-2), days(-10)
    with pytest.raises(ValidationError) as error:
        record_update(instance=diagnostic, expected_version=diagnostic.version, by=users["admin"])
    assert "fieldwork_end" in error.value.message_dict
