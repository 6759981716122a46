"""factory_boy factories for every record the tests build, saved through the app's services.

One style of setup: `MeetingFactory(province=province_a)` makes the committee if needed
(`cpde.services.committee_ensure`), then the meeting through `meeting_create`, exactly as
the pages do. A factory without a service of its own saves through
`targa.core.records.record_create`: `full_clean()`, the model's `check_write()`, history
with who wrote it. Every factory takes `by`, the user who writes; left out, it is a national
administrator (the first one in the database, made if there is none). Many-to-many values
are passed like fields (`FieldVisitFactory(communes=[...])`) and saved with the record.

Parents come from SubFactories with sensible defaults, in province A (Khénifra) unless a
`province` is given; a record's parents are written by the same `by`.
"""

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from cpde import services as cpde_services
from cpde.models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    Guest,
    Meeting,
    Question,
    Questionnaire,
    QuestionnaireResponse,
    Recommendation,
    RecommendationFollowUp,
    RoadmapItem,
    Training,
)
from projects import services as projects_services
from projects.models import Call, Holder, Project, Session, SessionKind, Structure, Visit
from provinces.access import forget_grants
from provinces.demo import ensure_activity_categories
from provinces.models import (
    Activity,
    ActivityCategory,
    Attachment,
    Commune,
    Contact,
    ExecutionContract,
    FieldVisit,
    FollowUpAction,
    FrameworkConvention,
    Membership,
    Objective,
    Province,
    ProvinceProgramme,
    Role,
    Stakeholder,
)
from targa.core import jobs
from targa.core.models import Job, User
from targa.core.records import record_create
from valuechains import services as vc_services
from valuechains.models import (
    AdvocacyPoint,
    Bottleneck,
    Chain,
    ChainScore,
    Criterion,
    Diagnostic,
    FieldObservation,
    FlagshipAction,
    Indicator,
    Operator,
    Opportunity,
    PlanObjective,
    ProvinceWeight,
    Sector,
    Stage,
    Supporter,
    SwotEntry,
)

PROVINCE_A = "05.301"  # Khénifra
PROVINCE_B = "02.251"  # Figuig
PASSWORD = "correct-horse-battery-42"


def days(n: int) -> datetime.date:
    """Today plus n days (n < 0: in the past)."""
    return timezone.localdate() + datetime.timedelta(days=n)


def default_province() -> Province:
    return Province.objects.get(code=PROVINCE_A)


def national_admin() -> User:
    """Who writes a record when the test does not say: the first national administrator."""
    admin = (
        User.objects.filter(memberships__role=Role.ADMIN, memberships__province__isnull=True)
        .order_by("pk")
        .first()
    )
    return admin or AdminFactory()


def province_of(record) -> Province:
    """The province a record belongs to, by its `province_path`."""
    if isinstance(record, Province):
        return record
    value = record
    for name in record.province_path.split("__"):
        value = getattr(value, name)
    return value


def parent(factory_class, **fields) -> factory.SubFactory:
    """A parent record, written by the same user as its child."""
    return factory.SubFactory(factory_class, by=factory.SelfAttribute("..by"), **fields)


def parent_in_province(factory_class, **fields) -> factory.SubFactory:
    """A parent record in the child's `province` (a parameter: None is province A)."""
    return parent(factory_class, province=factory.SelfAttribute("..province"), **fields)


