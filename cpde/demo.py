"""Demo CPDE for the five convention provinces: members, a year of meetings with attendance,
recommendations and their follow-up, answered questionnaires, trainings and a roadmap.

Safe to run again: a province whose committee already has members is left as it is.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cpde.models import (
    AgendaItem,
    Answer,
    Attendance,
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
    TrainingParticipant,
)
from provinces.demo import PROGRAMME_PROVINCES
from provinces.models import Province, Sex, Stakeholder
from targa.core.models import User

Kind = Stakeholder.Kind
Role = CommitteeMember.Role
Status = Recommendation.Status

# (key, name, acronym, kind)
INSTITUTIONS = [
    ("das", "Division de l'Action Sociale de la Province", "DAS", Kind.DAS),
    ("sg", "Secrétariat général de la Province", "SG", Kind.OTHER),
    ("dpa", "Direction Provinciale de l'Agriculture", "DPA", Kind.SECTOR_DEPARTMENT),
    (
        "artisanat",
        "Délégation provinciale de l'Artisanat et de l'Économie sociale",
        "Artisanat",
        Kind.SECTOR_DEPARTMENT,
    ),
    ("tourisme", "Délégation provinciale du Tourisme", "Tourisme", Kind.SECTOR_DEPARTMENT),
    (
        "anapec",
        "Agence Nationale de Promotion de l'Emploi et des Compétences",
        "ANAPEC",
        Kind.AGENCY,
    ),
    ("cri", "Centre Régional d'Investissement", "CRI", Kind.AGENCY),
    ("odco", "Office du Développement de la Coopération", "ODCO", Kind.AGENCY),
    ("cam", "Crédit Agricole du Maroc", "CAM", Kind.BANK),
    ("amana", "Fondation Al Amana Microfinance", "Al Amana", Kind.BANK),
    ("conseil", "Conseil provincial", "", Kind.ELECTED_COUNCIL),
    ("targa", "TARGA-AIDE", "", Kind.ASSOCIATION),
]

# (institution key, role, position, sex)
SEATS = [
    ("sg", Role.PRESIDENT, "Secrétaire général de la Province", Sex.MAN),
    ("das", Role.SECRETARIAT, "Chef de la Division de l'Action Sociale", Sex.WOMAN),
    ("das", Role.SECRETARIAT, "Cadre chargée du Programme III", Sex.WOMAN),
    ("dpa", Role.MEMBER, "Directeur provincial", Sex.MAN),
    ("artisanat", Role.MEMBER, "Déléguée provinciale", Sex.WOMAN),
    ("tourisme", Role.MEMBER, "Chef de service", Sex.MAN),
    ("anapec", Role.MEMBER, "Directrice de l'agence", Sex.WOMAN),
    ("cri", Role.MEMBER, "Chargé de l'accompagnement des entreprises", Sex.MAN),
    ("odco", Role.MEMBER, "Délégué", Sex.MAN),
    ("cam", Role.MEMBER, "Directeur d'agence", Sex.MAN),
    ("amana", Role.MEMBER, "Responsable régionale", Sex.WOMAN),
    ("conseil", Role.MEMBER, "Vice-président du Conseil provincial", Sex.MAN),
    ("conseil", Role.MEMBER, "Conseillère provinciale", Sex.WOMAN),
    (None, Role.OBSERVER, "Présidente d'association (plateforme des jeunes)", Sex.WOMAN),
    ("targa", Role.TECHNICAL_SUPPORT, "Animatrice de terrain", Sex.WOMAN),
]

WOMEN = [
    "Fatima Zahra El Idrissi",
    "Khadija Amrani",
    "Naima Ouchen",
    "Latifa Benjelloun",
    "Hanane Lahlou",
    "Saida Ait Ouahmane",
    "Meryem Tazi",
    "Rachida Ennaji",
    "Zineb Haddaoui",
    "Soumia Boukhris",
    "خديجة العلوي",
    "نعيمة أيت حدو",
    "Siham Chraibi",
]
MEN = [
    "Mohamed Ait Lhaj",
    "Abdellah Ouzzine",
    "Hassan Bennani",
    "Youssef El Mansouri",
    "Rachid Ouaddi",
    "Mustapha Zerouali",
    "Driss Alaoui",
    "Khalid Boutaleb",
    "Omar Lamrani",
    "Said Ait Baha",
    "محمد أوحساين",
    "عبد الرحيم الزياني",
    "Brahim Oubella",
]

# A product each province works on, so that recommendations read true.
PRODUCTS = {
    "05.301": ("Khénifra", "miel et plantes aromatiques"),
    "02.251": ("Figuig", "dattes"),
    "03.131": ("Boulemane", "amande et olive"),
    "01.405": ("Ouezzane", "huile d'olive et figue"),
    "06.467": ("Sidi Bennour", "lait et maraîchage"),
}

# (days from today, kind, subject, agenda)
MEETINGS = [
    (
        -350,
        Meeting.Kind.LAUNCH,
        "Lancement du Programme III et installation du CPDE",
        [
            "Mot d'ouverture de M. le Secrétaire général",
            "Présentation de la convention-cadre TARGA-AIDE / INDH",
            "Rôle et composition du CPDE",
            "Présentation du chronogramme des activités",
        ],
    ),
    (
        -300,
        Meeting.Kind.FOLLOW_UP,
        "Suivi des recommandations de la réunion de lancement",
        ["Point sur les recommandations", "Diagnostic de terrain : démarche et calendrier"],
    ),
    (
        -240,
        Meeting.Kind.ORDINARY,
        "Restitution du diagnostic de terrain",
        [
            "Restitution du diagnostic de terrain",
            "Chaînes de valeur porteuses retenues",
            "Divers",
        ],
    ),
    (
        -190,
        Meeting.Kind.WORKSHOP,
        "Atelier d'identification des besoins en renforcement des capacités",
        [
            "Présentation du questionnaire des besoins",
            "Remplissage du questionnaire par les membres",
            "Premiers résultats et priorités",
        ],
    ),
    (
        -150,
        Meeting.Kind.FOLLOW_UP,
        "Suivi des recommandations et de la feuille de route",
        ["Point sur les recommandations", "Feuille de route de renforcement des capacités"],
    ),
    (
        -100,
        Meeting.Kind.FOCUS_GROUP,
        "Focus group avec les porteurs de projets de l'ESS",
        ["Difficultés de commercialisation", "Accès au financement", "Attentes envers le CPDE"],
    ),
    (
        -60,
        Meeting.Kind.ORDINARY,
        "Avis du CPDE sur les projets de la filière",
        [
            "Présentation des projets présélectionnés",
            "Avis du comité",
            "Plan d'action de valorisation de la chaîne de valeur",
        ],
    ),
    (
        -20,
        Meeting.Kind.FOLLOW_UP,
        "Suivi des recommandations",
        ["Point sur les recommandations en cours", "Programmation des formations"],
    ),
    (
        21,
        Meeting.Kind.ORDINARY,
        "Bilan annuel du CPDE",
        ["Bilan des activités de l'année", "Recommandations en retard", "Perspectives"],
    ),
]

# (meeting index, text, owner key, due in days after the meeting, fate)
# fate: "done" (done N days after), "progress", "open", "dropped"
RECOMMENDATIONS = [
    (0, "Désigner un point focal CPDE dans chaque service extérieur membre.", "das", 30, "done"),
    (
        0,
        "Partager avec les membres la liste des porteurs de projets accompagnés.",
        "targa",
        45,
        "done",
    ),
    (0, "Mettre à disposition une salle équipée pour les réunions du comité.", "sg", 60, "done"),
    (1, "Transmettre les données de la DPA sur la filière {product}.", "dpa", 40, "done"),
    (
        2,
        "Organiser une visite de terrain auprès des coopératives de la filière {product}.",
        "odco",
        60,
        "open",
    ),
    (
        2,
        "Étudier une ligne de financement dédiée aux coopératives de la filière {product}.",
        "cam",
        300,
        "progress",
    ),
    (
        3,
        "Programmer une formation sur l'approche chaînes de valeur (ValueLinks).",
        "targa",
        75,
        "done",
    ),
    (
        3,
        "Équiper le secrétariat du CPDE d'un ordinateur portable et d'une connexion Internet.",
        "das",
        60,
        "dropped",
    ),
    (4, "Inscrire les jeunes porteurs de projets aux programmes d'ANAPEC.", "anapec", 45, "open"),
    (
        5,
        "Créer un point de vente collectif des produits du terroir ({product}).",
        "artisanat",
        120,
        "open",
    ),
    (
        6,
        "Accompagner les projets retenus jusqu'au dépôt des dossiers au CPDH.",
        "targa",
        40,
        "progress",
    ),
    (
        7,
        "Préparer le bilan annuel des recommandations pour la prochaine réunion.",
        "das",
        18,
        "open",
    ),
]

FOLLOW_UP_NOTES = {
    "done": "Réalisé ; le service a confirmé par courrier.",
    "progress": "Démarches engagées, point à refaire à la prochaine réunion.",
    "open": "Pas encore engagé ; relance faite par le secrétariat.",
}

# Answers to the national questionnaire: the likely level per knowledge question (1–5).
SCALE_LEVELS = [3, 2, 3, 2, 3, 2, 3, 3]


def _log(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def national_questionnaire() -> Questionnaire:
    """The national questionnaire its migration made, made again if a flushed database (a
    browser test's, `manage.py flush`) lost it."""
    national = Questionnaire.objects.filter(province__isnull=True).order_by("pk").first()
    if national is None:
        from importlib import import_module

        from django.apps import apps

        import_module("cpde.migrations.0002_national_questionnaire").create(apps, None)
        import_module("cpde.migrations.0004_question_section_ar").fill(apps, None)
        national = Questionnaire.objects.filter(province__isnull=True).order_by("pk").first()
    return national


def seed(*, stdout=None) -> None:
    """Add the demo CPDE of each programme province that has no committee members yet."""
    by = User.objects.filter(username="admin").first()
    national = national_questionnaire()
    for code in PROGRAMME_PROVINCES:
        province = Province.objects.get(code=code)
        if CommitteeMember.objects.filter(committee__province=province).exists():
            continue
        _seed_province(province, by=by, questionnaire=national, rng=random.Random(code))
        _log(stdout, f"CPDE demo data: {province.name_fr}")


@transaction.atomic
def _seed_province(province, *, by, questionnaire, rng: random.Random) -> None:
    today = timezone.localdate()
    town, product = PRODUCTS.get(province.code, (province.name_fr, "produits du terroir"))
    committee, _ = Committee.objects.get_or_create(
        province=province, defaults={"created_on": today + datetime.timedelta(days=-350)}
    )
    institutions = {}
    for key, name, acronym, kind in INSTITUTIONS:
        institutions[key], _ = Stakeholder.objects.get_or_create(
            province=province, name=name, defaults={"acronym": acronym, "kind": kind}
        )

    women, men = WOMEN[:], MEN[:]
    rng.shuffle(women)
    rng.shuffle(men)
    members = []
    for key, role, position, sex in SEATS:
        name = (women if sex == Sex.WOMAN else men).pop()
        members.append(
            CommitteeMember.objects.create(
                committee=committee,
                name=name,
                sex=sex,
                role=role,
                position=position,
                institution=institutions.get(key),
                institution_name="" if key else f"Association Tiwizi {town}",
                start_date=today + datetime.timedelta(days=-350),
            )
        )
    # One member left during the year and was replaced.
    leaver = members[5]
    leaver.end_date = today + datetime.timedelta(days=-160)
    leaver.save()
    replacement = CommitteeMember.objects.create(
        committee=committee,
        name=men.pop(),
        sex=Sex.MAN,
        role=Role.MEMBER,
        position="Chef de service (par intérim)",
        institution=leaver.institution,
        start_date=today + datetime.timedelta(days=-159),
    )
    members.append(replacement)

    meetings = []
    for days, kind, subject, agenda in MEETINGS:
        date = today + datetime.timedelta(days=days)
        meeting = Meeting.objects.create(
            committee=committee,
            kind=kind,
            date=date,
            start_time=datetime.time(10, 0)
            if kind != Meeting.Kind.WORKSHOP
            else datetime.time(9, 0),
            place=f"Siège de la Province de {town}, salle de réunions",
            subject=subject,
            minutes=(
                ""
                if days > 0
                else f"La séance a été ouverte à 10 h par le président du comité. {subject}. "
                "Les membres ont débattu de chaque point de l'ordre du jour."
            ),
            decisions=(
                ""
                if days > 0
                else "Les recommandations ci-dessous ont été adoptées à l'unanimité des présents."
            ),
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, order=i, title=title)
            for i, title in enumerate(agenda, start=1)
        )
        if days <= 0:
            lines = []
            for member in members:
                if not member.is_current(date):
                    continue
                roll = rng.random()
                status = (
                    Attendance.Status.PRESENT
                    if roll < 0.75
                    else Attendance.Status.EXCUSED
                    if roll < 0.9
                    else Attendance.Status.ABSENT
                )
                lines.append(Attendance(meeting=meeting, member=member, status=status))
            bulk_create_with_history(lines, Attendance, default_user=by)
            if kind in (Meeting.Kind.WORKSHOP, Meeting.Kind.FOCUS_GROUP):
                Guest.objects.create(
                    meeting=meeting,
                    name=rng.choice(["Amina Bouzid", "Hicham Naciri", "Loubna Rami"]),
                    institution="Coopérative féminine Tafraout",
                    sex=Sex.WOMAN,
                )
                Guest.objects.create(
                    meeting=meeting,
                    name="Ayoub Chakir",
                    institution="Porteur de projet (auto-entrepreneur)",
                    sex=Sex.MAN,
                )
        meetings.append(meeting)

    follow_up_meetings = [
        m for m in meetings if m.kind == Meeting.Kind.FOLLOW_UP and m.date <= today
    ]
    for index, text, owner, due_in, fate in RECOMMENDATIONS:
        meeting = meetings[index]
        due = meeting.date + datetime.timedelta(days=due_in)
        rec = Recommendation.objects.create(
            meeting=meeting,
            text=text.format(product=product),
            owner=institutions[owner],
            due_date=due,
        )
        later = [m for m in follow_up_meetings if m.date > meeting.date]
        if fate == "open":
            if later:
                _follow(rec, later[0], FOLLOW_UP_NOTES["open"])
            continue
        if fate == "dropped":
            _change(
                rec,
                later[0] if later else None,
                Status.DROPPED,
                "Le matériel a été fourni par la Province dans le cadre d'un autre programme.",
            )
            continue
        _change(rec, later[0] if later else None, Status.IN_PROGRESS, FOLLOW_UP_NOTES["progress"])
        if fate == "done" and len(later) > 1:
            _change(rec, later[1], Status.DONE, FOLLOW_UP_NOTES["done"])

    if questionnaire is not None:
        _seed_responses(committee, questionnaire, members, meetings[3].date, rng, by)
        trainings = _seed_trainings(committee, questionnaire, members, today, rng, by)
        _seed_roadmap(committee, questionnaire, trainings, today)


