"""Value chains, selection screens: the chain list and form, the scoring sheet, the ranking
with its explanations and the coordinator's choices, the province's weights."""

import html as html_module
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provinces.models import Commune
from tests.conftest import client_for
from tests.factories import ChainFactory, ChainScoreFactory, ProvinceWeightFactory, SectorFactory
from valuechains import services
from valuechains.models import Chain, ChainScore, Criterion, Diagnostic, ProvinceWeight
from valuechains.selectors import chain_ranking

pytestmark = pytest.mark.django_db


def url(name, province, *args):
    return reverse(f"valuechains:{name}", args=[province.code, *args])


@pytest.fixture
def criteria():
    """The national criteria of the reference data, in their order (five, weights 100)."""
    found = list(Criterion.objects.filter(is_active=True).order_by("order", "id"))
    assert len(found) == 5
    return found


def scored(province, product, scores, criteria, **kwargs):
    chain = ChainFactory(province=province, product=product, **kwargs)
    for criterion, score in zip(criteria, scores, strict=False):
        if score is not None:
            ChainScoreFactory(chain=chain, criterion=criterion, score=score)
    return chain


def ranked_products(html: str) -> list[str]:
    """The products of the ranking page, in their order."""
    cards = re.findall(
        r'data-testid="ranked-chain".*?<h2[^>]*><a [^>]*>(?:<bdi[^>]*>)?([^<]+)<', html, re.S
    )
    return [html_module.unescape(c).strip() for c in cards]


def score_sheet(criteria, scores: dict, versions=""):
    data = {"opened_versions": versions}
    for criterion in criteria:
        data[f"s{criterion.pk}"] = scores.get(criterion.pk, "")
        data[f"j{criterion.pk}"] = ""
    return data


# Scoping -------------------------------------------------------------------------------