class RecordFactory(factory.django.DjangoModelFactory):
    """Saves through `record_create(instance=…, by=…, m2m=…)`; subclasses whose model has a
    service of its own override `_save`."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True  # never a second, unrecorded save

    by = factory.LazyFunction(national_admin)

    @classmethod
    def _split_m2m(cls, model_class, fields: dict) -> dict:
        names = {f.name for f in model_class._meta.many_to_many}
        return {name: fields.pop(name) for name in list(fields) if name in names}

    @classmethod
    def _build(cls, model_class, *args, by=None, **fields):
        cls._split_m2m(model_class, fields)  # an unsaved record has no many-to-many values
        return model_class(*args, **fields)

    @classmethod
    def _create(cls, model_class, *args, by, **fields):
        m2m = cls._split_m2m(model_class, fields)
        return cls._save(model_class(*args, **fields), by=by, m2m=m2m or None)

    @classmethod
    def _save(cls, instance, *, by, m2m):
        return record_create(instance=instance, by=by, m2m=m2m).instance


# Users and their roles (targa.core, provinces) ---------------------------------------------


class UserFactory(RecordFactory):
    """A user saved as the user-management page saves one; `role` in each of `provinces`
    (none: all provinces) through MembershipFactory. `by` defaults to no one, as for the
    first users (createsuperuser, the demo seed)."""

    class Meta:
        model = User

    by = None
    username = factory.Sequence(lambda n: f"user.{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.LazyAttribute(lambda o: o.username.split(".")[0].capitalize())
    password = PASSWORD
    role = None
    provinces = ()

    @classmethod
    def _create(cls, model_class, *args, by, password, role, provinces, **fields):
        user = model_class(*args, **fields)
        user.set_password(password)
        user = record_create(instance=user, by=by).instance
        if role:
            for province in provinces or (None,):
                MembershipFactory(user=user, province=province, role=role, by=by)
        return user

    @classmethod
    def _build(cls, model_class, *args, by=None, password=PASSWORD, role=None, provinces=(), **kw):
        user = model_class(*args, **kw)
        user.set_password(password)
        return user


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin.{n}")
    role = Role.ADMIN


class MembershipFactory(RecordFactory):
    """A role in a province (`province=None`: in all provinces), as the user page adds one."""

    class Meta:
        model = Membership

    user = parent(UserFactory)
    province = factory.LazyFunction(default_province)
    role = Role.FIELD_AGENT

    @classmethod
    def _save(cls, instance, *, by, m2m):
        membership = super()._save(instance, by=by, m2m=m2m)
        forget_grants(membership.user)  # the user object a test holds sees its new role
        return membership


class JobFactory(factory.django.DjangoModelFactory):
    """A background job started by `targa.core.jobs.job_start` (queued for a worker); the
    other fields (`state`, `progress`, `error`…) are then set as the worker would leave
    them, and `content` becomes its file. Jobs keep no history."""

    class Meta:
        model = Job

    kind = "list_export"
    label = "Export"
    owner = factory.SubFactory(UserFactory)
    params = factory.LazyFunction(dict)
    scope_code = ""
    content = None

    @classmethod
    def _create(cls, model_class, *, kind, label, owner, params, scope_code, content, **worker):
        job = jobs.job_start(
            kind=kind, label=label, owner=owner, params=params, scope_code=scope_code
        )
        if worker:
            model_class.objects.filter(pk=job.pk).update(**worker)
            job.refresh_from_db()
        if content is not None:
            job.file.save(job.filename or "export", ContentFile(content), save=True)
        return job


# The provincial programme and its records (provinces) --------------------------------------


class ProvinceProgrammeFactory(RecordFactory):
    class Meta:
        model = ProvinceProgramme

    province = factory.LazyFunction(default_province)
    operator = "TARGA-AIDE"


class StakeholderFactory(RecordFactory):
    class Meta:
        model = Stakeholder

    province = factory.LazyFunction(default_province)
    name = factory.Sequence(lambda n: f"Association {n}")
    kind = Stakeholder.Kind.ASSOCIATION


class ContactFactory(RecordFactory):
    class Meta:
        model = Contact

    stakeholder = parent(StakeholderFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")


class AttachmentFactory(RecordFactory):
    """A file attached to `record` (a stakeholder unless said), as the upload view saves it."""

    class Meta:
        model = Attachment

    record = parent(StakeholderFactory)
    province = factory.LazyAttribute(lambda o: province_of(o.record))
    title = "PV"
    file = factory.django.FileField(filename="pv.pdf", data=b"%PDF-1.4 test")

    @classmethod
    def _save(cls, instance, *, by, m2m):
        instance.size = instance.file.size
        return super()._save(instance, by=by, m2m=m2m)


class FrameworkConventionFactory(RecordFactory):
    class Meta:
        model = FrameworkConvention

    title = "Convention-cadre TARGA-AIDE"
    parties = "Association TARGA-AIDE\nCoordination nationale de l'INDH"
    signed_on = datetime.date(2021, 2, 5)
    provinces = factory.LazyFunction(lambda: [default_province()])


class ExecutionContractFactory(RecordFactory):
    """A draft contract under a convention that covers its province; `in_progress=True`:
    signed and running."""

    class Meta:
        model = ExecutionContract

    class Params:
        in_progress = factory.Trait(
            signed_on=datetime.date(2021, 3, 15), status=ExecutionContract.Status.IN_PROGRESS
        )

    province = factory.LazyFunction(default_province)
    convention = parent(
        FrameworkConventionFactory,
        provinces=factory.LazyAttribute(lambda o: [o.factory_parent.province]),
    )
    reference = factory.Sequence(lambda n: f"CSE-{n}")
    start_on = datetime.date(2021, 4, 1)
    duration_months = 12


def activity_category(code: str = "training") -> ActivityCategory:
    """A category of the data migration (loaded again if a browser test flushed them)."""
    category = ActivityCategory.objects.filter(code=code).first()
    if category is None:
        ensure_activity_categories()
        category = ActivityCategory.objects.get(code=code)
    return category


class ActivityFactory(RecordFactory):
    class Meta:
        model = Activity

    province = factory.LazyFunction(default_province)
    category = factory.LazyFunction(activity_category)
    objective = Objective.SYNERGY
    title = "Formation des membres du CPDE"
    planned_start = datetime.date(2022, 1, 10)
    planned_end = datetime.date(2022, 1, 14)


class FieldVisitFactory(RecordFactory):
    class Meta:
        model = FieldVisit

    province = factory.LazyFunction(default_province)
    kind = FieldVisit.Kind.FIELD_VISIT
    date = datetime.date(2022, 3, 1)
    purpose = "Repérage"


class FollowUpActionFactory(RecordFactory):
    class Meta:
        model = FollowUpAction

    visit = parent(FieldVisitFactory)
    description = "Envoyer la liste"


# The CPDE (cpde) ---------------------------------------------------------------------------


class CommitteeFactory(RecordFactory):
    """The province's committee, through `committee_ensure` (one per province: an existing
    one is returned)."""

    class Meta:
        model = Committee

    province = None  # province A

    @classmethod
    def _create(cls, model_class, *, by, province):
        return cpde_services.committee_ensure(province=province or default_province(), by=by)


class CommitteeMemberFactory(RecordFactory):
    class Meta:
        model = CommitteeMember

    class Params:
        province = None

    committee = parent_in_province(CommitteeFactory)
    name = factory.Sequence(lambda n: f"Membre {n}")
    sex = "F"


class MeetingFactory(RecordFactory):
    """A meeting and its `agenda` (titles, in order), through `meeting_create`."""

    class Meta:
        model = Meeting

    class Params:
        province = None

    committee = parent_in_province(CommitteeFactory)
    kind = Meeting.Kind.ORDINARY
    date = factory.LazyFunction(lambda: days(-10))
    agenda = ()

    @classmethod
    def _create(cls, model_class, *args, by, agenda, **fields):
        meeting = model_class(*args, **fields)
        return cpde_services.meeting_create(meeting=meeting, agenda=list(agenda), by=by).instance

    @classmethod
    def _build(cls, model_class, *args, by=None, agenda=(), **fields):
        return model_class(*args, **fields)


class AgendaItemFactory(RecordFactory):
    class Meta:
        model = AgendaItem

    meeting = parent(MeetingFactory)
    order = factory.LazyAttribute(lambda o: cpde_services.next_order(o.meeting.agenda_items))
    title = "Point sur les recommandations"


class GuestFactory(RecordFactory):
    class Meta:
        model = Guest

    meeting = parent(MeetingFactory)
    name = factory.Sequence(lambda n: f"Invité {n}")
    sex = "M"


class RecommendationFactory(RecordFactory):
    class Meta:
        model = Recommendation

    class Params:
        province = None

    meeting = parent_in_province(MeetingFactory)
    text = "Relancer la DPA."


class RecommendationFollowUpFactory(RecordFactory):
    """A note on a recommendation, through `recommendation_add_follow_up` (`by` needs the
    right to change it)."""

    class Meta:
        model = RecommendationFollowUp

    recommendation = parent(RecommendationFactory)
    date = factory.LazyFunction(timezone.localdate)
    note = "Relance faite."
    meeting = None

    @classmethod
    def _create(cls, model_class, *, by, **fields):
        return cpde_services.recommendation_add_follow_up(by=by, **fields)


class QuestionnaireFactory(RecordFactory):
    """A national questionnaire unless a `province` is given."""

    class Meta:
        model = Questionnaire

    title = "Besoins des membres"
    province = None


class QuestionFactory(RecordFactory):
    """A question and its `choices` (French labels, in order), through `question_create`."""

    class Meta:
        model = Question

    questionnaire = parent(QuestionnaireFactory)
    order = factory.LazyAttribute(lambda o: cpde_services.next_order(o.questionnaire.questions))
    text = factory.Sequence(lambda n: f"Question {n}")
    kind = Question.Kind.SCALE
    choices = ()

    @classmethod
    def _create(cls, model_class, *args, by, choices, **fields):
        lines = [cpde_services.ChoiceLine(label) for label in choices]
        question = model_class(*args, **fields)
        return cpde_services.question_create(question=question, choices=lines, by=by).instance

    @classmethod
    def _build(cls, model_class, *args, by=None, choices=(), **fields):
        return model_class(*args, **fields)


class QuestionnaireResponseFactory(RecordFactory):
    """A member's response and its `answers` ({question id: value}), through
    `response_create`."""

    class Meta:
        model = QuestionnaireResponse

    class Params:
        province = None

    questionnaire = parent(QuestionnaireFactory)
    committee = parent_in_province(CommitteeFactory)
    member = parent(CommitteeMemberFactory, committee=factory.SelfAttribute("..committee"))
    responded_on = factory.LazyFunction(timezone.localdate)
    answers = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class, *args, by, answers, **fields):
        response = model_class(*args, **fields)
        return cpde_services.response_create(response=response, answers=answers, by=by).instance

    @classmethod
    def _build(cls, model_class, *args, by=None, answers=None, **fields):
        return model_class(*args, **fields)


class TrainingFactory(RecordFactory):
    class Meta:
        model = Training

    class Params:
        province = None

    committee = parent_in_province(CommitteeFactory)
    theme = "ValueLinks"
    start_date = factory.LazyFunction(lambda: days(-5))


class RoadmapItemFactory(RecordFactory):
    class Meta:
        model = RoadmapItem

    class Params:
        province = None

    committee = parent_in_province(CommitteeFactory)
    need = "Former au suivi"


# Value chains (valuechains) ----------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class SectorFactory(RecordFactory):
    class Meta:
        model = Sector

    code = factory.Sequence(lambda n: f"sector-{n}")
    name_fr = factory.Sequence(lambda n: f"Secteur {n}")


class CriterionFactory(RecordFactory):
    class Meta:
        model = Criterion

    code = factory.Sequence(lambda n: f"criterion-{n}")
    name_fr = factory.Sequence(lambda n: f"Critère {n}")
    weight = 10
    order = factory.Sequence(lambda n: n + 100)


class ProvinceWeightFactory(RecordFactory):
    """A province's own weight for a criterion, through `province_weight_set`."""

    class Meta:
        model = ProvinceWeight

    province = factory.LazyFunction(default_province)
    criterion = factory.SubFactory(CriterionFactory)  # national: by an administrator
    weight = 20
    reason = ""

    @classmethod
    def _create(cls, model_class, *, by, **fields):
        return vc_services.province_weight_set(by=by, **fields)


