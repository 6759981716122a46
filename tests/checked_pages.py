"""The main pages the accessibility and HTML checks go through, on the demo data of Khénifra
(`seed_demo`), and the forms they send back with errors.

Shared by tests/browser/test_accessibility.py (axe-core in Chromium) and
tests/test_html_validity.py (the W3C Nu checker), so both look at the same screens.
"""

from dataclasses import dataclass, field

from cpde.models import CommitteeMember, Meeting, Recommendation, Training
from projects.models import Holder, Project
from provinces.models import Activity, Stakeholder
from valuechains.models import Chain, Criterion, Diagnostic

KHENIFRA = "05.301"
# Who goes through the pages: the coordinator sees every button and every form.
USERNAME = "coord.khenifra"


def main_pages() -> list[tuple[str, str]]:
    """(name, url) of each main page, read from the demo data."""
    p = f"/provinces/{KHENIFRA}"
    activity = Activity.objects.filter(province__code=KHENIFRA).order_by("pk").first()
    meeting = (
        Meeting.objects.filter(committee__province__code=KHENIFRA, attendances__isnull=False)
        .order_by("-date")
        .first()
    )
    recommendation = (
        Recommendation.objects.filter(meeting__committee__province__code=KHENIFRA)
        .order_by("pk")
        .first()
    )
    stakeholder = Stakeholder.objects.filter(province__code=KHENIFRA).order_by("pk").first()
    members = CommitteeMember.objects.filter(committee__province__code=KHENIFRA)
    member = members.order_by("pk").first()
    training = Training.objects.filter(committee__province__code=KHENIFRA).order_by("pk").first()
    chain = Chain.objects.filter(province__code=KHENIFRA).order_by("pk").first()
    # An open diagnostic (its sections are forms) and a delivered one (read only).
    diagnostics = Diagnostic.objects.filter(chain__province__code=KHENIFRA).order_by("pk")
    draft = diagnostics.filter(status=Diagnostic.Status.DRAFT).first()
    delivered = diagnostics.filter(status=Diagnostic.Status.DELIVERED).first()
    holder = Holder.objects.filter(province__code=KHENIFRA, projects__isnull=False).first()
    project = Project.objects.filter(province__code=KHENIFRA).order_by("-stage_since").first()
    plan = demo_plan()
    return [
        ("home", "/"),
        ("province", f"{p}/"),
        ("activities", f"{p}/activities/"),
        ("contracts", f"{p}/contracts/"),
        ("visits", f"{p}/visits/"),
        ("stakeholders", f"{p}/stakeholders/"),
        ("gantt", f"{p}/activities/gantt/"),
        ("committee", f"{p}/cpde/"),
        ("members", f"{p}/cpde/members/"),
        ("member", member.get_absolute_url()),
        ("meetings", f"{p}/cpde/meetings/"),
        ("meeting", meeting.get_absolute_url()),
        ("attendance", f"{p}/cpde/meetings/{meeting.pk}/attendance/"),
        ("recommendations", f"{p}/cpde/recommendations/"),
        ("overdue", f"{p}/cpde/recommendations/late/"),
        ("recommendation", recommendation.get_absolute_url()),
        ("roadmap", f"{p}/cpde/roadmap/"),
        ("trainings", f"{p}/cpde/trainings/"),
        ("training", training.get_absolute_url()),
        ("activity", activity.get_absolute_url()),
        ("stakeholder", stakeholder.get_absolute_url()),
        ("activity history", f"{p}/activities/{activity.pk}/history/"),
        ("activity edit", f"{p}/activities/{activity.pk}/edit/"),
        ("stakeholder create", f"{p}/stakeholders/new/"),
        ("meeting create", f"{p}/cpde/meetings/new/"),
        ("chains", f"{p}/valuechains/chains/"),
        ("chain", chain.get_absolute_url()),
        ("chain scores", f"{p}/valuechains/chains/{chain.pk}/scores/"),
        ("ranking", f"{p}/valuechains/ranking/"),
        ("weights", f"{p}/valuechains/weights/"),
        ("diagnostics", f"{p}/valuechains/diagnostics/"),
        ("diagnostic draft", draft.get_absolute_url()),
        ("diagnostic delivered", delivered.get_absolute_url()),
        ("deliverable", f"{p}/valuechains/diagnostics/{delivered.pk}/deliverable/"),
        ("holders", f"{p}/holders/"),
        ("holder", holder.get_absolute_url()),
        ("holder create", f"{p}/holders/new/"),
        ("projects", f"{p}/projects/"),
        ("project", project.get_absolute_url()),
        ("board", f"{p}/projects/board/"),
        ("funnel", f"{p}/projects/funnel/"),
        ("sessions", f"{p}/sessions/"),
        ("session create", f"{p}/sessions/new/"),
        ("structures", f"{p}/structures/"),
        ("cooperative", plan.structure.get_absolute_url()),
        ("plans", f"{p}/plans/"),
        ("plan", plan.get_absolute_url()),
        ("plan progress", f"{p}/plans/{plan.pk}/progress/"),
        ("plan activity create", f"{p}/plans/{plan.pk}/activities/new/"),
    ]


