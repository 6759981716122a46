"""Reads of value chains, each computed in the database in a fixed number of queries: the
ranking of a province's chains with the explanation of every score, a diagnostic's content
and its chain map's data, the province card and the home page's counts."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Lower, Rank
from django.utils.functional import lazy
from django.utils.text import capfirst

from provinces.access import Perm, scope_for_user
from provinces.models import Province
from targa.core.selectors import count_per
from valuechains.models import (
    SCORE_MAX,
    AdvocacyPoint,
    Bottleneck,
    Chain,
    ChainScore,
    Criterion,
    Diagnostic,
    DiagnosticSection,
    FieldObservation,
    FlagshipAction,
    Indicator,
    Level,
    Operator,
    Opportunity,
    PlanObjective,
    ProvinceWeight,
    Stage,
    Supporter,
    SwotEntry,
)

WEIGHT = DecimalField(max_digits=5, decimal_places=2)
POINTS = DecimalField(max_digits=12, decimal_places=2)
HUNDRED = Decimal(100)


def chains_for_user(user, perm: Perm = Perm.VIEW) -> QuerySet:
    """The chains of the provinces the user may see (or `perm`)."""
    return scope_for_user(Chain.objects.select_related("province", "sector"), user, perm)


def diagnostics_for_user(user, perm: Perm = Perm.VIEW) -> QuerySet:
    return scope_for_user(Diagnostic.objects.select_related("chain__province"), user, perm)


# Selection: weights and the ranking ------------------------------------------------------


def _weight_in(province: Province, criterion: str, national: str):
    """The weight of a criterion in a province: the province's own if it set one, else the
    national weight (as a database expression; `criterion` and `national` name the
    criterion's id and its national weight from where the expression is used)."""
    own = ProvinceWeight.objects.filter(province=province, criterion=OuterRef(criterion))
    return Coalesce(Subquery(own.values("weight")[:1], output_field=WEIGHT), F(national))


def criteria_for(province: Province) -> list[Criterion]:
    """The criteria in use, each with `effective_weight` in the province and `adjusted` (the
    province set its own weight). One query."""
    own = ProvinceWeight.objects.filter(province=province, criterion=OuterRef("pk"))
    return list(
        Criterion.objects.filter(is_active=True)
        .annotate(
            effective_weight=_weight_in(province, "pk", "weight"),
            own_weight=Subquery(own.values("weight")[:1], output_field=WEIGHT),
            own_reason=Subquery(own.values("reason")[:1]),
        )
        .order_by("order", "id")
    )


def weight_versions(province: Province) -> dict[int, int]:
    """The versions of the province's own weights, by criterion id (the weights page keeps
    them to refuse a save from a stale page)."""
    return dict(
        ProvinceWeight.objects.filter(province=province).values_list("criterion_id", "version")
    )


@dataclass(frozen=True)
class ScoreLine:
    """One criterion's part in a chain's score."""

    criterion: Criterion
    score: int | None  # None: not scored yet (counts as 0)
    weight: Decimal
    adjusted: bool  # the province's own weight, not the national one
    points: Decimal  # score × weight
    contribution: Decimal  # out of 100: points over the most a chain could get

    @property
    def scored(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class RankedChain:
    chain: Chain
    rank: int  # chains with the same points share a rank
    points: Decimal
    score: Decimal  # out of 100
    tied_with: int  # how many other chains have the same points
    lines: list[ScoreLine] = field(default_factory=list)

    @property
    def tied(self) -> bool:
        return self.tied_with > 0


@dataclass(frozen=True)
class Ranking:
    """A province's chains ranked by their weighted score (candidates and chosen ones; those
    set aside are left out)."""

    criteria: list[Criterion]
    total_weight: Decimal
    max_points: Decimal  # SCORE_MAX × the sum of the weights
    chains: list[RankedChain]


def out_of_100(points: Decimal, max_points: Decimal) -> Decimal:
    if not max_points:
        return Decimal(0)
    return (Decimal(points) * HUNDRED / max_points).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _points_of_chain(province: Province):
    """A chain's points in the province (see `chain_ranking`), as a subquery on `pk`."""
    weight = _weight_in(province, "criterion_id", "criterion__weight")
    points = ExpressionWrapper(F("score") * weight, output_field=POINTS)
    per_chain = (
        ChainScore.objects.filter(chain=OuterRef("pk"), criterion__is_active=True)
        .order_by()
        .values("chain")
        .annotate(p=Sum(points))
        .values("p")
    )
    return Coalesce(Subquery(per_chain, output_field=POINTS), Value(Decimal(0)))


def max_points_of(criteria: list[Criterion]) -> Decimal:
    """The most points a chain could get: 5 × the sum of the weights (`criteria_for`)."""
    return sum((c.effective_weight for c in criteria), Decimal(0)) * SCORE_MAX


def max_points_in(province: Province) -> Decimal:
    """The most points a chain could get in the province (one query)."""
    return max_points_of(criteria_for(province))


def with_list_figures(qs: QuerySet, province: Province) -> QuerySet:
    """The chains of a list with what it shows: `points` (as the ranking counts them),
    `n_scored` (criteria in use scored), the state and id of the latest diagnostic, the
    cercles prefetched. A fixed number of queries whatever the rows."""
    latest = Diagnostic.objects.filter(chain=OuterRef("pk")).order_by("-number")
    scored = (
        ChainScore.objects.filter(chain=OuterRef("pk"), criterion__is_active=True)
        .order_by()
        .values("chain")
        .annotate(n=Count("id"))
        .values("n")
    )
    return qs.annotate(
        points=_points_of_chain(province),
        n_scored=Coalesce(Subquery(scored), Value(0)),
        diagnostic_status=Subquery(latest.values("status")[:1]),
        diagnostic_pk=Subquery(latest.values("pk")[:1]),
    ).prefetch_related("cercles")


def chain_ranking(province: Province) -> Ranking:
    """The ranking of the province's chains, computed in the database (three queries).

    THE rule: a chain's points are the sum, over the criteria in use, of its score (0 to 5;
    a criterion not scored counts 0) times the criterion's weight in the province (its own
    weight if the coordinator set one, else the national weight). Its score out of 100 is its
    points over the most a chain could get (5 × the sum of the weights). Chains with the same
    points share a rank and are shown as tied, listed by product name, then by the order they
    were entered (so the order never changes from one reading to the next). Nothing is
    stored: a changed weight or score re-ranks at once.
    """
    criteria = criteria_for(province)
    total_weight = sum((c.effective_weight for c in criteria), Decimal(0))
    max_points = total_weight * SCORE_MAX
    weight = _weight_in(province, "criterion_id", "criterion__weight")
    points = ExpressionWrapper(F("score") * weight, output_field=POINTS)
    per_chain = (
        ChainScore.objects.filter(chain=OuterRef("pk"), criterion__is_active=True)
        .order_by()
        .values("chain")
        .annotate(p=Sum(points))
        .values("p")
    )
    latest = Diagnostic.objects.filter(chain=OuterRef("pk")).order_by("-number")
    chains = list(
        Chain.objects.filter(province=province)
        .exclude(status=Chain.Status.SET_ASIDE)
        .select_related("sector", "province")
        .annotate(points=Coalesce(Subquery(per_chain, output_field=POINTS), Value(Decimal(0))))
        # where a chosen chain's diagnostic stands, and the link to it
        .annotate(
            diagnostic_status=Subquery(latest.values("status")[:1]),
            diagnostic_pk=Subquery(latest.values("pk")[:1]),
        )
        .annotate(
            rank=Window(Rank(), order_by=F("points").desc()),
            same_points=Window(Count("id"), partition_by=[F("points")]),
        )
        .order_by("-points", Lower("product"), "id")
    )
    lines: dict[int, dict[int, ChainScore]] = {}
    for line in (
        ChainScore.objects.filter(chain__in=[c.pk for c in chains], criterion__is_active=True)
        .annotate(weight_here=weight, points=points)
        .order_by()
    ):
        lines.setdefault(line.chain_id, {})[line.criterion_id] = line
    ranked = []
    for chain in chains:
        scores = lines.get(chain.pk, {})
        explanation = []
        for criterion in criteria:
            line = scores.get(criterion.pk)
            line_points = line.points if line else Decimal(0)
            explanation.append(
                ScoreLine(
                    criterion=criterion,
                    score=line.score if line else None,
                    weight=criterion.effective_weight,
                    adjusted=criterion.own_weight is not None,
                    points=line_points,
                    contribution=out_of_100(line_points, max_points),
                )
            )
        ranked.append(
            RankedChain(
                chain=chain,
                rank=chain.rank,
                points=chain.points,
                score=out_of_100(chain.points, max_points),
                tied_with=chain.same_points - 1,
                lines=explanation,
            )
        )
    return Ranking(criteria, total_weight, max_points, ranked)


def chain_score_lines(chain: Chain, ranking: Ranking) -> list[ScoreLine]:
    """A chain's scores explained as in the ranking, for a chain out of it (set aside)."""
    weight = _weight_in(chain.province, "criterion_id", "criterion__weight")
    scores = {
        s.criterion_id: s
        for s in ChainScore.objects.filter(chain=chain).annotate(
            points=ExpressionWrapper(F("score") * weight, output_field=POINTS)
        )
    }
    lines = []
    for criterion in ranking.criteria:
        line = scores.get(criterion.pk)
        points = line.points if line else Decimal(0)
        lines.append(
            ScoreLine(
                criterion=criterion,
                score=line.score if line else None,
                weight=criterion.effective_weight,
                adjusted=criterion.own_weight is not None,
                points=points,
                contribution=out_of_100(points, ranking.max_points),
            )
        )
    return lines


def chains_set_aside(province: Province) -> list[Chain]:
    """The province's chains set aside (out of the ranking), by product. One query."""
    return list(
        Chain.objects.filter(province=province, status=Chain.Status.SET_ASIDE)
        .select_related("sector", "province")
        .order_by(Lower("product"), "id")
    )


# A diagnostic's content ------------------------------------------------------------------

LEVEL_ORDER = {Level.HIGH: 0, Level.MEDIUM: 1, Level.LOW: 2}


@dataclass(frozen=True)
class MapOperator:
    label: str
    count: int | None
    women: int | None
    young: int | None

    @property
    def women_share(self) -> int | None:
        return _percent(self.women, self.count)

    @property
    def young_share(self) -> int | None:
        return _percent(self.young, self.count)


def _percent(part, whole) -> int | None:
    if part is None or not whole:
        return None
    return int((Decimal(part) * HUNDRED / whole).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass(frozen=True)
class MapBottleneck:
    title: str
    level: str


@dataclass(frozen=True)
class MapStage:
    id: int
    label: str
    operators: list[MapOperator]
    bottlenecks: list[MapBottleneck]


@dataclass(frozen=True)
class MapSupporter:
    label: str
    kind: str
    stage_ids: list[int]


@dataclass(frozen=True)
class ChainMapData:
    """What the chain map draws, as plain data (no database behind it)."""

    title: str
    stages: list[MapStage]
    supporters: list[MapSupporter]


def chain_map_data(diagnostic: Diagnostic) -> ChainMapData:
    """The chain map's data in five queries, whatever the size of the chain: stages, their
    operators, their bottlenecks (most severe first), supporters and the stages they serve.
    The diagnostic comes with its chain (as the access layer loads it for a page)."""
    stages = list(
        Stage.objects.filter(diagnostic=diagnostic)
        .order_by("order", "id")
        .prefetch_related(
            Prefetch("operators", queryset=Operator.objects.order_by("order", "id")),
            Prefetch("bottlenecks", queryset=Bottleneck.objects.order_by("order", "id")),
        )
    )
    supporters = list(
        Supporter.objects.filter(diagnostic=diagnostic)
        .select_related("stakeholder")
        .prefetch_related(Prefetch("stages", queryset=Stage.objects.only("id")))
        .order_by("order", "id")
    )
    # The names the drawing shows follow the language it is drawn in, not the one the data was
    # read in (a PDF job reads its data before choosing the PDF's language): lazy.
    chain = diagnostic.chain
    return ChainMapData(
        title=lazy(lambda: chain.label, str)(),
        stages=[
            MapStage(
                id=stage.pk,
                label=stage.name or _kind_label(Stage, stage.kind),
                operators=[
                    MapOperator(
                        op.description or _kind_label(Operator, op.kind),
                        op.count,
                        op.women,
                        op.young,
                    )
                    for op in stage.operators.all()
                ],
                bottlenecks=sorted(
                    (MapBottleneck(b.title, b.level) for b in stage.bottlenecks.all()),
                    key=lambda b: LEVEL_ORDER.get(b.level, 9),
                ),
            )
            for stage in stages
        ],
        supporters=[
            MapSupporter(s.label, s.kind, [st.pk for st in s.stages.all()]) for s in supporters
        ],
    )


def _kind_label(model, value: str):
    """The kind's name, capitalised, in the language it is shown in (lazy)."""
    return capfirst(dict(model.Kind.choices).get(value, value))


@dataclass
class DiagnosticContent:
    """Everything a diagnostic holds, for its page, its PDF and its workbook."""

    diagnostic: Diagnostic
    sections: dict[str, DiagnosticSection]
    stages: list[Stage]
    supporters: list[Supporter]
    bottlenecks: list[Bottleneck]
    opportunities: list
    swot: dict[str, list]
    observations: list
    objectives: list
    actions: list[FlagshipAction]
    advocacy: list


def diagnostic_content(diagnostic: Diagnostic) -> DiagnosticContent:
    """The whole diagnostic in a fixed number of queries (fourteen), whatever its size:
    sections; stages with operators; supporters with their stakeholder and stages;
    bottlenecks and opportunities with their stage; SWOT; observations; objectives; flagship
    actions (with lateness, bottleneck, responsible) with their indicators and partners;
    advocacy points."""
    return diagnostic_contents([diagnostic])[0]


def diagnostic_contents(diagnostics: list[Diagnostic]) -> list[DiagnosticContent]:
    """The content of several diagnostics (a province's workbook) in the same fourteen
    queries as one, in the order given."""
    ids = [d.pk for d in diagnostics]

    def grouped(queryset) -> dict[int, list]:
        out: dict[int, list] = {pk: [] for pk in ids}
        for row in queryset.filter(diagnostic_id__in=ids):
            out[row.diagnostic_id].append(row)
        return out

    sections: dict[int, dict] = {pk: {} for pk in ids}
    for section in DiagnosticSection.objects.filter(diagnostic_id__in=ids):
        sections[section.diagnostic_id][section.key] = section
    stages = grouped(
        Stage.objects.order_by("order", "id").prefetch_related(
            Prefetch("operators", queryset=Operator.objects.order_by("order", "id"))
        )
    )
    supporters = grouped(
        Supporter.objects.select_related("stakeholder").prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("order"))
        )
    )
    bottlenecks = grouped(Bottleneck.objects.select_related("stage"))
    opportunities = grouped(Opportunity.objects.select_related("stage"))
    swot: dict[int, dict[str, list]] = {
        pk: {q: [] for q in SwotEntry.Quadrant.values} for pk in ids
    }
    for entry in SwotEntry.objects.filter(diagnostic_id__in=ids):
        swot[entry.diagnostic_id][entry.quadrant].append(entry)
    observations = grouped(FieldObservation.objects.select_related("commune"))
    objectives = grouped(PlanObjective.objects.all())
    actions = grouped(
        FlagshipAction.objects.with_lateness()
        .select_related("bottleneck", "responsible")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
            "partners",
        )
    )
    advocacy = grouped(AdvocacyPoint.objects.select_related("action", "target"))
    return [
        DiagnosticContent(
            diagnostic=d,
            sections=sections[d.pk],
            stages=stages[d.pk],
            supporters=supporters[d.pk],
            bottlenecks=bottlenecks[d.pk],
            opportunities=opportunities[d.pk],
            swot=swot[d.pk],
            observations=observations[d.pk],
            objectives=objectives[d.pk],
            actions=actions[d.pk],
            advocacy=advocacy[d.pk],
        )
        for d in diagnostics
    ]