class ChainFactory(RecordFactory):
    """A candidate chain and its scope (`cercles`, `communes`), through `chain_create`."""

    class Meta:
        model = Chain

    province = factory.LazyFunction(default_province)
    sector = factory.SubFactory(SectorFactory)  # national: written by an administrator
    product = factory.Sequence(lambda n: f"Produit {n}")
    cercles = ()
    communes = ()

    @classmethod
    def _create(cls, model_class, *args, by, cercles, communes, **fields):
        fields["province"] = fields.get("province") or default_province()
        chain = model_class(*args, **fields)
        return vc_services.chain_create(
            chain=chain, by=by, cercles=cercles, communes=communes
        ).instance

    @classmethod
    def _build(cls, model_class, *args, by=None, cercles=(), communes=(), **fields):
        return model_class(*args, **fields)


class ChainScoreFactory(RecordFactory):
    """A chain's score on a criterion, through `chain_score_set`."""

    class Meta:
        model = ChainScore

    chain = parent(ChainFactory)
    criterion = factory.SubFactory(CriterionFactory)  # national: by an administrator
    score = 3
    justification = ""

    @classmethod
    def _create(cls, model_class, *, by, **fields):
        return vc_services.chain_score_set(by=by, **fields)


class DiagnosticFactory(RecordFactory):
    """A chain chosen for diagnosis (`chain_select`: a draft with its sections and the five
    default stages), then moved through the workflow by the services up to `state`: an
    operator is described before it is submitted, the coordinator's moves are made by `by`,
    and a delivered one carries a small PDF."""

    class Meta:
        model = Diagnostic

    class Params:
        province = None

    chain = parent_in_province(ChainFactory)
    state = Diagnostic.Status.DRAFT

    @classmethod
    def _create(cls, model_class, *, by, chain, state):
        diagnostic = vc_services.chain_select(chain=chain, by=by, expected_version=chain.version)
        return diagnostic_moved_to(diagnostic, state, by=by)

    @classmethod
    def _build(cls, model_class, *, by=None, chain, state=Diagnostic.Status.DRAFT):
        return model_class(chain=chain, number=1)