def _follow(rec: Recommendation, meeting: Meeting, note: str) -> None:
    RecommendationFollowUp.objects.create(
        recommendation=rec, date=meeting.date, meeting=meeting, note=note
    )


def _change(rec: Recommendation, meeting: Meeting | None, status: str, note: str) -> None:
    date = meeting.date if meeting else rec.meeting.date + datetime.timedelta(days=30)
    before = rec.status
    rec.status = status
    rec.done_on = date if status == Status.DONE else None
    rec.dropped_reason = note if status == Status.DROPPED else ""
    rec.save()
    RecommendationFollowUp.objects.create(
        recommendation=rec,
        date=date,
        meeting=meeting,
        note=note,
        status_before=before,
        status_after=status,
    )


def _seed_responses(committee, questionnaire, members, date, rng, by) -> None:
    questions = list(questionnaire.questions.prefetch_related("choices").order_by("order"))
    scales = [q for q in questions if q.kind == Question.Kind.SCALE]
    respondents = [m for m in members if m.is_current(date)][:11]
    for member in respondents:
        response = QuestionnaireResponse.objects.create(
            questionnaire=questionnaire, committee=committee, member=member, responded_on=date
        )
        answers, chosen = [], {}
        for question in questions:
            if question.kind == Question.Kind.SCALE:
                level = SCALE_LEVELS[scales.index(question) % len(SCALE_LEVELS)]
                value = min(5, max(1, level + rng.choice([-1, 0, 0, 1])))
                answers.append(Answer(response=response, question=question, value=value))
            elif question.kind == Question.Kind.TEXT:
                if rng.random() < 0.3:
                    answers.append(
                        Answer(
                            response=response,
                            question=question,
                            text="Prévoir les formations hors période des récoltes.",
                        )
                    )
            else:
                options = list(question.choices.all())
                if question.kind == Question.Kind.SINGLE:
                    picked = [rng.choice(options[: max(2, len(options) - 1)])]
                else:
                    picked = rng.sample(options[:-1] if len(options) > 3 else options, k=3)
                answer = Answer(response=response, question=question)
                answers.append(answer)
                chosen[id(answer)] = picked
        bulk_create_with_history(answers, Answer, default_user=by)
        through = Answer.choices.through
        through.objects.bulk_create(
            through(answer_id=a.pk, questionchoice_id=c.pk)
            for a in answers
            for c in chosen.get(id(a), [])
        )


