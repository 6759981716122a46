"""Demo users, programme provinces and the programme's records in the five convention provinces
(manage.py seed_demo runs `seed`, then the other apps' seeds).

Safe to run again: every record is looked up by its natural key first, so a second run
creates nothing. Dates of the current year are set relative to today, so that the demo
always shows work done, under way, late and planned.
"""

import datetime
import importlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from provinces.models import (
    Activity,
    ActivityCategory,
    Commune,
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
from provinces.territories import load_territories
from targa.core.models import User
from targa.core.records import record_create, record_update

D = datetime.date

DEMO_PASSWORD = "targa-demo-2026"

# The five provinces of the TARGA-AIDE framework convention signed on 5 February 2021.
PROGRAMME_PROVINCES = {
    "02.251": "Figuig",
    "03.131": "Boulemane",
    "01.405": "Ouezzane",
    "05.301": "Khénifra",
    "06.467": "Sidi Bennour",
}
CONVENTION_DATE = datetime.date(2021, 2, 5)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    provinces: tuple[str, ...]  # HCP codes; empty means all provinces
    label: str


DEMO_USERS = [
    DemoUser("admin", "Samira", "Alaoui", Role.ADMIN, (), "administrator, all provinces"),
    DemoUser(
        "coord.khenifra",
        "Youssef",
        "Amrani",
        Role.COORDINATOR,
        ("05.301", "03.131"),
        "coordinator, Khénifra and Boulemane",
    ),
    DemoUser(
        "agent.khenifra", "Fatima", "Ouhadi", Role.FIELD_AGENT, ("05.301",), "field agent, Khénifra"
    ),
    DemoUser(
        "agent.figuig", "Karim", "Benali", Role.FIELD_AGENT, ("02.251",), "field agent, Figuig"
    ),
    DemoUser("viewer.national", "Nadia", "Berrada", Role.VIEWER, (), "viewer, all provinces"),
]


@transaction.atomic
def seed_programme_provinces() -> list[ProvinceProgramme]:
    programmes = []
    for code in PROGRAMME_PROVINCES:
        province = Province.objects.get(code=code)
        programme, _ = ProvinceProgramme.objects.get_or_create(
            province=province,
            defaults={
                "is_active": True,
                "started_on": CONVENTION_DATE,
                "operator": "TARGA-AIDE",
                "notes": "Convention-cadre TARGA-AIDE / Coordination nationale de l'INDH.",
            },
        )
        programmes.append(programme)
    return programmes


@transaction.atomic
def seed_users() -> list[tuple[DemoUser, User]]:
    out = []
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@demo.targa.ma",
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        if demo.provinces:
            for code in demo.provinces:
                Membership.objects.get_or_create(
                    user=user,
                    province=Province.objects.get(code=code),
                    defaults={"role": demo.role},
                )
        else:
            Membership.objects.get_or_create(user=user, province=None, defaults={"role": demo.role})
        out.append((demo, user))
    return out


def ensure_activity_categories() -> None:
    """The categories of the progress report, if missing (e.g. after a test flushed them)."""
    migration = importlib.import_module("provinces.migrations.0005_activity_categories")
    for order, (code, name_fr, name_ar) in enumerate(migration.CATEGORIES, start=1):
        ActivityCategory.objects.get_or_create(
            code=code, defaults={"name_fr": name_fr, "name_ar": name_ar, "order": order * 10}
        )


@dataclass(frozen=True)
class ProvinceDemo:
    value_chain: str
    budget: Decimal
    association: str
    cooperative: str
    youth_platform: str  # run by the association
    other: tuple[str, str]  # one more organisation, known by its Arabic name, and its kind
    responsible: str = ""  # demo username of who leads the activities, if any

    @property
    def stakeholders(self) -> tuple[tuple[str, str, str], ...]:
        """name, acronym, kind of the province's own organisations."""
        return (
            (self.association, "", Stakeholder.Kind.ASSOCIATION),
            (self.cooperative, "", Stakeholder.Kind.COOPERATIVE),
            (self.youth_platform, "", Stakeholder.Kind.YOUTH_PLATFORM),
            (self.other[0], "", self.other[1]),
        )


K = Stakeholder.Kind
ANAPEC = "Agence Nationale de Promotion de l'Emploi et des Compétences"
CRI = "Centre Régional d'Investissement"
# Named as in the CPDE demo, so that both demos share these institutions.
INSTITUTIONS = (
    (ANAPEC, "ANAPEC", K.AGENCY),
    (CRI, "CRI", K.AGENCY),
    ("Office du Développement de la Coopération", "ODCO", K.AGENCY),
    ("Direction Provinciale de l'Agriculture", "DPA", K.SECTOR_DEPARTMENT),
)
PROVINCES = {
    "05.301": ProvinceDemo(
        "plantes aromatiques et médicinales",
        Decimal("1450000.00"),
        association="Association Tiwizi",
        cooperative="Coopérative Tighanimine",
        youth_platform="Plateforme des jeunes de Khénifra",
        other=("تعاونية الأطلس للأعشاب الطبية", K.COOPERATIVE),
        responsible="coord.khenifra",
    ),
    "02.251": ProvinceDemo(
        "dattes",
        Decimal("1180000.00"),
        association="Association Oasis Figuig",
        cooperative="Coopérative Tamount des dattes",
        youth_platform="Plateforme des jeunes de Figuig",
        other=("جمعية واحة فجيج للتنمية", K.ASSOCIATION),
        responsible="agent.figuig",
    ),
    "03.131": ProvinceDemo(
        "pommes",
        Decimal("1120000.00"),
        association="Association Marmoucha pour le développement",
        cooperative="Coopérative Tafraout des pommes",
        youth_platform="Plateforme des jeunes de Missour",
        other=("جمعية ملوية للتنمية المحلية", K.ASSOCIATION),
    ),
    "01.405": ProvinceDemo(
        "huile d'olive",
        Decimal("1260000.00"),
        association="Association Dar Dmana",
        cooperative="Coopérative Zitoun Ouezzane",
        youth_platform="Plateforme des jeunes d'Ouezzane",
        other=("تعاونية زيتون وزان", K.COOPERATIVE),
    ),
    "06.467": ProvinceDemo(
        "lait et produits laitiers",
        Decimal("1310000.00"),
        association="Association Doukkala Avenir",
        cooperative="Coopérative laitière Zmamra",
        youth_platform="Plateforme des jeunes de Sidi Bennour",
        other=("جمعية الوالدية للتنمية", K.ASSOCIATION),
    ),
}

CONVENTION_TITLE = "Convention-cadre TARGA-AIDE – Coordination nationale de l'INDH"


def _ensure(model, lookup: dict, defaults: dict, by: User | None, m2m: dict | None = None):
    """The record matching `lookup`, created (through the records service) if missing."""
    existing = model._default_manager.filter(**lookup).first()
    if existing is not None:
        return existing
    instance = record_create(instance=model(**lookup, **defaults), by=by).instance
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    return instance


def _convention(by: User | None) -> FrameworkConvention:
    return _ensure(
        FrameworkConvention,
        {"title": CONVENTION_TITLE},
        {
            "parties": "Association TARGA-AIDE\nCoordination nationale de l'INDH",
            "signed_on": CONVENTION_DATE,
            "scope": (
                "Accompagner les Comités Provinciaux de Développement Humain (CPDH) dans la "
                "mise en œuvre du Programme III de l'INDH et soutenir le travail du Comité "
                "Provincial du Développement Économique (CPDE) pour l'inclusion économique "
                "des jeunes et des femmes, par la promotion de l'ESS et l'appui aux chaînes "
                "de valeur."
            ),
        },
        by,
        m2m={"provinces": list(Province.objects.filter(code__in=PROGRAMME_PROVINCES))},
    )


def _stakeholders(province: Province, demo: ProvinceDemo, communes, by) -> dict[str, Stakeholder]:
    out = {}
    for i, (name, acronym, kind) in enumerate((*demo.stakeholders, *INSTITUTIONS)):
        out[name] = _ensure(
            Stakeholder,
            {"province": province, "name": name},
            {"acronym": acronym, "kind": kind},
            by,
            m2m={"communes": communes[i % len(communes) : i % len(communes) + 2]},
        )
    association, platform = out[demo.association], out[demo.youth_platform]
    if platform.managing_association_id is None:
        platform.managing_association = association
        record_update(instance=platform, expected_version=platform.version, by=by)
    return out


def _activities(province, demo: ProvinceDemo, responsible, by, today) -> None:
    C = {c.code: c for c in ActivityCategory.objects.all()}
    OS = Objective
    S = Activity.Status
    days = datetime.timedelta
    # fmt: off
    rows = [
        # title, category, objective, (planned start, end), (actual start, end), status
        ("Réunion de lancement du programme au siège de la province", "launch_meeting", OS.SYNERGY,
         (D(2021, 3, 15), D(2021, 3, 15)), (D(2021, 3, 18), D(2021, 3, 18)), S.DONE),
        ("Élaboration du chronogramme des activités", "chronogram", OS.SYNERGY,
         (D(2021, 3, 22), D(2021, 4, 9)), (D(2021, 3, 25), D(2021, 4, 16)), S.DONE),
        ("Diagnostic de terrain des secteurs productifs", "field_diagnostic", OS.VALUE_CHAINS,
         (D(2021, 4, 15), D(2021, 6, 30)), (D(2021, 4, 20), D(2021, 7, 15)), S.DONE),
        ("Suivi des recommandations de l'atelier de lancement", "recommendation_follow_up",
         OS.SYNERGY, (D(2021, 5, 10), D(2021, 5, 10)), (D(2021, 5, 12), D(2021, 5, 12)), S.DONE),
        ("Questionnaire des besoins des membres du CPDE", "needs_questionnaire", OS.SYNERGY,
         (D(2021, 6, 15), D(2021, 7, 15)), (D(2021, 6, 20), D(2021, 7, 30)), S.DONE),
        ("Diagnostic des chaînes de valeur au niveau des cercles", "value_chain_diagnostic",
         OS.VALUE_CHAINS, (D(2021, 7, 1), D(2021, 10, 31)), (D(2021, 7, 5), D(2021, 11, 20)),
         S.DONE),
        ("Réunion avec les prestataires et la plateforme des jeunes", "provider_meeting",
         OS.VIABLE_PROJECTS, (D(2021, 9, 15), D(2021, 9, 15)), (D(2021, 9, 16), D(2021, 9, 16)),
         S.DONE),
        ("Visites de terrain et repérage des porteurs de projets", "field_visit",
         OS.VIABLE_PROJECTS, (D(2021, 10, 1), D(2021, 11, 30)), (D(2021, 10, 4), D(2021, 12, 3)),
         S.DONE),
        ("Remise du diagnostic des chaînes de valeur porteuses à la Province",
         "deliverable_handover", OS.VALUE_CHAINS, (D(2021, 12, 15), D(2021, 12, 15)),
         (D(2021, 12, 20), D(2021, 12, 20)), S.DONE),
        ("Formation des membres du CPDE : montage de projets ESS", "training", OS.SYNERGY,
         (D(2022, 1, 17), D(2022, 1, 21)), (D(2022, 1, 17), D(2022, 1, 21)), S.DONE),
        ("Focus groups avec les porteurs de projets de l'ESS", "focus_group", OS.VIABLE_PROJECTS,
         (D(2022, 2, 14), D(2022, 3, 31)), (D(2022, 2, 21), D(2022, 4, 15)), S.DONE),
        (f"Plan d'actions de la chaîne de valeur {demo.value_chain}", "value_chain_diagnostic",
         OS.VALUE_CHAINS, (D(2022, 2, 1), D(2022, 5, 31)), (D(2022, 2, 7), D(2022, 6, 10)),
         S.DONE),
        ("Stratégie de plaidoyer pour les actions phares", "advocacy", OS.VALUE_CHAINS,
         (D(2022, 6, 1), D(2022, 9, 30)), (D(2022, 6, 15), None), S.IN_PROGRESS),
        ("Accompagnement post-création des coopératives sélectionnées", "field_visit",
         OS.ESS_SUPPORT, (D(2022, 4, 1), D(2022, 12, 31)), (D(2022, 4, 4), D(2022, 12, 23)),
         S.DONE),
        ("Réunion du CPDE : bilan annuel", "cpde_meeting", OS.SYNERGY,
         (today - days(150), today - days(150)), (today - days(146), today - days(146)), S.DONE),
        ("Formation des porteurs de projets : gestion d'une coopérative", "training",
         OS.ESS_SUPPORT, (today - days(120), today - days(95)),
         (today - days(118), today - days(92)), S.DONE),
        ("Formation des membres du CPDE : marchés publics", "training", OS.SYNERGY,
         (today - days(75), today - days(15)), (today - days(70), None), S.IN_PROGRESS),
        (f"Suivi du plan d'actions {demo.value_chain}", "value_chain_diagnostic",
         OS.VALUE_CHAINS, (today - days(30), today + days(45)), (today - days(25), None),
         S.IN_PROGRESS),
        ("Focus group avec les femmes porteuses de projets", "focus_group", OS.VIABLE_PROJECTS,
         (today - days(20), today + days(10)), (None, None), S.PLANNED),
        ("Atelier provincial sur l'accès aux marchés", "advocacy", OS.ESS_SUPPORT,
         (today - days(200), today - days(199)), (None, None), S.CANCELLED),
        ("Réunion de suivi des recommandations du CPDE", "recommendation_follow_up", OS.SYNERGY,
         (today + days(30), today + days(30)), (None, None), S.PLANNED),
        ("Remise du rapport annuel d'activités à la Province", "deliverable_handover",
         OS.SYNERGY, (today + days(60), today + days(75)), (None, None), S.PLANNED),
    ]
    for i, (title, category, objective, planned, actual, status) in enumerate(rows):
        # Some activities are led by someone with an account, others by the team at large.
        user = responsible if i % 3 != 2 else None
        name = "" if user else "Équipe TARGA-AIDE"
        _ensure(
            Activity,
            {"province": province, "title": title},
            {
                "category": C[category],
                "objective": objective,
                "planned_start": planned[0],
                "planned_end": planned[1],
                "actual_start": actual[0],
                "actual_end": actual[1],
                "status": status,
                "responsible": user,
                "responsible_name": name,
                "deliverable": "Rapport remis à la DAS" if category.endswith("handover") else "",
            },
            by,
        )


def _visits(province, communes, people: dict[str, Stakeholder], demo, by, today) -> None:
    days = datetime.timedelta
    visits = [
        (
            FieldVisit.Kind.FIELD_VISIT,
            D(2021, 10, 12),
            communes[2:4],
            [people[demo.cooperative]],
            "La présidente et 12 membres de la coopérative ; deux jeunes porteurs d'idées.",
            "Repérage des porteurs de projets et prise de contact.",
            "Production en hausse mais pas d'emballage ni d'accès aux marchés urbains.",
            [
                (
                    "Transmettre la liste des porteurs repérés à la DAS",
                    "Animateur",
                    D(2021, 10, 31),
                    D(2021, 10, 28),
                )
            ],
        ),
        (
            FieldVisit.Kind.YOUTH_PLATFORM_MEETING,
            D(2022, 2, 8),
            communes[:1],
            [people[demo.youth_platform], people[demo.association]],
            "Le coordinateur de la plateforme et deux conseillers.",
            "Orientation des jeunes vers les appels à projets du Programme III.",
            "Une quarantaine de jeunes reçus par mois ; besoin de formations en gestion.",
            [
                (
                    "Partager le calendrier des formations",
                    "Conseiller ESS",
                    D(2022, 2, 28),
                    D(2022, 2, 25),
                )
            ],
        ),
        (
            FieldVisit.Kind.PROVIDER_MEETING,
            today - days(40),
            communes[:1],
            [people[ANAPEC], people[CRI]],
            "Responsables ANAPEC et CRI.",
            "Réunion avec les prestataires de services : accompagnement en pré-création.",
            "Les fiches de suivi des porteurs ne sont pas partagées entre prestataires.",
            [
                (
                    "Envoyer la fiche de suivi commune des porteurs",
                    "Coordinateur provincial",
                    today - days(10),
                    None,
                ),
                (
                    "Organiser une séance d'information sur l'auto-entreprise",
                    "ANAPEC",
                    today + days(20),
                    None,
                ),
            ],
        ),
        (
            FieldVisit.Kind.FIELD_VISIT,
            today - days(12),
            communes[4:5],
            [people[demo.other[0]]],
            "Le bureau de la coopérative.",
            "Visite de suivi post-création.",
            "Ventes régulières ; l'autorisation sanitaire ONSSA manque pour les grandes surfaces.",
            [
                ("Accompagner le dossier d'autorisation ONSSA", "Animateur", today - days(3), None),
                (
                    "Mettre la coopérative en relation avec un distributeur",
                    "Animateur",
                    today + days(30),
                    None,
                ),
            ],
        ),
    ]
    for kind, date, where, whom, people_met, purpose, findings, actions in visits:
        visit = _ensure(
            FieldVisit,
            {"province": province, "kind": kind, "purpose": purpose},
            {"date": date, "people_met": people_met, "findings": findings},
            by,
            m2m={"communes": list(where), "stakeholders": whom},
        )
        for description, owner, due_on, done_on in actions:
            _ensure(
                FollowUpAction,
                {"visit": visit, "description": description},
                {
                    "owner": owner,
                    "due_on": due_on,
                    "done_on": done_on,
                    "status": FollowUpAction.Status.DONE if done_on else FollowUpAction.Status.OPEN,
                },
                by,
            )


def seed(*, stdout=None) -> None:
    """Territories (if not loaded yet), the programme provinces, the demo users, then the
    programme's records. Safe to run again: nothing is duplicated."""
    if not Province.objects.exists():
        load_territories()
    seed_programme_provinces()
    users = seed_users()
    seed_programme_records(stdout=stdout)
    if stdout is not None:
        stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo, _user in users:
            stdout.write(f"  {demo.username:<18} {demo.label}")


@transaction.atomic
def seed_programme_records(*, stdout=None) -> None:
    """The convention, and per province a contract, stakeholders, a chronogram and visits."""
    ensure_activity_categories()
    today = timezone.localdate()
    by = User.objects.filter(username="admin").first()
    convention = _convention(by)
    for code, demo in PROVINCES.items():
        province = Province.objects.get(code=code)
        communes = list(Commune.objects.filter(province=province).order_by("code"))
        last_month = D(today.year + 1, 12, 1)
        months = (last_month.year - 2021) * 12 + last_month.month - 4 + 1
        _ensure(
            ExecutionContract,
            {"province": province, "reference": f"CSE-{code}-2021"},
            {
                "convention": convention,
                "signed_on": D(2021, 3, 15),
                "start_on": D(2021, 4, 1),
                "duration_months": min(months, 120),
                "budget": demo.budget,
                "status": ExecutionContract.Status.IN_PROGRESS,
                "notes": "Contrat spécifique d'exécution signé lors de la réunion de lancement.",
            },
            by,
        )
        stakeholders = _stakeholders(province, demo, communes, by)
        responsible = (
            User.objects.filter(username=demo.responsible).first() if demo.responsible else None
        )
        _activities(province, demo, responsible, by, today)
        _visits(province, communes, stakeholders, demo, by, today)
    if stdout is not None:
        stdout.write(
            "Programme: convention, contracts, chronograms and field visits in "
            f"{len(PROVINCES)} provinces."
        )