def diagnostic_moved_to(diagnostic: Diagnostic, state: str, *, by: User) -> Diagnostic:
    """Move a draft diagnostic on to `state` through the services, as its team would."""
    path = {
        Diagnostic.Status.DRAFT: [],
        Diagnostic.Status.SUBMITTED: ["submit"],
        Diagnostic.Status.RETURNED: ["submit", "send_back"],
        Diagnostic.Status.VALIDATED: ["submit", "validate"],
        Diagnostic.Status.DELIVERED: ["submit", "validate", "deliver"],
    }[state]
    if path and not Operator.objects.filter(stage__diagnostic=diagnostic).exists():
        OperatorFactory(stage=diagnostic.stages.order_by("order").first(), by=by)
    for name in path:
        params = None
        if name == "deliver":
            params = {
                "on": timezone.localdate(),
                "recipient": "Division de l'Action Sociale",
                "document": ContentFile(PDF_BYTES, name="diagnostic.pdf"),
            }
        diagnostic = vc_services.diagnostic_move(
            diagnostic=diagnostic,
            name=name,
            by=by,
            expected_version=diagnostic.version,
            comment="Compléter les prix." if name == "send_back" else "",
            params=params,
        )
    return diagnostic


class StageFactory(RecordFactory):
    class Meta:
        model = Stage

    class Params:
        province = None

    diagnostic = parent_in_province(DiagnosticFactory)
    order = factory.LazyAttribute(lambda o: cpde_services.next_order(o.diagnostic.stages))
    kind = Stage.Kind.OTHER
    name = factory.Sequence(lambda n: f"Étape {n}")