def _seed_trainings(committee, questionnaire, members, today, rng, by) -> list[Training]:
    questions = {q.order: q for q in questionnaire.questions.all()}
    plans = [
        (
            "Approche chaînes de valeur (ValueLinks)",
            -130,
            2,
            "Expert GIZ ValueLinks",
            [5],
        ),
        ("Suivi-évaluation des projets de l'INDH", -35, 1, "Consultante en suivi-évaluation", [7]),
    ]
    trainings = []
    for theme, days, length, trainer, need_orders in plans:
        start = today + datetime.timedelta(days=days)
        training = Training.objects.create(
            committee=committee,
            theme=theme,
            start_date=start,
            end_date=start + datetime.timedelta(days=length - 1),
            trainer=trainer,
            place="Salle de formation de la Province",
        )
        training.needs.set([questions[o] for o in need_orders if o in questions])
        lines = []
        for member in [m for m in members if m.is_current(start)][:10]:
            attended = rng.random() < 0.85
            lines.append(
                TrainingParticipant(
                    training=training,
                    member=member,
                    attended=attended,
                    score=rng.choice([3, 4, 4, 5, 5]) if attended else None,
                )
            )
        bulk_create_with_history(lines, TrainingParticipant, default_user=by)
        trainings.append(training)
    return trainings


