"""The project holders' demo: a few hundred holders a province, named in both scripts, their
projects at every stage of the pipeline, each with a path that holds together, the
accompaniment (sessions of the last year, visits after creation, a few overdue), and nothing
added when the seed runs again."""

import datetime
import re
from collections import Counter, defaultdict

import pytest
from django.db.models import Count
from django.utils import timezone

from projects import demo as projects_demo
from projects.models import (
    CIN_PATTERN,
    VISITED_STAGES,
    Holder,
    Project,
    ProjectStep,
    Session,
    SessionKind,
    Stage,
    Structure,
    StructureKind,
    Visit,
    stage_order,
)
from projects.selectors_alerts import overdue_follow_ups, overdue_follow_ups_per_province
from provinces import demo as provinces_demo
from provinces.models import Province, Sex
from tests.conftest import ensure_territories, shared_data
from valuechains import demo as valuechains_demo

pytestmark = pytest.mark.django_db

KHENIFRA = "05.301"
ARABIC = re.compile(r"[\u0600-\u06FF]")
COMMITTEES = {Stage.TECHNICAL_COMMITTEE, Stage.CPDE_OPINION, Stage.CPDH_APPROVAL}


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """The demo users, programme records and value chains, then Khénifra's holders and
    projects, made once for the module."""
    with shared_data(django_db_blocker):
        ensure_territories()
        provinces_demo.seed()
        valuechains_demo.seed()
        projects_demo.seed(provinces=[KHENIFRA], holders=250)
        yield


@pytest.fixture
def khenifra() -> Province:
    return Province.objects.get(code=KHENIFRA)


def test_the_demo_province_has_a_few_hundred_holders_named_in_both_scripts(khenifra):
    holders = list(Holder.objects.filter(province=khenifra))
    assert len(holders) >= 200
    assert all(ARABIC.search(h.first_name_ar) and ARABIC.search(h.last_name_ar) for h in holders)
    assert not any(ARABIC.search(h.first_name + h.last_name) for h in holders)
    women = sum(h.sex == Sex.WOMAN for h in holders) / len(holders)
    assert 0.35 <= women <= 0.55
    young = sum(18 <= h.age() <= 35 for h in holders) / len(holders)
    assert young >= 0.7 and all(h.age() >= 18 for h in holders)
    assert len({h.first_name for h in holders}) >= 60
    assert all(h.commune.province_id == khenifra.pk for h in holders)
    assert any(h.youth_platform_id for h in holders)
    assert all(h.consent_on <= timezone.localdate() for h in holders)


def test_the_demo_cins_are_valid_and_unique():
    cins = [c for c in Holder.objects.values_list("cin", flat=True) if c]
    assert len(cins) == len(set(cins))
    assert all(CIN_PATTERN.match(c) for c in cins)
    assert Holder.objects.filter(cin="").exists()  # some holders gave none


def test_the_demo_projects_are_at_every_stage_in_a_funnel(khenifra):
    projects = Project.objects.filter(province=khenifra)
    by_stage = dict(projects.values_list("stage").annotate(n=Count("id")).order_by())
    assert set(by_stage) == set(Stage.values)
    early = by_stage[Stage.RECEPTION] + by_stage[Stage.ELIGIBILITY] + by_stage[Stage.TRAINING]
    late = by_stage[Stage.FINANCING] + by_stage[Stage.CREATED] + by_stage[Stage.FOLLOW_UP]
    assert early > 2 * late and late > by_stage[Stage.GRADUATED] > 0
    assert 0.08 <= by_stage[Stage.DROPPED] / projects.count() <= 0.18
    dropped = projects.filter(stage=Stage.DROPPED)
    assert dropped.values("drop_reason").distinct().count() >= 4
    assert not dropped.filter(drop_reason="").exists()
    resumed = ProjectStep.objects.filter(project__province=khenifra, from_stage=Stage.DROPPED)
    assert resumed.exists() and not resumed.filter(comment="").exists()


def test_each_demo_project_has_a_path_from_the_first_stage_to_where_it_is(khenifra):
    steps = defaultdict(list)
    for step in ProjectStep.objects.filter(project__province=khenifra).order_by("on", "id"):
        steps[step.project_id].append(step)
    first = stage_order()[0]
    today = timezone.localdate()
    for project in Project.objects.filter(province=khenifra):
        path = steps[project.pk]
        assert (path[0].from_stage, path[0].to_stage) == ("", first)
        for before, after in zip(path, path[1:], strict=False):
            assert after.from_stage == before.to_stage
            assert after.on > before.on
        assert path[-1].to_stage == project.stage
        assert path[-1].on == project.stage_since
        assert today - datetime.timedelta(days=600) <= path[0].on and path[-1].on <= today


def test_the_committees_decide_and_a_step_back_says_why(khenifra):
    steps = ProjectStep.objects.filter(project__province=khenifra)
    decided = steps.filter(from_stage__in=COMMITTEES).exclude(to_stage=Stage.DROPPED)
    assert decided.exists() and not decided.filter(decision="").exists()
    assert Counter(decided.values_list("decision", flat=True)).keys() >= {
        "favourable",
        "reserved",
    }
    order = stage_order()
    back = [
        s
        for s in steps.exclude(from_stage="").exclude(from_stage=Stage.DROPPED)
        if s.to_stage in order and order.index(s.to_stage) < order.index(s.from_stage)
    ]
    assert back and all(s.comment for s in back)
    assert not steps.exclude(from_stage__in=COMMITTEES).exclude(decision="").exists()