class OperatorFactory(RecordFactory):
    class Meta:
        model = Operator

    stage = parent(StageFactory)
    kind = Operator.Kind.PRODUCERS
    description = factory.Sequence(lambda n: f"Producteurs {n}")
    count = 40
    women = 12
    young = 8


class SupporterFactory(RecordFactory):
    class Meta:
        model = Supporter

    diagnostic = parent(DiagnosticFactory)
    kind = Supporter.Kind.PUBLIC_SERVICE
    name = factory.Sequence(lambda n: f"Service {n}")
    stages = ()


class BottleneckFactory(RecordFactory):
    """A bottleneck at `stage` (the diagnostic's first stage unless said)."""

    class Meta:
        model = Bottleneck

    diagnostic = parent(DiagnosticFactory)
    stage = factory.LazyAttribute(lambda o: o.diagnostic.stages.order_by("order", "id").first())
    title = factory.Sequence(lambda n: f"Goulot {n}")
    level = "high"
    source = "field_visit"


class OpportunityFactory(BottleneckFactory):
    class Meta:
        model = Opportunity

    title = factory.Sequence(lambda n: f"Opportunité {n}")


class SwotEntryFactory(RecordFactory):
    class Meta:
        model = SwotEntry

    diagnostic = parent(DiagnosticFactory)
    quadrant = SwotEntry.Quadrant.STRENGTH
    text = "Savoir-faire local"