# The province card and the home page's alerts ---------------------------------------------

CARD_ORDER = [
    ("candidate", Chain.Status.CANDIDATE.label),
    *[(f"diagnostic:{value}", label) for value, label in Diagnostic.Status.choices],
    ("set_aside", Chain.Status.SET_ASIDE.label),
]


def chains_by_state(province: Province) -> list[tuple[str, str, int]]:
    """(key, label, how many) of the province's chains: candidates, chains being diagnosed by
    the state of their latest diagnostic, set aside. One GROUP BY query."""
    latest = Diagnostic.objects.filter(chain=OuterRef("pk")).order_by("-number")
    rows = (
        Chain.objects.filter(province=province)
        .annotate(diagnostic_status=Subquery(latest.values("status")[:1]))
        .order_by()
        .values_list("status", "diagnostic_status")
        .annotate(n=Count("id"))
    )
    counts: dict[str, int] = {}
    for status, diagnostic_status, n in rows:
        key = f"diagnostic:{diagnostic_status}" if diagnostic_status else status
        counts[key] = counts.get(key, 0) + n
    return [(key, str(label), counts[key]) for key, label in CARD_ORDER if counts.get(key)]


def province_card(province: Province, perms_here) -> dict:
    """The province page's value-chain card: chains by state, late flagship actions (two
    queries)."""
    states = chains_by_state(province)
    late = FlagshipAction.objects.current().late().filter(diagnostic__chain__province=province)
    return {
        "province": province,
        "states": states,
        "n_chains": sum(n for _key, _label, n in states),
        "n_late_actions": late.count(),
        "perms_here": perms_here,
    }


def diagnostics_waiting_per_province(province_ids: list[int]) -> dict[int, int]:
    """Diagnostics submitted and waiting for the coordinator's review, per province."""
    waiting = Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED)
    return count_per(waiting, "chain__province_id", province_ids)


def late_actions_per_province(province_ids: list[int]) -> dict[int, int]:
    """Late flagship actions (`action_late_q`) of each chain's latest diagnostic, per province."""
    late = FlagshipAction.objects.current().late()
    return count_per(late, "diagnostic__chain__province_id", province_ids)