def test_chain_of_another_province_is_not_found_under_this_one(users, province_a, province_b):
    other = ChainFactory(province=province_b, product="Dattes")
    coord = client_for(users["coord_a"])
    for name in ("chain_detail", "chain_edit", "chain_scores", "chain_history"):
        assert coord.get(url(name, province_a, other.pk)).status_code == 404, name
    response = coord.post(
        url("chain_transition", province_a, other.pk),
        {"name": "set_aside", "version": other.version, "comment": "x"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Chain.Status.CANDIDATE


def test_field_agent_of_another_province_sees_nothing_of_this_one(users, province_a):
    chain = ChainFactory(province=province_a, product="Miel")
    agent_b = client_for(users["agent_b"])
    assert agent_b.get(url("chain_list", province_a)).status_code == 404
    assert agent_b.get(url("ranking", province_a)).status_code == 404
    assert agent_b.get(url("chain_detail", province_a, chain.pk)).status_code == 404


def test_list_shows_only_the_provinces_chains(users, province_a, province_b):
    ChainFactory(province=province_a, product="Miel de thym")
    ChainFactory(province=province_b, product="Dattes Majhoul")
    html = client_for(users["viewer"]).get(url("chain_list", province_a)).content.decode()
    assert "Miel de thym" in html
    assert "Dattes Majhoul" not in html


# Who may do what -------------------------------------------------------------------------


def test_field_agent_scores_but_does_not_choose(users, province_a, criteria):
    chain = scored(province_a, "Miel", [3, 3, 3, 3, 3], criteria)
    agent = client_for(users["agent_a"])
    detail = agent.get(url("chain_detail", province_a, chain.pk)).content.decode()
    assert 'data-testid="score-link"' in detail
    ranking = agent.get(url("ranking", province_a)).content.decode()
    assert 'data-action="select"' not in ranking
    assert 'data-testid="weights-link"' not in ranking
    response = agent.post(
        url("chain_transition", province_a, chain.pk),
        {"name": "select", "version": chain.version, "comment": ""},
    )
    assert response.status_code == 403
    chain.refresh_from_db()
    assert chain.status == Chain.Status.CANDIDATE
    assert not Diagnostic.objects.filter(chain=chain).exists()


def test_viewer_reads_but_neither_scores_nor_chooses(users, province_a, criteria):
    chain = scored(province_a, "Miel", [3, 3, 3, 3, 3], criteria)
    viewer = client_for(users["viewer"])
    detail = viewer.get(url("chain_detail", province_a, chain.pk)).content.decode()
    assert 'data-testid="score-link"' not in detail
    ranking = viewer.get(url("ranking", province_a)).content.decode()
    assert "Miel" in ranking and 'data-testid="chain-actions"' not in ranking
    weights = viewer.get(url("weights", province_a)).content.decode()
    assert 'data-testid="weights-form"' not in weights
    assert viewer.get(url("chain_scores", province_a, chain.pk)).status_code == 403
    assert viewer.post(url("weights", province_a), {"reset_all": "1"}).status_code == 403


def test_coordinator_chooses_a_chain_from_the_ranking_and_its_diagnostic_starts(
    users, province_a, criteria
):
    chain = scored(province_a, "Miel", [4, 4, 4, 4, 4], criteria)
    coord = client_for(users["coord_a"])
    ranking = coord.get(url("ranking", province_a)).content.decode()
    assert 'data-action="select"' in ranking and 'data-action="set_aside"' in ranking
    response = coord.post(
        url("chain_transition", province_a, chain.pk),
        {
            "name": "select",
            "version": chain.version,
            "comment": "Retenue par le CPDE.",
            "back": "ranking",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url('ranking', province_a)}#chain-{chain.pk}"
    chain.refresh_from_db()
    assert chain.status == Chain.Status.SELECTED
    diagnostic = Diagnostic.objects.get(chain=chain, status=Diagnostic.Status.DRAFT)
    # Back on the ranking, the chosen chain links to its diagnostic.
    ranking = coord.get(url("ranking", province_a)).content.decode()
    card = ranking[ranking.index(f'id="chain-{chain.pk}"') :]
    assert f'href="{diagnostic.get_absolute_url()}"' in card[: card.index("</li>")]


def test_setting_aside_needs_a_comment_and_restore_brings_it_back(users, province_a, criteria):
    chain = scored(province_a, "Tapis", [1, 1, 1, 1, 1], criteria)
    coord = client_for(users["coord_a"])
    transition = url("chain_transition", province_a, chain.pk)
    refused = coord.post(transition, {"name": "set_aside", "version": chain.version, "comment": ""})
    assert refused.status_code == 400
    assert 'data-testid="workflow-message"' in refused.content.decode()
    chain.refresh_from_db()
    assert chain.status == Chain.Status.CANDIDATE
    coord.post(transition, {"name": "set_aside", "version": chain.version, "comment": "Trop loin."})
    chain.refresh_from_db()
    assert chain.status == Chain.Status.SET_ASIDE
    ranking = coord.get(url("ranking", province_a)).content.decode()
    assert 'data-testid="ranked-chain"' not in ranking  # out of the ranking…
    assert 'data-testid="set-aside"' in ranking and 'data-action="restore"' in ranking  # …not lost
    coord.post(transition, {"name": "restore", "version": chain.version, "comment": ""})
    chain.refresh_from_db()
    assert chain.status == Chain.Status.CANDIDATE


def test_a_stale_choice_answers_the_conflict_and_changes_nothing(users, province_a, criteria):
    chain = scored(province_a, "Miel", [4, 4, 4, 4, 4], criteria)
    opened = chain.version
    services.chain_set_aside(
        chain=chain, by=users["admin"], expected_version=opened, comment="Ailleurs."
    )
    response = client_for(users["coord_a"]).post(
        url("chain_transition", province_a, chain.pk),
        {"name": "select", "version": opened, "comment": "", "back": "ranking"},
    )
    assert response.status_code == 409
    chain.refresh_from_db()
    assert chain.status == Chain.Status.SET_ASIDE
    assert not Diagnostic.objects.filter(chain=chain).exists()


def test_chain_with_a_diagnostic_cannot_be_deleted(users, province_a, criteria):
    chain = scored(province_a, "Miel", [4, 4, 4, 4, 4], criteria)
    services.chain_select(chain=chain, by=users["coord_a"], expected_version=chain.version)
    coord = client_for(users["coord_a"])
    page = coord.get(url("chain_detail", province_a, chain.pk)).content.decode()
    assert "record-action-delete" not in page
    response = coord.post(url("chain_delete", province_a, chain.pk))
    assert response.status_code == 302
    assert Chain.objects.filter(pk=chain.pk).exists()


def test_candidate_chain_is_deleted_with_its_scores(users, province_a, criteria):
    chain = scored(province_a, "Miel", [4, 4, None, None, None], criteria)
    coord = client_for(users["coord_a"])
    assert (
        "record-action-delete"
        in coord.get(url("chain_detail", province_a, chain.pk)).content.decode()
    )
    response = coord.post(url("chain_delete", province_a, chain.pk))
    assert response.status_code == 302
    assert not Chain.objects.filter(pk=chain.pk).exists()
    assert not ChainScore.objects.filter(chain_id=chain.pk).exists()


# The ranking page --------------------------------------------------------------------------


def test_ranking_page_orders_explains_and_flags_ties(users, province_a, criteria):
    ProvinceWeightFactory(
        province=province_a, criterion=criteria[0], weight=40, by=users["coord_a"]
    )
    scored(province_a, "Huile d'olive", [5, 4, 4, 3, 5], criteria)
    scored(province_a, "Miel", [2, 2, 2, 2, 2], criteria)
    scored(province_a, "Safran", [2, 2, 2, 2, 2], criteria)  # the same points as Miel
    scored(province_a, "Tapis", [1, None, None, None, None], criteria)
    html = client_for(users["agent_a"]).get(url("ranking", province_a)).content.decode()
    assert ranked_products(html) == ["Huile d'olive", "Miel", "Safran", "Tapis"]
    ranks = re.findall(r'data-testid="ranked-chain" data-rank="(\d+)"', html)
    assert ranks == ["1", "2", "2", "4"]
    assert html.count('data-testid="tie"') == 2
    # Each line: the criterion, its raw score, its weight (the province's, flagged), its share.
    ranking = chain_ranking(province_a)
    first = ranking.chains[0]
    market = first.lines[0]
    assert (market.score, market.weight, market.adjusted) == (5, Decimal(40), True)
    assert 'data-testid="adjusted"' in html
    assert f"{criteria[0].name_fr}" in html
    assert "not scored" in html or "non noté" in html  # Tapis's four criteria count 0
    total = ranking.total_weight
    assert f"{first.score}".replace(".", ",") in html
    assert market.contribution == (Decimal(5 * 40) * 100 / (5 * total)).quantize(Decimal("0.1"))
    assert f"{market.contribution}".replace(".", ",") in html


def test_a_changed_weight_re_ranks_at_once(users, province_a, criteria):
    scored(province_a, "Miel", [5, 0, 0, 0, 0], criteria)  # strong on the first criterion
    scored(province_a, "Tapis", [0, 5, 0, 0, 0], criteria)  # strong on the second
    coord = client_for(users["coord_a"])
    assert criteria[0].weight == criteria[1].weight  # national: a tie, by product name
    assert ranked_products(coord.get(url("ranking", province_a)).content.decode()) == [
        "Miel",
        "Tapis",
    ]
    data = {f"w{c.pk}": "" for c in criteria} | {f"r{c.pk}": "" for c in criteria}
    data |= {f"w{criteria[0].pk}": "5", f"r{criteria[0].pk}": "Peu de débouchés ici"}
    data |= {f"w{criteria[1].pk}": "60"}
    response = coord.post(url("weights", province_a), data)
    assert response.status_code == 302
    assert response["Location"] == url("ranking", province_a)
    html = coord.get(url("ranking", province_a)).content.decode()
    assert ranked_products(html) == ["Tapis", "Miel"]
    own = ProvinceWeight.objects.get(province=province_a, criterion=criteria[0])
    assert (own.weight, own.reason) == (Decimal(5), "Peu de débouchés ici")
    # Back to the national weights: the national order again.
    coord.post(url("weights", province_a), {"reset_all": "1"})
    assert not ProvinceWeight.objects.filter(province=province_a).exists()


def test_weights_page_shows_the_national_weight_beside_the_province_one(
    users, province_a, criteria
):
    ProvinceWeightFactory(
        province=province_a, criterion=criteria[2], weight=33, by=users["coord_a"]
    )
    html = client_for(users["coord_a"]).get(url("weights", province_a)).content.decode()
    row = html[html.index(f'data-criterion="{criteria[2].code}"') :]
    row = row[: row.index("</li>")]
    national = f"{criteria[2].weight.normalize():f}".replace(".", ",")
    assert f'data-testid="national">{national}<' in row
    assert 'value="33' in row and 'data-testid="reset"' in row


def test_one_criterion_goes_back_to_its_national_weight(users, province_a, criteria):
    ProvinceWeightFactory(
        province=province_a, criterion=criteria[0], weight=33, by=users["coord_a"]
    )
    ProvinceWeightFactory(
        province=province_a, criterion=criteria[1], weight=44, by=users["coord_a"]
    )
    response = client_for(users["coord_a"]).post(
        url("weights", province_a), {"reset": str(criteria[0].pk)}
    )
    assert response.status_code == 302
    assert list(
        ProvinceWeight.objects.filter(province=province_a).values_list("criterion", flat=True)
    ) == [criteria[1].pk]


def test_weights_saved_from_a_stale_page_are_refused_and_kept_for_a_second_try(
    users, province_a, criteria
):
    import re

    ProvinceWeightFactory(
        province=province_a, criterion=criteria[0], weight=33, by=users["coord_a"]
    )

    def opened(client):
        html = client.get(url("weights", province_a)).content.decode()
        return re.search(r'name="opened_versions" value="([^"]*)"', html).group(1)

    first, second = client_for(users["coord_a"]), client_for(users["admin"])
    seen_by_first, seen_by_second = opened(first), opened(second)
    assert seen_by_first == seen_by_second != ""
    mine = {f"w{criteria[0].pk}": "10", "opened_versions": seen_by_first}
    assert first.post(url("weights", province_a), mine).status_code == 302
    theirs = {f"w{criteria[0].pk}": "70", "opened_versions": seen_by_second}
    response = second.post(url("weights", province_a), theirs)
    assert response.status_code == 409
    html = response.content.decode()
    assert users["coord_a"].get_full_name() in html or users["coord_a"].username in html
    assert 'value="70' in html  # the input is kept
    own = ProvinceWeight.objects.get(province=province_a, criterion=criteria[0])
    assert own.weight == Decimal(10)
    # Saved again from the merge screen, it goes over the first one's weight.
    again = re.search(r'name="opened_versions" value="([^"]*)"', html).group(1)
    theirs["opened_versions"] = again
    assert second.post(url("weights", province_a), theirs).status_code == 302
    own.refresh_from_db()
    assert own.weight == Decimal(70)
    # A weight removed since the page was opened is a change too.
    stale = opened(first)
    second.post(url("weights", province_a), {"reset_all": "1"})
    response = first.post(
        url("weights", province_a), {f"w{criteria[1].pk}": "5", "opened_versions": stale}
    )
    assert response.status_code == 409
    assert not ProvinceWeight.objects.filter(province=province_a).exists()


@pytest.mark.parametrize("weight", ["101", "-1", "beaucoup"])
def test_a_weight_out_of_range_is_refused_and_nothing_is_written(
    users, province_a, criteria, weight
):
    response = client_for(users["coord_a"]).post(
        url("weights", province_a), {f"w{criteria[0].pk}": weight, f"w{criteria[1].pk}": "50"}
    )
    assert response.status_code == 200
    assert "A weight goes from 0 to 100." in response.content.decode() or "de 0 à 100" in (
        response.content.decode()
    )
    assert not ProvinceWeight.objects.filter(province=province_a).exists()


# The scoring sheet ---------------------------------------------------------------------------


def test_the_sheet_saves_every_score_at_once(users, province_a, criteria):
    chain = ChainFactory(province=province_a, product="Miel")
    agent = client_for(users["agent_a"])
    data = score_sheet(criteria, {c.pk: str(i) for i, c in enumerate(criteria)})
    data[f"j{criteria[0].pk}"] = "Demande forte à Khénifra."
    response = agent.post(url("chain_scores", province_a, chain.pk), data)
    assert response.status_code == 302
    scores = {s.criterion_id: s for s in ChainScore.objects.filter(chain=chain)}
    assert {cid: s.score for cid, s in scores.items()} == {c.pk: i for i, c in enumerate(criteria)}
    assert scores[criteria[0].pk].justification == "Demande forte à Khénifra."


@pytest.mark.parametrize("bad", ["9", "-1", "beaucoup", "2.5"])
def test_a_score_out_of_range_gets_a_clear_message_and_nothing_is_written(
    users, province_a, criteria, bad
):
    chain = scored(province_a, "Miel", [1, None, None, None, None], criteria)
    first = ChainScore.objects.get(chain=chain)
    versions = f"{criteria[0].pk}:{first.version}"
    data = score_sheet(criteria, {criteria[0].pk: "3", criteria[1].pk: bad}, versions)
    response = client_for(users["agent_a"]).post(url("chain_scores", province_a, chain.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Une note va de 0 à 5." in html or "A score goes from 0 to 5." in html
    assert list(ChainScore.objects.filter(chain=chain).values_list("score", flat=True)) == [1]


def test_a_score_posted_past_the_form_is_refused_by_the_service(users, province_a, criteria):
    chain = ChainFactory(province=province_a, product="Miel")
    with pytest.raises(Exception):  # noqa: B017 (the model's validators: a ValidationError)
        services.chain_scores_set(
            chain=chain,
            lines={criteria[0]: services.ScoreInput(score=7), criteria[1]: services.ScoreInput(3)},
            by=users["agent_a"],
        )
    assert not ChainScore.objects.filter(chain=chain).exists()


def test_a_stale_score_sheet_answers_the_conflict_and_keeps_the_other_score(
    users, province_a, criteria
):
    chain = scored(province_a, "Miel", [2, None, None, None, None], criteria)
    line = ChainScore.objects.get(chain=chain)
    opened = f"{criteria[0].pk}:{line.version}"
    services.chain_score_set(
        chain=chain, criterion=criteria[0], score=4, by=users["coord_a"], expected_version=1
    )
    data = score_sheet(criteria, {criteria[0].pk: "1", criteria[1].pk: "5"}, opened)
    response = client_for(users["agent_a"]).post(url("chain_scores", province_a, chain.pk), data)
    assert response.status_code == 409
    assert dict(ChainScore.objects.filter(chain=chain).values_list("criterion", "score")) == {
        criteria[0].pk: 4
    }


def test_a_score_left_empty_is_cleared(users, province_a, criteria):
    chain = scored(province_a, "Miel", [2, 3, None, None, None], criteria)
    versions = ",".join(
        f"{s.criterion_id}:{s.version}" for s in ChainScore.objects.filter(chain=chain)
    )
    data = score_sheet(criteria, {criteria[0].pk: "2"}, versions)
    response = client_for(users["agent_a"]).post(url("chain_scores", province_a, chain.pk), data)
    assert response.status_code == 302
    assert list(ChainScore.objects.filter(chain=chain).values_list("criterion", flat=True)) == [
        criteria[0].pk
    ]


# The chain form -----------------------------------------------------------------------------


def test_agent_adds_a_chain_with_its_scope(users, province_a):
    sector = SectorFactory(name_fr="Apiculture")
    commune = Commune.objects.filter(province=province_a, cercle__isnull=False).first()
    response = client_for(users["agent_a"]).post(
        url("chain_create", province_a),
        {
            "product": "Miel d'euphorbe",
            "sector": sector.pk,
            "cercles": [commune.cercle_id],
            "communes": [commune.pk],
            "submission_id": "0b8c9a1e-0d44-4d25-9a3e-4a4f8b0e6a11",
        },
    )
    assert response.status_code == 302
    chain = Chain.objects.get(province=province_a, product="Miel d'euphorbe")
    assert list(chain.communes.all()) == [commune]
    assert response["Location"] == url("chain_detail", province_a, chain.pk)


def test_a_commune_of_another_province_is_refused_and_nothing_is_written(
    users, province_a, province_b
):
    sector = SectorFactory()
    foreign = Commune.objects.filter(province=province_b).first()
    response = client_for(users["agent_a"]).post(
        url("chain_create", province_a),
        {"product": "Safran", "sector": sector.pk, "communes": [foreign.pk]},
    )
    assert response.status_code == 200
    assert "communes" in response.context["form"].errors
    assert not Chain.objects.filter(product="Safran").exists()


def test_list_filters_by_state_and_exports(users, province_a, criteria):
    miel = scored(province_a, "Miel", [4, 4, 4, 4, 4], criteria)
    ChainFactory(province=province_a, product="Tapis")
    services.chain_select(chain=miel, by=users["coord_a"], expected_version=miel.version)
    viewer = client_for(users["viewer"])
    html = viewer.get(url("chain_list", province_a), {"state": "diagnostic:draft"}).content.decode()
    assert "Miel" in html and "Tapis" not in html
    html = viewer.get(url("chain_list", province_a), {"state": "candidate"}).content.decode()
    assert "Tapis" in html and ">Miel<" not in html
    csv = viewer.get(url("chain_list", province_a), {"export": "csv"})
    assert csv.status_code == 200
    body = csv.content.decode("utf-8-sig")
    assert "Miel" in body and "Tapis" in body and "80" in body


def test_pages_answer_in_arabic(users, province_a, criteria):
    chain = scored(province_a, "Miel", [4, 4, 4, 4, 4], criteria, product_ar="عسل")
    arabic = client_for(users["coord_a"], language="ar")
    for page in (
        url("chain_list", province_a),
        url("ranking", province_a),
        url("weights", province_a),
        url("chain_detail", province_a, chain.pk),
        url("chain_scores", province_a, chain.pk),
    ):
        response = arabic.get(page)
        assert response.status_code == 200, page
        assert 'dir="rtl"' in response.content.decode()
    assert "عسل" in arabic.get(url("ranking", province_a)).content.decode()


# Query counts ---------------------------------------------------------------------------------


@pytest.fixture
def many_chains(users, province_a, criteria):
    """`n` chains with a score on every criterion, in bulk (the services are exercised above)."""

    def make(n):
        sector = SectorFactory()
        chains = Chain.objects.bulk_create(
            Chain(province=province_a, sector=sector, product=f"Produit {i:02d}") for i in range(n)
        )
        cercle = province_a.cercles.first()
        for chain in chains:
            chain.cercles.add(cercle)
        ChainScore.objects.bulk_create(
            ChainScore(chain=chain, criterion=c, score=(i + j) % 6)
            for i, chain in enumerate(chains)
            for j, c in enumerate(criteria)
        )
        return chains

    return make


@pytest.mark.parametrize("page", ["chain_list", "ranking"])
def test_page_queries_do_not_grow_with_the_chains(users, province_a, many_chains, page):
    coord = client_for(users["coord_a"])
    target = url(page, province_a)
    many_chains(5)
    coord.get(target)  # sessions, caches
    with CaptureQueriesContext(connection) as few:
        assert coord.get(target).status_code == 200
    many_chains(25)  # 30 chains × 5 criteria
    with CaptureQueriesContext(connection) as many:
        response = coord.get(target)
    assert response.status_code == 200
    rows = ROW_MARK[page]
    assert response.content.decode().count(rows) == min(30, EXPECTED_ROWS[page])
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) == PINNED[page], len(many.captured_queries)


ROW_MARK = {"chain_list": 'data-testid="chain-row"', "ranking": 'data-testid="ranked-chain"'}
EXPECTED_ROWS = {"chain_list": settings.PAGE_SIZE, "ranking": 30}  # the list is paginated
# Counted on a page of 30 chains × 5 criteria: session, user, memberships, province, menu…
PINNED = {"chain_list": 13, "ranking": 11}