def test_the_demo_projects_meet_the_models_rules(khenifra):
    projects = Project.objects.filter(province=khenifra).select_related(
        "holder__commune", "structure", "chain", "call", "commune"
    )
    for project in projects:
        project.full_clean()
        if project.call is not None:
            assert all(rule.passed for rule in project.call.eligibility(project=project))
    assert projects.exclude(chain=None).exists() and projects.exclude(call=None).exists()
    assert projects.exclude(structure=None).exists()
    assert Structure.objects.filter(province=khenifra).exclude(name_ar="").count() >= 10


def first_days(khenifra, stage: str) -> dict[int, datetime.date]:
    """The day each project of the province first reached `stage`."""
    out = {}
    steps = ProjectStep.objects.filter(project__province=khenifra, to_stage=stage)
    for project_id, on in steps.order_by("-on").values_list("project_id", "on"):
        out[project_id] = on
    return out


def test_the_demo_sessions_of_the_last_year_are_of_every_kind_with_those_trained(khenifra):
    sessions = list(
        Session.objects.filter(province=khenifra).prefetch_related("holders", "structures")
    )
    today = timezone.localdate()
    assert len(sessions) >= 25
    assert {s.kind for s in sessions} == set(SessionKind.values)
    assert all(today - datetime.timedelta(days=366) <= s.on <= today for s in sessions)
    topics = {s.topic for s in sessions}
    assert {"Élaboration du plan d'affaires", "Hygiène et normes ONSSA"} <= topics
    assert all(s.trainer and s.hours for s in sessions)
    for s in sessions:
        s.full_clean()
    remote = [s for s in sessions if s.kind in (SessionKind.PHONE, SessionKind.VIDEO)]
    assert remote and all(s.commune_id is None and not s.place for s in remote)
    workshops = [s for s in sessions if s.kind == SessionKind.WORKSHOP]
    assert workshops and all(s.structures.all() for s in workshops)
    assert all(
        st.kind == StructureKind.COOPERATIVE and st.province_id == khenifra.pk
        for s in sessions
        for st in s.structures.all()
    )
    # Those present had reached the training stage by the day, and not left the pipeline.
    trained, dropped = first_days(khenifra, Stage.TRAINING), {}
    for project in Project.objects.filter(province=khenifra, stage=Stage.DROPPED):
        dropped[project.holder_id] = project.stage_since
    by_holder = dict(Project.objects.filter(province=khenifra).values_list("holder_id", "pk"))
    present = [(s, h) for s in sessions for h in s.holders.all()]
    # The capacity plans' workshops and remote follow-ups are the cooperative's, not holders'.
    with_holders = {s.pk for s, _h in present}
    assert len(with_holders) >= 20 and len(present) >= 3 * len(with_holders)
    for session, holder in present:
        assert trained[by_holder[holder.pk]] <= session.on
        assert session.on <= dropped.get(holder.pk, today)


def test_each_created_project_has_one_to_four_visits_after_its_creation(khenifra):
    today = timezone.localdate()
    created = first_days(khenifra, Stage.CREATED)
    projects = Project.objects.filter(province=khenifra, stage__in=VISITED_STAGES)
    visits = defaultdict(list)
    for visit in Visit.objects.filter(project__province=khenifra).order_by("on", "id"):
        visits[visit.project_id].append(visit)
    assert set(visits) == {p.pk for p in projects} and len(visits) >= 10
    for project in projects:
        rows = visits[project.pk]
        end = project.stage_since if project.stage == Stage.GRADUATED else today
        assert 1 <= len(rows) <= 4
        assert created[project.pk] <= rows[0].on and rows[-1].on <= end
        for before, after in zip(rows, rows[1:], strict=False):
            assert before.on < after.on
            assert before.on < before.next_visit_on <= after.on  # planned, then made
            assert before.turnover < after.turnover
            assert before.jobs_created <= after.jobs_created
        assert all(v.observations and v.income_change and v.jobs_created >= 1 for v in rows)
        if project.stage == Stage.GRADUATED:
            assert rows[-1].next_visit_on is None
        else:
            assert rows[-1].next_visit_on > rows[-1].on
        for visit in rows:
            visit.full_clean()
    assert any(len(rows) >= 3 for rows in visits.values())


def test_a_few_demo_projects_are_overdue_for_their_follow_up_visit(khenifra):
    today = timezone.localdate()
    followed = Project.objects.filter(province=khenifra, stage__in=[Stage.CREATED, Stage.FOLLOW_UP])
    overdue = set(overdue_follow_ups(followed).values_list("pk", flat=True))
    assert 1 <= len(overdue) <= followed.count() // 3
    assert overdue_follow_ups_per_province([khenifra.pk]) == {khenifra.pk: len(overdue)}
    for project in followed:
        last = project.visits.order_by("-on", "-id").first()
        assert (last.next_visit_on < today) == (project.pk in overdue)


def test_a_second_run_of_the_demo_adds_nothing(khenifra):
    models = (Holder, Project, ProjectStep, Structure, Session, Visit, Holder.history.model)
    before = [m.objects.count() for m in models]
    projects_demo.seed(provinces=[KHENIFRA], holders=250)
    assert [m.objects.count() for m in models] == before
