"""Reading the project holders' data: what the pages, the choices, the board and the funnel
ask of the database, in a fixed number of queries whatever the number of projects."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.timesince import timesince

from projects.filters import born_in_band
from projects.models import (
    ACTIVE_STAGES,
    AgeBand,
    Holder,
    Project,
    ProjectStep,
    Stage,
    share_of,
)
from provinces.models import Sex
from targa.core.ordering import search_key


def named(queryset: QuerySet, text: str) -> QuerySet:
    """Holders or structures whose name holds every typed word, whatever the accents, case
    and script (their `search_name`): the choice fields' suggestions."""
    for word in search_key(text).split():
        queryset = queryset.filter(search_name__contains=word)
    return queryset


# The board -----------------------------------------------------------------------------------

BOARD_COLUMN_SIZE = 8  # cards a column shows at first; the rest come a page at a time


@dataclass
class Column:
    stage: str
    name: str
    count: int
    cards: list
    next_stage: str = ""  # where its cards' "next" button leads ("": none)
    next_name: str = ""
    more: bool = False  # more cards than shown: the next ones start at `next_offset`
    next_offset: int = 0


def board(projects: QuerySet, *, names: dict[str, str], order: list[str]) -> list[Column]:
    """The board's columns (the stages in the administrators' order, then dropped): each
    with its number of projects and its first cards, those longest at their stage first; two
    queries whatever the number of projects (the counts; the first cards of every column, by
    a window function)."""
    projects = projects.order_by()
    counts = dict(projects.values_list("stage").annotate(n=Count("id")))
    ranked = (
        board_cards(projects)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("stage"), order_by=[F("stage_since"), F("id")])
        )
        .filter(rank__lte=BOARD_COLUMN_SIZE)
    )
    cards: dict[str, list] = {}
    for project in ranked:
        cards.setdefault(project.stage, []).append(project)
        at_stage_since(project)
    stages = [*order, Stage.DROPPED]
    columns = []
    for index, stage in enumerate(stages):
        following = stages[index + 1] if index + 1 < len(order) else ""
        n = counts.get(stage, 0)
        shown = cards.get(stage, [])
        columns.append(
            Column(
                stage,
                names[stage],
                n,
                shown,
                next_stage=following,
                next_name=names.get(following, ""),
                more=n > len(shown),
                next_offset=len(shown),
            )
        )
    return columns


def at_stage_since(project) -> None:
    """How long the card has been at its stage, roughly ("2 months"), as it shows."""
    project.since = timesince(project.stage_since, timezone.localdate(), depth=1)


def board_cards(projects: QuerySet) -> QuerySet:
    """What a card shows (title, holder, commune), joined; those longest at their stage first."""
    return projects.select_related("holder", "commune", "province").order_by("stage_since", "id")


# The funnel ----------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    stage: str
    name: str
    reached: int
    by_sex: list[int]  # in the order of Sex.values
    by_band: list[int]  # in the order of AgeBand.values
    dropped_here: int
    of_first: Decimal | None  # share of the projects received that got this far (%)
    of_previous: Decimal | None  # conversion from the stage before (%)


def _band_case(prefix: str) -> Case:
    return Case(
        *[When(born_in_band(band, prefix), then=Value(band)) for band in AgeBand.values],
        default=Value(""),
        output_field=CharField(),
    )


def funnel(projects: QuerySet, *, names: dict[str, str], order: list[str]) -> list[FunnelRow]:
    """How far the projects got: for each stage, how many reached it (or went further), by
    sex and by age band (today), how many were dropped there, and the conversion from the
    stage before. One query: each project's furthest stage (the furthest of its steps, in
    the administrators' order, so a project sent back still counts where it got) grouped by
    sex, age band and where it was dropped; the cumulative sums are over those few groups."""
    index = {key: i for i, key in enumerate(order)}
    furthest = (
        ProjectStep.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(
            m=Max(
                Case(
                    *[When(to_stage=key, then=Value(i)) for key, i in index.items()],
                    default=Value(-1),
                    output_field=IntegerField(),
                )
            )
        )
        .values("m")
    )
    groups = (
        projects.order_by()
        .annotate(furthest=Subquery(furthest), band=_band_case("holder__"))
        .values("holder__sex", "band", "furthest", "dropped_from")
        .annotate(n=Count("id"))
    )
    size = len(order)
    reached = [0] * size
    sexes = [dict.fromkeys(Sex.values, 0) for _ in range(size)]
    bands = [dict.fromkeys(AgeBand.values, 0) for _ in range(size)]
    dropped = [0] * size
    for g in groups:
        top = g["furthest"] if g["furthest"] is not None else -1
        for i in range(top + 1):  # reached every stage up to its furthest
            reached[i] += g["n"]
            if g["holder__sex"] in sexes[i]:
                sexes[i][g["holder__sex"]] += g["n"]
            if g["band"] in bands[i]:
                bands[i][g["band"]] += g["n"]
        if g["dropped_from"] in index:
            dropped[index[g["dropped_from"]]] += g["n"]
    rows = []
    for i, key in enumerate(order):
        rows.append(
            FunnelRow(
                key,
                names[key],
                reached[i],
                list(sexes[i].values()),
                list(bands[i].values()),
                dropped[i],
                share_of(reached[i], reached[0]),
                share_of(reached[i], reached[i - 1]) if i else None,
            )
        )
    return rows


# The province page ---------------------------------------------------------------------------

CREATED_STAGES = (Stage.CREATED, Stage.FOLLOW_UP, Stage.GRADUATED)


def province_card(province, perms_here) -> dict:
    """The province page's card: holders (of whom women), projects in the pipeline, created,
    dropped (two queries)."""
    holders = Holder.objects.filter(province=province).aggregate(
        n=Count("id"), women=Count("id", filter=Q(sex=Sex.WOMAN))
    )
    projects = Project.objects.filter(province=province).aggregate(
        n=Count("id"),
        active=Count("id", filter=Q(stage__in=ACTIVE_STAGES)),
        created=Count("id", filter=Q(stage__in=CREATED_STAGES)),
        dropped=Count("id", filter=Q(stage=Stage.DROPPED)),
    )
    return {"province": province, "holders": holders, "projects": projects}


def imports_waiting_per_province(province_ids: list[int]) -> dict[int, int]:
    """Holders' spreadsheets checked and not imported yet (waiting for a decision or the
    go-ahead), per province (one query: runs are kept by province code)."""
    from provinces.models import Province
    from targa.core.models import ImportRun

    waiting = (
        ImportRun.objects.filter(
            scope_code=OuterRef("code"), kind="projects.holders", state=ImportRun.State.PREVIEWED
        )
        .order_by()
        .values("scope_code")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = Province.objects.filter(pk__in=province_ids).annotate(
        n=Subquery(waiting, output_field=IntegerField())
    )
    return {pk: n for pk, n in rows.values_list("pk", "n") if n}
