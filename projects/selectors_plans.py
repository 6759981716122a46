"""Reading the cooperatives' capacity plans: a plan's action plan, its follow-up schedule (the
monthly workshops and the remote follow-ups, held, due or overdue, matched against the
sessions recorded with the cooperative present), the plans of a list with their counts, and
the overdue follow-ups of every province for the home page; each in a fixed number of queries.

The schedule's rule, written once (`follow_up_slots`, `overdue_count`):
- the k-th workshop is due in the plan's k-th month (from its start, one month each) and the
  j-th remote follow-up in its j-th span of `remote_every_days` days, as many spans as the
  plan's period holds;
- the k-th one counts as held once k sessions of its kind (a workshop; a follow-up by phone
  or video) were recorded with the cooperative present, from the plan's start to its end: a
  catch-up session makes up for a missed one;
- one not held is overdue once its span has ended, due while its span runs, else to come.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.models import (
    REMOTE_KINDS,
    CapacityPlan,
    PlanActivity,
    Session,
    SessionKind,
    Structure,
    activity_late_q,
    add_months,
)
from provinces.models import Stakeholder

WORKSHOP, REMOTE = "workshop", "remote"
KINDS_OF = {WORKSHOP: (SessionKind.WORKSHOP,), REMOTE: tuple(REMOTE_KINDS)}


@dataclass
class Slot:
    """One workshop or remote follow-up of a plan's schedule: its span, and the session that
    holds it (the k-th of its kind recorded), if any."""

    kind: str  # WORKSHOP or REMOTE
    number: int
    opens_on: datetime.date
    due_on: datetime.date  # the last day of its span
    state: str  # "held", "overdue", "due" or "upcoming"
    session: Session | None = None

    @property
    def held(self) -> bool:
        return self.state == "held"


def follow_up_slots(
    kind: str,
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    workshops: int,
    every_days: int,
) -> list[tuple[datetime.date, datetime.date]]:
    """The spans (first day, last day) of a plan's workshops or remote follow-ups."""
    day = datetime.timedelta(days=1)
    if kind == WORKSHOP:
        return [
            (add_months(starts_on, k - 1), add_months(starts_on, k) - day)
            for k in range(1, workshops + 1)
        ]
    spans = ((ends_on - starts_on).days + 1) // every_days
    step = datetime.timedelta(days=every_days)
    return [(starts_on + step * (j - 1), starts_on + step * j - day) for j in range(1, spans + 1)]


def _state(number: int, held: int, opens_on, due_on, today) -> str:
    if number <= held:
        return "held"
    if due_on < today:
        return "overdue"
    return "due" if opens_on <= today else "upcoming"


def overdue_count(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    workshops: int,
    every_days: int,
    held_workshops: int,
    held_remote: int,
    today: datetime.date,
) -> tuple[int, int]:
    """How many workshops and remote follow-ups of a plan are overdue on `today` (the rule of
    the module's docstring), from how many of each were held."""
    out = []
    for kind, held in ((WORKSHOP, held_workshops), (REMOTE, held_remote)):
        spans = follow_up_slots(
            kind, starts_on=starts_on, ends_on=ends_on, workshops=workshops, every_days=every_days
        )
        ended = sum(1 for _opens, due in spans if due < today)
        out.append(max(0, ended - held))
    return out[0], out[1]


@dataclass
class Schedule:
    """A plan's follow-up calendar: its workshops and remote follow-ups, each a Slot."""

    workshops: list[Slot]
    remote: list[Slot]
    today: datetime.date
    sessions: list[Session] = field(default_factory=list)  # those counted, oldest first

    def _count(self, slots, state) -> int:
        return sum(1 for s in slots if s.state == state)

    @property
    def workshops_held(self) -> int:
        return self._count(self.workshops, "held")

    @property
    def remote_held(self) -> int:
        return self._count(self.remote, "held")

    @property
    def overdue(self) -> int:
        return self._count(self.workshops, "overdue") + self._count(self.remote, "overdue")

    @property
    def due(self) -> int:
        return self._count(self.workshops, "due") + self._count(self.remote, "due")

    @property
    def next_due(self) -> Slot | None:
        """The next workshop or follow-up to hold (overdue first, then due, then to come)."""
        waiting = [s for s in (*self.workshops, *self.remote) if not s.held]
        return min(waiting, key=lambda s: (s.due_on, s.kind), default=None)


