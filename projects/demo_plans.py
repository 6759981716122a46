"""Demo capacity plans (seed 001): in each programme province, a few of its demo cooperatives get
a plan drawn up by the field agent (the diagnostic of their needs, a training plan, an action
plan of four to six lines), started some months ago, with the workshops and remote follow-ups
held since (some missed, so the calendar shows what is overdue), and one plan of the province
validated by the coordinator. Written through the services, as the teams would.

Safe to run again: a province that already has plans is left as it is. Run after the holders'
demo (`projects.demo.seed`), which makes the cooperatives.
"""

import datetime
import random
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from projects import services, services_plans
from projects.demo import AGENTS, COORDINATORS
from projects.models import CapacityPlan, PlanActivity, Session, SessionKind, Structure
from provinces.demo import PROGRAMME_PROVINCES
from provinces.models import Province, Stakeholder
from targa.core.models import User
from targa.core.workflow import transition_run

PLANS_PER_PROVINCE = 3
DAY = datetime.timedelta(days=1)

NEEDS = [
    (
        "Emballage et étiquetage aux normes ONSSA ; maîtrise de l'hygiène de l'atelier.",
        "Tenue du livre de caisse, calcul du prix de revient, accès au microcrédit.",
        "Mise à jour du registre des adhérents et tenue des assemblées générales (loi 112-12).",
    ),
    (
        "Séchage et stockage des plantes sans perte de qualité ; vente en ligne.",
        "Séparer la caisse de la coopérative de celles des adhérentes ; budget annuel.",
        "Renouvellement du bureau, dépôt des statuts modifiés auprès de l'ODCO.",
    ),
    (
        "تحسين جودة المنتوج والتلفيف، والمشاركة في المعارض الجهوية.",
        "مسك المحاسبة المبسطة وحساب كلفة الإنتاج.",
        "تحيين سجل المنخرطين وعقد الجمع العام السنوي.",
    ),
]
TRAININGS = [
    "Gestion financière simplifiée (toutes les adhérentes)\nHygiène et qualité, avec l'ONSSA\n"
    "Marketing et vente en ligne (deux jeunes adhérentes)",
    "Gouvernance coopérative et loi 112-12\nCalcul du prix de revient\nAccueil des clients "
    "et participation aux salons",
    "التسيير المالي المبسط\nالجودة والسلامة الصحية\nالتسويق الرقمي",
]
ACTIONS = [
    ("Former les adhérentes au livre de caisse", "Trésorière", "Feuille de présence",
     "Adhérentes tenant le livre de caisse", 8),
    ("Refaire les étiquettes aux normes", "Présidente", "Maquette validée",
     "Produits étiquetés", 5),
    ("Calculer le prix de revient de chaque produit", "Conseillère Targa", "Fiches de coût",
     "Produits dont le prix couvre le coût", 5),
    ("Tenir l'assemblée générale annuelle", "Secrétaire", "Convocation envoyée",
     "Procès-verbal déposé à l'ODCO", 1),
    ("Participer au salon régional des produits du terroir", "Présidente",
     "Inscription confirmée", "Contacts commerciaux obtenus", 10),
    ("Ouvrir une page de vente en ligne", "Jeune adhérente", "Page créée",
     "Commandes reçues en ligne", 20),
]  # fmt: skip


def _log(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def seed(*, stdout=None, provinces: Iterable[str] | None = None) -> None:
    """Add demo capacity plans to each programme province (or to `provinces`, HCP codes) that
    has demo cooperatives and no plan yet."""
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    names = [*AGENTS.values(), *COORDINATORS.values()]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    for code in provinces or PROGRAMME_PROVINCES:
        province = Province.objects.filter(code=code).first()
        if province is None or CapacityPlan.objects.filter(structure__province=province).exists():
            continue
        cooperatives = list(
            Structure.objects.filter(province=province, kind="cooperative").order_by("pk")[
                :PLANS_PER_PROVINCE
            ]
        )
        if not cooperatives:
            continue
        agent = users.get(AGENTS.get(code, ""), admin)
        coordinator = users.get(COORDINATORS.get(code, ""), admin)
        with transaction.atomic():
            for i, cooperative in enumerate(cooperatives):
                _plan(cooperative, i, agent=agent, coordinator=coordinator)
        _log(stdout, f"Capacity plans demo data: {province.name_fr} ({len(cooperatives)} plans)")


def _plan(cooperative: Structure, i: int, *, agent: User, coordinator: User) -> CapacityPlan:
    rng = random.Random(f"plan-{cooperative.pk}")
    today = timezone.localdate()
    start = today - DAY * (30 + 35 * i)
    end = start + DAY * 200
    technical, financial, legal = NEEDS[i % len(NEEDS)]
    partners = list(Stakeholder.objects.filter(province=cooperative.province).order_by("pk")[:4])
    lines = []
    for n, (activity, responsible, follow, performance, target) in enumerate(
        rng.sample(ACTIONS, 4 + i % 3)
    ):
        deadline = min(start + DAY * (25 + 30 * n), end)
        done = deadline < today - DAY * 10 and rng.random() < 0.6
        lines.append(
            services_plans.ActivityLine(
                PlanActivity(
                    activity=activity,
                    responsible=responsible,
                    deadline=deadline,
                    follow_up_indicator=follow,
                    performance_indicator=performance,
                    target=target,
                    achieved=target if done else None,
                    status=PlanActivity.Status.DONE if done else PlanActivity.Status.PLANNED,
                ),
                stakeholders=rng.sample(partners, min(len(partners), n % 3)),
            )
        )
    plan = services_plans.plan_create(
        plan=CapacityPlan(
            structure=cooperative,
            starts_on=start,
            ends_on=end,
            technical_needs=technical,
            financial_needs=financial,
            legal_needs=legal,
            training_plan=TRAININGS[i % len(TRAININGS)],
        ),
        activities=lines,
        by=agent,
    ).instance
    _sessions(plan, rng, agent=agent)
    if i == 0:
        transition_run(
            instance=plan, name="validate", by=coordinator, expected_version=plan.version
        )
    return plan


def _sessions(plan: CapacityPlan, rng: random.Random, *, agent: User) -> None:
    """The workshops and remote follow-ups held since the plan started, one in five missed."""
    today = timezone.localdate()
    cooperative = plan.structure
    held = []
    day = plan.starts_on + DAY * 20
    while day < today:  # a workshop a month
        if rng.random() > 0.2:
            held.append((day, SessionKind.WORKSHOP, "Atelier pratique : gestion et vente"))
        day += DAY * 30
    day = plan.starts_on + DAY * 10
    while day < today:  # a call every two weeks
        if rng.random() > 0.2:
            kind = SessionKind.PHONE if rng.random() < 0.7 else SessionKind.VIDEO
            held.append((day, kind, "Suivi à distance du plan d'action"))
        day += DAY * plan.remote_every_days
    for on, kind, topic in held:
        services.session_create(
            session=Session(
                province=cooperative.province,
                on=on,
                kind=kind,
                topic=topic,
                trainer=agent.get_full_name() or agent.username,
                # A workshop at the cooperative's; a follow-up by phone or video, from afar.
                commune=cooperative.commune if kind == SessionKind.WORKSHOP else None,
                hours=Decimal("3") if kind == SessionKind.WORKSHOP else Decimal("0.5"),
            ),
            structures=[cooperative],
            by=agent,
        )