# Pages seen before signing in.
ANONYMOUS_PAGES = [("login", "/accounts/login/"), ("password reset", "/accounts/password/reset/")]


@dataclass
class InvalidForm:
    """A form sent back with errors: what is typed into it (name → value, by field id in the
    browser) before it is sent without the browser's own checks."""

    name: str
    url: str
    data: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False


def invalid_forms() -> list[InvalidForm]:
    p = f"/provinces/{KHENIFRA}"
    meeting = Meeting.objects.filter(committee__province__code=KHENIFRA).order_by("-date").first()
    return [
        InvalidForm(
            "login, wrong password",
            "/accounts/login/",
            {"username": "nobody", "password": "not-the-password"},
            anonymous=True,
        ),
        InvalidForm("stakeholder create, empty", f"{p}/stakeholders/new/"),
        InvalidForm("meeting create, empty", f"{p}/cpde/meetings/new/"),
        InvalidForm(
            "activity create, ends before it starts",
            f"{p}/activities/new/",
            {
                "title": "Atelier de restitution",
                "planned_start": "2026-05-10",
                "planned_end": "2026-04-01",
            },
        ),
        InvalidForm(
            "recommendation create, empty",
            f"{p}/cpde/meetings/{meeting.pk}/recommendations/new/",
        ),
        InvalidForm("training create, empty", f"{p}/cpde/trainings/new/"),
        InvalidForm("chain create, empty", f"{p}/valuechains/chains/new/"),
        InvalidForm("holder create, empty", f"{p}/holders/new/"),
        InvalidForm("session create, empty", f"{p}/sessions/new/"),
        InvalidForm("plan create, empty", f"{p}/plans/new/"),
        InvalidForm("structure create, empty", f"{p}/structures/new/"),
        InvalidForm(
            "weights, one above 100",
            f"{p}/valuechains/weights/",
            {f"w{Criterion.objects.filter(is_active=True).order_by('order').first().pk}": "101"},
        ),
    ]


@dataclass
class ConflictForm:
    """An edit form opened, then saved by someone else before it is sent: the 409 screen.
    Both change the phone number, so it is a clash the person must settle."""

    name: str
    url: str
    stakeholder_pk: int
    phone: str = "+212 700 333 444"

    def change_meanwhile(self) -> None:
        """The field agent saves another phone number meanwhile, through the service."""
        from targa.core.models import User
        from targa.core.records import record_update

        stakeholder = Stakeholder.objects.get(pk=self.stakeholder_pk)
        stakeholder.phone = f"+212 600 111 {stakeholder.version:03d}"  # new each time
        record_update(
            instance=stakeholder,
            expected_version=stakeholder.version,
            by=User.objects.get(username="agent.khenifra"),
        )


def conflict_form() -> ConflictForm:
    stakeholder = Stakeholder.objects.filter(province__code=KHENIFRA).order_by("pk").first()
    return ConflictForm(
        "stakeholder edit, changed meanwhile",
        f"/provinces/{KHENIFRA}/stakeholders/{stakeholder.pk}/edit/",
        stakeholder.pk,
    )


def demo_plan():
    """A capacity plan of the demo's Khénifra (`projects.demo_plans`), with its cooperative."""
    from projects.models import CapacityPlan

    plans = CapacityPlan.objects.filter(structure__province__code=KHENIFRA).order_by("pk")
    return plans.select_related("structure__province").first()