def plan_schedule(plan: CapacityPlan, today: datetime.date | None = None) -> Schedule:
    """The plan's workshops and remote follow-ups with what is held, due and overdue on
    `today`, matched against the sessions recorded with the cooperative present (one query,
    whatever their number)."""
    today = today or timezone.localdate()
    sessions = list(
        Session.objects.filter(
            structures=plan.structure_id,
            kind__in=[*KINDS_OF[WORKSHOP], *KINDS_OF[REMOTE]],
            on__range=(plan.starts_on, plan.ends_on),
        )
        .select_related("province")
        .order_by("on", "id")
    )
    out = {}
    for kind in (WORKSHOP, REMOTE):
        held = [s for s in sessions if s.kind in KINDS_OF[kind]]
        spans = follow_up_slots(
            kind,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            workshops=plan.workshops_planned,
            every_days=plan.remote_every_days,
        )
        out[kind] = [
            Slot(
                kind=kind,
                number=n,
                opens_on=opens,
                due_on=due,
                state=_state(n, len(held), opens, due, today),
                session=held[n - 1] if n <= len(held) else None,
            )
            for n, (opens, due) in enumerate(spans, start=1)
        ]
    return Schedule(workshops=out[WORKSHOP], remote=out[REMOTE], today=today, sessions=sessions)


def _held(kind: str) -> Coalesce:
    """How many sessions of `kind` a plan's cooperative attended within the plan's period (a
    subquery on the sessions' table of those present)."""
    through = Session.structures.through
    rows = (
        through.objects.filter(
            structure_id=OuterRef("structure_id"),
            session__kind__in=KINDS_OF[kind],
            session__on__gte=OuterRef("starts_on"),
            session__on__lte=OuterRef("ends_on"),
        )
        .order_by()
        .values("structure_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def with_follow_ups(queryset: QuerySet[CapacityPlan]) -> QuerySet[CapacityPlan]:
    """The plans with `held_workshops` and `held_remote` (counted in the database)."""
    return queryset.annotate(held_workshops=_held(WORKSHOP), held_remote=_held(REMOTE))


def plan_overdue(plan: CapacityPlan, today: datetime.date | None = None) -> int:
    """How many follow-ups of a plan from `with_follow_ups` are overdue (no query)."""
    workshops, remote = overdue_count(
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        workshops=plan.workshops_planned,
        every_days=plan.remote_every_days,
        held_workshops=plan.held_workshops,
        held_remote=plan.held_remote,
        today=today or timezone.localdate(),
    )
    return workshops + remote


def plans_for_list(queryset: QuerySet[CapacityPlan]) -> QuerySet[CapacityPlan]:
    """A list's plans with their cooperative and commune, how many lines their action plan
    has and how many are late, and the follow-ups held (for `plan_overdue`)."""
    today = timezone.localdate()
    return with_follow_ups(
        queryset.select_related("structure__commune", "structure__province").annotate(
            n_activities=Count("activities", distinct=True),
            n_late=Count(
                "activities", filter=activity_late_q(today, "activities__"), distinct=True
            ),
        )
    )


def overdue_plan_follow_ups_per_province(province_ids: list[int]) -> dict[int, int]:
    """The overdue workshops and remote follow-ups of every capacity plan, per province (the
    home page's alert): one query, a row per plan under way, summed here by the schedule's
    rule (`overdue_count`)."""
    today = timezone.localdate()
    rows = with_follow_ups(
        CapacityPlan.objects.filter(
            structure__province_id__in=province_ids, starts_on__lt=today
        ).order_by()
    ).values_list(
        "structure__province_id",
        "starts_on",
        "ends_on",
        "workshops_planned",
        "remote_every_days",
        "held_workshops",
        "held_remote",
    )
    out: dict[int, int] = {}
    for province_id, start, end, workshops, every, held_w, held_r in rows:
        late = sum(
            overdue_count(
                starts_on=start,
                ends_on=end,
                workshops=workshops,
                every_days=every,
                held_workshops=held_w,
                held_remote=held_r,
                today=today,
            )
        )
        if late:
            out[province_id] = out.get(province_id, 0) + late
    return out


def plan_activities(plan: CapacityPlan) -> list[PlanActivity]:
    """The plan's action plan, by deadline, with each line's stakeholders (two queries)."""
    lines = list(
        PlanActivity.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch("stakeholders", queryset=Stakeholder.objects.order_by("name", "id"))
        )
        .order_by("deadline", "id")
    )
    for line in lines:
        line.plan = plan  # its URL and its rules read the plan: no query more
    return lines


def structure_plan(structure: Structure) -> CapacityPlan | None:
    """The cooperative's capacity plan, if it has one."""
    return with_follow_ups(CapacityPlan.objects.filter(structure=structure)).first()