class FieldObservationFactory(RecordFactory):
    class Meta:
        model = FieldObservation

    diagnostic = parent(DiagnosticFactory)
    kind = FieldObservation.Kind.FOCUS_GROUP
    date = factory.LazyFunction(lambda: days(-3))
    place = "Siège de la commune"
    women_young = 4
    men_adult = 3


class PlanObjectiveFactory(RecordFactory):
    class Meta:
        model = PlanObjective

    diagnostic = parent(DiagnosticFactory)
    text = "Doubler les ventes des coopératives"


class FlagshipActionFactory(RecordFactory):
    class Meta:
        model = FlagshipAction

    diagnostic = parent(DiagnosticFactory)
    title = factory.Sequence(lambda n: f"Action phare {n}")
    budget = 50000
    start_date = factory.LazyFunction(lambda: days(10))
    end_date = factory.LazyFunction(lambda: days(120))
    partners = ()


class IndicatorFactory(RecordFactory):
    class Meta:
        model = Indicator

    action = parent(FlagshipActionFactory)
    name = "Coopératives accompagnées"
    unit = "number"
    baseline = 0
    target = 10


class AdvocacyPointFactory(RecordFactory):
    class Meta:
        model = AdvocacyPoint

    diagnostic = parent(DiagnosticFactory)
    target_name = "Conseil provincial"
    message = "Cofinancer l'unité de conditionnement."


# Project holders (projects) ------------------------------------------------------------------


def commune_of(province) -> Commune:
    return Commune.objects.filter(province=province).order_by("code").first()


class HolderFactory(RecordFactory):
    """A holder of the province, aged 26, who gave consent last week."""

    class Meta:
        model = Holder

    province = factory.LazyFunction(default_province)
    first_name = factory.Sequence(lambda n: f"Salma{n}")
    last_name = "Ouhaddou"
    first_name_ar = "سلمى"
    last_name_ar = "أوحدو"
    sex = "F"
    birth_date = factory.LazyFunction(lambda: days(-26 * 365 - 10))
    commune = factory.LazyAttribute(lambda o: commune_of(o.province))
    channel = Holder.Channel.YOUTH_PLATFORM
    consent_on = factory.LazyFunction(lambda: days(-7))


class StructureFactory(RecordFactory):
    class Meta:
        model = Structure

    province = factory.LazyFunction(default_province)
    kind = "cooperative"
    name = factory.Sequence(lambda n: f"Coopérative {n}")
    created_on = factory.LazyFunction(lambda: days(-200))
    commune = factory.LazyAttribute(lambda o: commune_of(o.province))
    women_young = 4
    women_adult = 2
    men_young = 2
    men_adult = 2


class CallFactory(RecordFactory):
    class Meta:
        model = Call

    province = factory.LazyFunction(default_province)
    kind = Call.Kind.CALL_FOR_PROJECTS
    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    opens_on = factory.LazyFunction(lambda: days(-60))
    closes_on = factory.LazyFunction(lambda: days(30))


class ProjectFactory(RecordFactory):
    """A project of a holder of the province, at the first stage, through `project_create`."""

    class Meta:
        model = Project

    province = factory.LazyFunction(default_province)
    holder = factory.SubFactory(HolderFactory, province=factory.SelfAttribute("..province"))
    title = factory.Sequence(lambda n: f"Unité de valorisation {n}")
    sector = factory.SubFactory(SectorFactory)
    commune = factory.LazyAttribute(lambda o: commune_of(o.province))
    total_cost = 120000
    subsidy_requested = 90000
    own_contribution = 30000

    @classmethod
    def _save(cls, instance, *, by, m2m):
        return projects_services.project_create(project=instance, by=by).instance


class CreatedProjectFactory(ProjectFactory):
    """A project received on `since` (400 days ago) and moved, that day, through every stage
    up to `reached` (created), through `project_move`: visits after creation take it."""

    since = factory.LazyFunction(lambda: days(-400))
    reached = "created"

    @classmethod
    def _create(cls, model_class, *args, by, since, reached, **fields):
        project = projects_services.project_create(
            project=model_class(*args, **fields), by=by, on=since
        ).instance
        order = projects_services.stage_order()
        for to in order[1 : order.index(reached) + 1]:
            project = projects_services.project_move(
                project=project, to=to, by=by, expected_version=project.version, on=since
            )
        return project

    @classmethod
    def _build(cls, model_class, *args, by=None, since=None, reached=None, **fields):
        return model_class(*args, **fields)


