"""Value chains: the ranking by weighted criteria, computed in the database and explained."""

from decimal import Decimal

import pytest

from provinces.models import Role
from targa.core.records import record_update
from tests.factories import (
    ChainFactory,
    ChainScoreFactory,
    CriterionFactory,
    ProvinceWeightFactory,
    UserFactory,
)
from valuechains import services
from valuechains.models import Criterion
from valuechains.selectors import chain_ranking

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(users):
    """Two criteria of our own, the national ones set aside: market (weight 30), women and
    young people (weight 20)."""
    for criterion in Criterion.objects.filter(is_active=True):
        criterion.is_active = False
        record_update(instance=criterion, expected_version=criterion.version, by=users["admin"])
    return (
        CriterionFactory(code="t-market", name_fr="Marché", weight=30, order=1),
        CriterionFactory(code="t-inclusion", name_fr="Femmes et jeunes", weight=20, order=2),
    )


def scored(province, product, market, inclusion, criteria):
    chain = ChainFactory(province=province, product=product)
    ChainScoreFactory(chain=chain, criterion=criteria[0], score=market)
    if inclusion is not None:
        ChainScoreFactory(chain=chain, criterion=criteria[1], score=inclusion)
    return chain


def test_chains_are_ranked_by_their_weighted_score(province_a, criteria):
    scored(province_a, "Miel", 2, 5, criteria)  # 2×30 + 5×20 = 160
    scored(province_a, "Huile d'olive", 5, 3, criteria)  # 150 + 60 = 210
    scored(province_a, "Tapis", 1, None, criteria)  # 30, one criterion not scored
    ranking = chain_ranking(province_a)
    assert [(r.chain.product, r.rank, r.points) for r in ranking.chains] == [
        ("Huile d'olive", 1, Decimal(210)),
        ("Miel", 2, Decimal(160)),
        ("Tapis", 3, Decimal(30)),
    ]
    assert ranking.max_points == Decimal(250)  # 5 × (30 + 20)
    assert [r.score for r in ranking.chains] == [Decimal("84.0"), Decimal("64.0"), Decimal("12.0")]


def test_each_score_is_explained_criterion_by_criterion(province_a, criteria):
    scored(province_a, "Tapis", 1, None, criteria)
    (tapis,) = chain_ranking(province_a).chains
    market, inclusion = tapis.lines
    assert (market.criterion.code, market.score, market.weight, market.points) == (
        "t-market",
        1,
        Decimal(30),
        Decimal(30),
    )
    assert market.contribution == Decimal("12.0")
    assert (inclusion.scored, inclusion.points, inclusion.contribution) == (
        False,
        Decimal(0),
        Decimal(0),
    )
    assert sum(line.contribution for line in tapis.lines) == tapis.score


def test_a_tie_shares_the_rank_is_shown_and_is_listed_by_name(province_a, criteria):
    scored(province_a, "Safran", 4, 4, criteria)  # 200
    scored(province_a, "Amande", 4, 4, criteria)  # 200
    scored(province_a, "Miel", 5, 5, criteria)  # 250
    first = chain_ranking(province_a).chains
    assert [(r.chain.product, r.rank, r.tied) for r in first] == [
        ("Miel", 1, False),
        ("Amande", 2, True),
        ("Safran", 2, True),
    ]
    assert first[1].tied_with == 1
    assert [r.chain.pk for r in chain_ranking(province_a).chains] == [r.chain.pk for r in first]


def test_a_changed_score_or_weight_re_ranks_at_once(province_a, criteria, users):
    miel = scored(province_a, "Miel", 2, 5, criteria)
    scored(province_a, "Huile d'olive", 5, 3, criteria)
    assert chain_ranking(province_a).chains[0].chain.product == "Huile d'olive"
    # The coordinator of the province weighs women and young people more: 2×30 + 5×60 = 360
    # against 5×30 + 3×60 = 330.
    services.province_weight_set(
        province=province_a, criterion=criteria[1], weight=Decimal(60), by=users["coord_a"]
    )
    ranking = chain_ranking(province_a)
    assert ranking.chains[0].chain == miel
    assert ranking.total_weight == Decimal(90)
    assert ranking.chains[0].lines[1].adjusted and not ranking.chains[0].lines[0].adjusted
    # Back to the national weight.
    services.province_weight_set(
        province=province_a, criterion=criteria[1], weight=None, by=users["coord_a"]
    )
    assert chain_ranking(province_a).chains[0].chain.product == "Huile d'olive"


def test_a_province_weight_holds_in_its_province_only(province_a, province_b, criteria):
    ProvinceWeightFactory(province=province_a, criterion=criteria[0], weight=0)
    scored(province_a, "Miel", 5, 1, criteria)
    scored(province_b, "Dattes", 5, 1, criteria)
    assert chain_ranking(province_a).chains[0].points == Decimal(20)  # 5×0 + 1×20
    assert chain_ranking(province_b).chains[0].points == Decimal(170)  # 5×30 + 1×20


def test_chains_set_aside_and_criteria_out_of_use_are_left_out(province_a, criteria, users):
    scored(province_a, "Miel", 5, 5, criteria)
    aside = scored(province_a, "Tapis", 1, 1, criteria)
    services.chain_set_aside(
        chain=aside, by=users["coord_a"], expected_version=aside.version, comment="Peu porteuse"
    )
    criterion = criteria[1]
    criterion.is_active = False
    record_update(instance=criterion, expected_version=criterion.version, by=users["admin"])
    (only,) = chain_ranking(province_a).chains
    assert (only.chain.product, only.points, len(only.lines)) == ("Miel", Decimal(150), 1)


def test_weights_are_the_coordinators_and_the_criteria_the_administrators(
    province_a, criteria, users
):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.province_weight_set(
            province=province_a, criterion=criteria[0], weight=Decimal(5), by=users["agent_a"]
        )
    criterion = criteria[0]
    criterion.weight = Decimal(99)
    with pytest.raises(ValidationError):
        record_update(instance=criterion, expected_version=criterion.version, by=users["coord_a"])


def test_the_ranking_takes_three_queries_whatever_the_number_of_chains(
    province_a, criteria, django_assert_num_queries
):
    for i in range(25):
        scored(province_a, f"Produit {i:02}", i % 6, (i * 7) % 6, criteria)
    ProvinceWeightFactory(province=province_a, criterion=criteria[0], weight=45)
    with django_assert_num_queries(3):
        ranking = chain_ranking(province_a)
        assert len(ranking.chains) == 25
        assert all(len(r.lines) == 2 for r in ranking.chains)
    assert [r.points for r in ranking.chains] == sorted(
        (r.points for r in ranking.chains), reverse=True
    )


def test_field_agents_score_chains_of_their_province_only(province_a, province_b, criteria):
    from django.core.exceptions import PermissionDenied

    agent = UserFactory(role=Role.FIELD_AGENT, provinces=[province_b])
    chain = ChainFactory(province=province_a)
    with pytest.raises(PermissionDenied):
        services.chain_score_set(chain=chain, criterion=criteria[0], score=3, by=agent)