def _seed_roadmap(committee, questionnaire, trainings, today) -> None:
    questions = {q.order: q for q in questionnaire.questions.all()}
    items = [
        (
            "Maîtriser l'approche chaînes de valeur",
            5,
            RoadmapItem.Priority.HIGH,
            [0],
            -120,
            RoadmapItem.Status.DONE,
        ),
        (
            "Suivre et évaluer les projets financés",
            7,
            RoadmapItem.Priority.HIGH,
            [1],
            -30,
            RoadmapItem.Status.DONE,
        ),
        (
            "Connaître l'économie sociale et solidaire et le statut des coopératives",
            8,
            RoadmapItem.Priority.MEDIUM,
            [],
            60,
            RoadmapItem.Status.PLANNED,
        ),
        (
            "Intégrer l'approche genre dans l'avis sur les projets",
            9,
            RoadmapItem.Priority.MEDIUM,
            [],
            90,
            RoadmapItem.Status.PLANNED,
        ),
        (
            "Équiper et former le secrétariat aux outils informatiques",
            3,
            RoadmapItem.Priority.LOW,
            [],
            120,
            RoadmapItem.Status.IN_PROGRESS,
        ),
    ]
    for need, order, priority, training_idx, days, status in items:
        item = RoadmapItem.objects.create(
            committee=committee,
            need=need,
            question=questions.get(order),
            priority=priority,
            target_date=today + datetime.timedelta(days=days),
            status=status,
        )
        item.trainings.set([trainings[i] for i in training_idx])