class SessionFactory(RecordFactory):
    """A training of the province, through `session_create`; `holders` and `structures`
    present are passed like fields."""

    class Meta:
        model = Session

    province = factory.LazyFunction(default_province)
    on = factory.LazyFunction(lambda: days(-3))
    kind = SessionKind.TRAINING
    topic = factory.Sequence(lambda n: f"Gestion financière {n}")
    trainer = "Fatima Zahra Alaoui"

    @classmethod
    def _save(cls, instance, *, by, m2m):
        m2m = m2m or {}
        return projects_services.session_create(
            session=instance,
            holders=m2m.get("holders", ()),
            structures=m2m.get("structures", ()),
            by=by,
        ).instance


class VisitFactory(RecordFactory):
    """A visit, a week ago, to a created project of `province` (A), through `visit_create`."""

    class Meta:
        model = Visit

    class Params:
        province = None

    project = factory.SubFactory(
        CreatedProjectFactory,
        by=factory.SelfAttribute("..by"),
        province=factory.LazyAttribute(lambda o: o.factory_parent.province or default_province()),
    )
    on = factory.LazyFunction(lambda: days(-7))
    observations = "Atelier en activité, deux clients réguliers."
    turnover = 18000
    jobs_created_women = 2
    jobs_created_men = 1
    income_change = "increased"

    @classmethod
    def _save(cls, instance, *, by, m2m):
        return projects_services.visit_create(visit=instance, by=by).instance


# Cooperatives' capacity plans (projects, seed 001) ------------------------------------------

from projects import services_plans as plans_services  # noqa: E402
from projects.models import CapacityPlan, PlanActivity  # noqa: E402


class CooperativeFactory(StructureFactory):
    kind = "cooperative"
    name = factory.Sequence(lambda n: f"Coopérative Tifaouine {n}")
    name_ar = factory.Sequence(lambda n: f"تعاونية تيفاوين {n}")


class CapacityPlanFactory(RecordFactory):
    """A cooperative's plan of six months that started 40 days ago, through `plan_create`; the
    cooperative is made in `province` (A) unless given."""

    class Meta:
        model = CapacityPlan

    class Params:
        province = None

    structure = factory.SubFactory(
        CooperativeFactory,
        by=factory.SelfAttribute("..by"),
        province=factory.LazyAttribute(lambda o: o.factory_parent.province or default_province()),
    )
    starts_on = factory.LazyFunction(lambda: days(-40))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=200))
    technical_needs = "Conditionnement du miel, étiquetage conforme."
    financial_needs = "Tenue du livre de caisse, calcul du prix de revient."
    legal_needs = "Mise à jour du registre des adhérents (loi 112-12)."
    training_plan = "Gestion financière simplifiée\nHygiène et qualité (ONSSA)"

    @classmethod
    def _save(cls, instance, *, by, m2m):
        return plans_services.plan_create(plan=instance, by=by).instance


class PlanActivityFactory(RecordFactory):
    """A line of a plan's action plan, due 30 days before the plan ends, through
    `activity_create`; `stakeholders` are passed like a field."""

    class Meta:
        model = PlanActivity

    class Params:
        province = None

    plan = factory.SubFactory(
        CapacityPlanFactory,
        by=factory.SelfAttribute("..by"),
        province=factory.SelfAttribute("..province"),
    )
    activity = factory.Sequence(lambda n: f"Formation en comptabilité {n}")
    responsible = "Présidente de la coopérative"
    deadline = factory.LazyAttribute(lambda o: o.plan.ends_on - datetime.timedelta(days=30))
    follow_up_indicator = "Feuille de présence"
    performance_indicator = "Adhérentes tenant le livre de caisse"
    target = 10

    @classmethod
    def _save(cls, instance, *, by, m2m):
        return plans_services.activity_create(
            activity=instance, stakeholders=(m2m or {}).get("stakeholders", ()), by=by
        ).instance
