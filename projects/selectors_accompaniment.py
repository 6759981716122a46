"""Reading the accompaniment: a province's sessions with how many were present, who was
present at one, and a project's figures over time from its post-creation visits."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from projects.models import VISITED_STAGES, Holder, Project, Session, Structure, Visit


def _present_count(through) -> Coalesce:
    """How many rows of a session's many-to-many table `through` it has (a subquery, so the
    list's filters on those present join nothing twice, and its count stays a plain one)."""
    rows = (
        through.objects.filter(session_id=OuterRef("pk"))
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def sessions_with_presence(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """The sessions with `n_holders` and `n_structures` present (counted in the database)."""
    return queryset.select_related("commune").annotate(
        n_holders=_present_count(Session.holders.through),
        n_structures=_present_count(Session.structures.through),
    )


def session_present(session: Session) -> tuple[list[Holder], list[Structure]]:
    """The holders and the structures present at a session, in their lists' order."""
    holders = list(
        session.holders.select_related("province", "commune").order_by("last_name", "first_name")
    )
    structures = list(session.structures.order_by("name", "id"))
    return holders, structures


@dataclass(frozen=True)
class ProjectVisits:
    """A project's visits, oldest first, and what they add up to: the turnover of every
    period, and the jobs of the latest visit (jobs are counted on the day, not added)."""

    project: Project
    rows: list[Visit]
    accepts_new: bool  # whether the project's stage takes a new visit

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def turnover_total(self) -> Decimal | None:
        known = [v.turnover for v in self.rows if v.turnover is not None]
        return sum(known, Decimal(0)) if known else None

    @property
    def latest(self) -> Visit | None:
        return self.rows[-1] if self.rows else None


def project_visits(project: Project) -> ProjectVisits:
    """A project's figures over time, one row per visit (one query): date, turnover, jobs
    created and kept by sex, income change. The template `projects/_project_visits.html`
    shows them on the project's page."""
    rows = list(
        Visit.objects.filter(project=project)
        .select_related("project__province")
        .order_by("on", "id")
    )
    return ProjectVisits(project=project, rows=rows, accepts_new=project.stage in VISITED_STAGES)
