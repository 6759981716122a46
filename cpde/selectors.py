"""Reads of the CPDE: committee summary, attendance sheets, recommendations to review,
questionnaire results and training statistics, each computed in the database."""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from cpde.models import (
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
    Training,
    current_member_condition,
)
from provinces.models import Province, Sex
from targa.core.choices import words
from targa.core.ordering import Natural, natural_key
from targa.core.selectors import count_per, rounded_percent, whole_percentages

# Dates as people type them: day/month/year as the pages write them, or ISO (2024-03-12).
DAYS = (
    (re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b"), (3, 2, 1)),
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), (1, 2, 3)),
)
MONTHS = (
    (re.compile(r"\b(\d{1,2})[/.-](\d{4})\b"), (2, 1)),
    (re.compile(r"\b(\d{4})-(\d{1,2})\b"), (1, 2)),
)
YEAR = re.compile(r"\b(\d{4})\b")


def meetings_matching(qs: QuerySet, text: str) -> QuerySet:
    """The meetings that what a person typed names (a search field, `targa.core.choices`):
    a date as the pages write it (12/03/2024) or as ISO (2024-03-12), a month (03/2024,
    2024-03) or a year, and words of the type, the subject or the place. The other words of
    a meeting's name ("of" in "Ordinary meeting of 12/03/2024", in the user's language) are
    ignored, so its name finds it."""
    for pattern, (y, m, d) in DAYS:
        for found in pattern.finditer(text):
            try:
                day = datetime.date(int(found[y]), int(found[m]), int(found[d]))
            except ValueError:
                return qs.none()
            qs = qs.filter(date=day)
        text = pattern.sub(" ", text)
    for pattern, (y, m) in MONTHS:
        for found in pattern.finditer(text):
            if not 1 <= int(found[m]) <= 12:
                return qs.none()
            qs = qs.filter(date__year=int(found[y]), date__month=int(found[m]))
        text = pattern.sub(" ", text)
    for year in YEAR.findall(text):
        qs = qs.filter(date__year=int(year))
    text = YEAR.sub(" ", text)
    name = gettext("%(kind)s of %(date)s") % {"kind": "", "date": ""}
    filler = {w.casefold() for w in words(name)}
    for word in words(text):
        if word.casefold() in filler:
            continue
        kinds = [v for v, k in Meeting.Kind.choices if word.casefold() in str(k).casefold()]
        qs = qs.filter(Q(subject__icontains=word) | Q(place__icontains=word) | Q(kind__in=kinds))
    return qs


def committee_of(province: Province) -> Committee | None:
    return Committee.objects.filter(province=province).select_related("province").first()


def _count_subquery(qs: QuerySet, outer: str) -> Subquery:
    """A correlated COUNT(*) of `qs` grouped on `outer`, as a subquery (0 when empty)."""
    return Coalesce(
        Subquery(
            qs.order_by().values(outer).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def province_card(province: Province, perms_here) -> dict:
    """The province page's CPDE card: the committee at a glance, in one query."""
    committee = province_cpde_summary(province)
    return {
        "province": province,
        "committee": committee,
        "next_kind": next_meeting_kind_label(committee.next_meeting_kind if committee else None),
        "perms_here": perms_here,
    }


def late_recommendations_per_province(province_ids: list[int]) -> dict[int, int]:
    return count_per(
        Recommendation.objects.overdue(), "meeting__committee__province_id", province_ids
    )


def province_cpde_summary(province: Province) -> Committee | None:
    """The committee with its next meeting, current members and overdue recommendations,
    in one query (for the province page)."""
    today = timezone.localdate()
    upcoming = Meeting.objects.filter(committee=OuterRef("pk"), date__gte=today).order_by(
        "date", "start_time", "id"
    )
    return (
        Committee.objects.filter(province=province)
        .annotate(
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
            next_meeting_date=Subquery(upcoming.values("date")[:1]),
            next_meeting_kind=Subquery(upcoming.values("kind")[:1]),
            n_members=_count_subquery(
                CommitteeMember.objects.filter(committee=OuterRef("pk")).current(), "committee"
            ),
            n_overdue=_count_subquery(
                Recommendation.objects.filter(meeting__committee=OuterRef("pk")).overdue(),
                "meeting__committee",
            ),
            n_open=_count_subquery(
                Recommendation.objects.filter(meeting__committee=OuterRef("pk")).still_open(),
                "meeting__committee",
            ),
        )
        .first()
    )


def committee_overview(committee: Committee) -> dict:
    """The committee page: current members by role, meetings to come and held, totals."""
    role_order = list(CommitteeMember.Role.values)
    members = sorted(
        CommitteeMember.objects.filter(committee=committee).current().select_related("institution"),
        key=lambda m: (role_order.index(m.role), natural_key(m.name)),
    )
    today = timezone.localdate()
    meetings = Meeting.objects.filter(committee=committee)
    return {
        "members": members,
        "women": sum(1 for m in members if m.sex == Sex.WOMAN),
        "upcoming": list(meetings.filter(date__gte=today).order_by("date", "start_time")[:3]),
        "recent": list(meetings.filter(date__lt=today).order_by("-date", "-start_time")[:5]),
        "recommendations": Recommendation.objects.filter(meeting__committee=committee).aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Recommendation.Status.DONE)),
            dropped=Count("pk", filter=Q(status=Recommendation.Status.DROPPED)),
        ),
    }


def next_meeting_kind_label(kind: str | None) -> str:
    return str(dict(Meeting.Kind.choices).get(kind, "")) if kind else ""


# Attendance ------------------------------------------------------------------------------


def attendance_sheet(meeting: Meeting) -> list[CommitteeMember]:
    """Who should be on a meeting's attendance list, each with `status` (or None) and the
    `attendance_version` of their line (or None), for the sheet's edit check.

    The members current on the meeting's date, plus anyone whose attendance is already
    recorded (a member who left since keeps their line). One query.
    """
    recorded = Attendance.objects.filter(meeting=meeting, member=OuterRef("pk"))
    return list(
        CommitteeMember.objects.filter(committee_id=meeting.committee_id)
        .filter(current_member_condition(meeting.date) | Q(Exists(recorded)))
        .select_related("institution")
        .annotate(
            status=Subquery(recorded.values("status")[:1]),
            attendance_version=Subquery(recorded.values("version")[:1]),
        )
        .order_by(Natural("name"), "id")
    )


def attendance_by_status(sheet: list[CommitteeMember]) -> list[tuple[str, str, list]]:
    """The sheet's recorded lines grouped as the PV reads them: (status, its label, members),
    present first, then excused, then absent; empty groups left out."""
    groups = [
        (value, label, [m for m in sheet if m.status == value])
        for value, label in Attendance.Status.choices
    ]
    return [group for group in groups if group[2]]


@dataclass
class AttendanceCounts:
    present: int = 0
    present_women: int = 0
    present_men: int = 0
    excused: int = 0
    absent: int = 0
    guests: int = 0
    guests_women: int = 0
    guests_men: int = 0

    @property
    def participants(self) -> int:
        return self.present + self.guests

    @property
    def women(self) -> int:
        return self.present_women + self.guests_women

    @property
    def men(self) -> int:
        return self.present_men + self.guests_men


def attendance_counts(meeting: Meeting) -> AttendanceCounts:
    """Members present, excused and absent, and guests, by sex (two aggregate queries)."""
    present = Q(status=Attendance.Status.PRESENT)
    members = Attendance.objects.filter(meeting=meeting).aggregate(
        present=Count("pk", filter=present),
        present_women=Count("pk", filter=present & Q(member__sex=Sex.WOMAN)),
        present_men=Count("pk", filter=present & Q(member__sex=Sex.MAN)),
        excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
        absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
    )
    guests = Guest.objects.filter(meeting=meeting).aggregate(
        guests=Count("pk"),
        guests_women=Count("pk", filter=Q(sex=Sex.WOMAN)),
        guests_men=Count("pk", filter=Q(sex=Sex.MAN)),
    )
    return AttendanceCounts(**members, **guests)


# Recommendations -------------------------------------------------------------------------


# What a follow-up line shows of its meeting: never the minutes and decisions (long texts).
_MEETING_TEXTS = ("meeting__minutes", "meeting__decisions")


def _follow_ups_prefetch() -> Prefetch:
    return Prefetch(
        "follow_ups",
        queryset=RecommendationFollowUp.objects.select_related("meeting")
        .defer(*_MEETING_TEXTS)
        .order_by("date", "id"),
    )


def _last_follow_up_prefetch() -> Prefetch:
    """Each recommendation's latest follow-up only, as `last_follow_ups` (a list of at most
    one): one query for all of them (the database numbers each one's follow-ups)."""
    return Prefetch(
        "follow_ups",
        queryset=RecommendationFollowUp.objects.select_related("meeting")
        .defer(*_MEETING_TEXTS)
        .order_by("-date", "-id")[:1],
        to_attr="last_follow_ups",
    )


@dataclass
class Bounded:
    """The first rows of a list that may be long, and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return self.total > 0


def _bounded(qs: QuerySet, limit: int) -> Bounded:
    """The first `limit` rows and, in the same query, how many match (a window count)."""
    rows = list(qs.annotate(matching=Window(Count("pk")))[:limit])
    return Bounded(rows=rows, total=rows[0].matching if rows else 0)


# How many recommendations the meeting page shows in each list; the rest are one link away.
ISSUED_SHOWN = 30
TO_REVIEW_SHOWN = 10


def recommendations_issued_at(meeting: Meeting) -> list[Recommendation]:
    """Everything the meeting recommended, in order (for its PV)."""
    return list(meeting.recommendations.select_related("owner").order_by("id"))


def recommendations_issued_shown(meeting: Meeting, limit: int = ISSUED_SHOWN) -> Bounded:
    """What the meeting recommended, in order, with the latest follow-up of each (at a later
    meeting maybe): the first `limit` and the total. Two queries whatever the numbers."""
    qs = (
        meeting.recommendations.with_overdue()
        .select_related("owner")
        .prefetch_related(_last_follow_up_prefetch())
        .order_by("id")
    )
    return _bounded(qs, limit)


def recommendations_to_review(meeting: Meeting, limit: int = TO_REVIEW_SHOWN) -> Bounded:
    """Recommendations of earlier meetings that are still open, the oldest due first (those
    without a due date last), each with its latest follow-up: the first `limit` and the
    total. Two queries whatever the numbers; the recommendations list shows them all
    (`RecommendationFilter`: status "open or in progress", issued before the meeting)."""
    qs = (
        Recommendation.objects.filter(
            meeting__committee_id=meeting.committee_id, meeting__date__lt=meeting.date
        )
        .still_open()
        .with_overdue()
        .select_related("meeting", "owner")
        .defer(*_MEETING_TEXTS)
        .prefetch_related(_last_follow_up_prefetch())
        .order_by(F("due_date").asc(nulls_last=True), "meeting__date", "id")
    )
    return _bounded(qs, limit)


def recommendation_detail(qs: QuerySet) -> QuerySet:
    return (
        qs.with_overdue()
        .select_related("meeting__committee__province", "owner")
        .prefetch_related(_follow_ups_prefetch())
    )


# Questionnaires --------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    share: float  # percent of the question's respondents, 0–100 (the bar's length)
    percent: int = 0  # the share as written: whole percents that add up (whole_percentages)

    @property
    def rest(self) -> float:
        """Where the bar starts when it grows from the right (Arabic pages)."""
        return round(100 - self.share, 1)


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    average: float | None = None
    bars: list[Bar] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def average_share(self) -> float:
        """The average as a share of the scale (1 → 20 %, 5 → 100 %), for the bar."""
        return round(self.average * 20, 1) if self.average is not None else 0.0

    @property
    def average_rest(self) -> float:
        return round(100 - self.average_share, 1)


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


TEXT_ANSWERS_SHOWN = 300


def questionnaire_results(
    questionnaire: Questionnaire, province: Province | None
) -> tuple[int, list[QuestionResult]]:
    """Per question: how many answered, the average score, the count of each score or choice.

    Everything is counted and averaged by the database (GROUP BY question, score or
    choice), in a fixed number of queries whatever the number of responses. `province=None`
    counts every province (for a national questionnaire).
    """
    responses = QuestionnaireResponse.objects.filter(questionnaire=questionnaire)
    answers = Answer.objects.filter(response__questionnaire=questionnaire)
    if province is not None:
        responses = responses.filter(committee__province=province)
        answers = answers.filter(response__committee__province=province)
    n_responses = responses.count()
    questions = list(questionnaire.questions.prefetch_related("choices").order_by("order", "id"))

    per_question = {
        row["question"]: row
        for row in answers.order_by().values("question").annotate(n=Count("pk"), avg=Avg("value"))
    }
    per_score = {
        (row["question"], row["value"]): row["n"]
        for row in answers.filter(value__isnull=False)
        .order_by()
        .values("question", "value")
        .annotate(n=Count("pk"))
    }
    through = Answer.choices.through.objects.filter(answer__in=answers)
    per_choice = {
        row["questionchoice"]: row["n"]
        for row in through.order_by().values("questionchoice").annotate(n=Count("pk"))
    }
    texts: dict[int, list[str]] = {}
    for question_id, text in (
        answers.filter(question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .order_by("-response__responded_on", "-pk")
        .values_list("question", "text")[:TEXT_ANSWERS_SHOWN]
    ):
        texts.setdefault(question_id, []).append(text)

    results = []
    for question in questions:
        row = per_question.get(question.pk, {})
        result = QuestionResult(question=question, answered=row.get("n", 0))
        if question.kind == Question.Kind.SCALE:
            result.average = float(row["avg"]) if row.get("avg") is not None else None
            for score in range(1, 6):
                n = per_score.get((question.pk, score), 0)
                result.bars.append(Bar(str(score), n, _share(n, result.answered)))
        elif question.has_choices:
            for choice in question.choices.all():
                n = per_choice.get(choice.pk, 0)
                result.bars.append(Bar(choice.label, n, _share(n, result.answered)))
        if question.kind == Question.Kind.MULTIPLE:
            # Several choices each: the shares need not add up to 100.
            for bar in result.bars:
                bar.percent = rounded_percent(bar.count, result.answered)
        elif result.bars:
            # One score or choice each: the written shares add up to 100 %.
            percents = whole_percentages([b.count for b in result.bars], result.answered)
            for bar, percent in zip(result.bars, percents, strict=True):
                bar.percent = percent
        if question.kind == Question.Kind.TEXT:
            result.texts = texts.get(question.pk, [])
        results.append(result)
    return n_responses, results


def responses_of(questionnaire: Questionnaire, province: Province) -> QuerySet:
    return (
        QuestionnaireResponse.objects.filter(
            questionnaire=questionnaire, committee__province=province
        )
        .select_related("member__institution", "institution", "committee__province")
        .annotate(n_answers=Count("answers"))
    )


# Trainings and members -------------------------------------------------------------------


def with_training_stats(qs: QuerySet) -> QuerySet:
    """Participants, attendees and the average evaluation score, computed by the database."""
    return qs.annotate(
        n_participants=Count("participants"),
        n_attended=Count("participants", filter=Q(participants__attended=True)),
        avg_score=Avg("participants__score"),
    )


def training_average_score(training: Training) -> float | None:
    """The average of the scores given by participants who attended (NULLs left out)."""
    return training.participants.aggregate(avg=Avg("score"))["avg"]


def member_record(member: CommitteeMember) -> dict:
    """A member's attendance (counted by the database), meetings and trainings."""
    return {
        "attendance": Attendance.objects.filter(member=member).aggregate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
            excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
            absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
        ),
        "meetings": list(
            member.attendances.select_related("meeting").order_by("-meeting__date")[:50]
        ),
        "trainings": list(
            member.trainings_followed.select_related("training").order_by("-training__start_date")
        ),
    }


def training_sheet(training: Training) -> tuple[list[CommitteeMember], dict]:
    """Who is on a training's participants sheet: the members current when it started and
    anyone already on its list; with their current lines by member id."""
    lines = {p.member_id: p for p in training.participants.all()}
    members = CommitteeMember.objects.filter(committee_id=training.committee_id).filter(
        current_member_condition(training.start_date) | Q(pk__in=list(lines))
    )
    return list(members.select_related("institution").order_by(Natural("name"), "id")), lines


def questionnaires_with_counts(qs: QuerySet, province: Province) -> QuerySet:
    """Questionnaires with their number of questions and of responses in the province."""
    return qs.annotate(
        n_questions=Count("questions", distinct=True),
        n_responses=Count(
            "responses", filter=Q(responses__committee__province=province), distinct=True
        ),
    )


def response_lines(response: QuestionnaireResponse) -> list[tuple[Question, Answer | None]]:
    """Each question of the response's questionnaire with its answer (or None)."""
    answers = {a.question_id: a for a in response.answers.prefetch_related("choices")}
    questions = response.questionnaire.questions.prefetch_related("choices")
    return [(q, answers.get(q.pk)) for q in questions]


def members_with_attendance(qs: QuerySet) -> QuerySet:
    """Members with how many meetings they attended, for lists."""
    return qs.annotate(
        n_present=Count("attendances", filter=Q(attendances__status=Attendance.Status.PRESENT)),
        n_recorded=Count("attendances"),
    )


def meetings_with_counts(qs: QuerySet) -> QuerySet:
    """Meetings with the number of members present and of recommendations issued."""
    return qs.annotate(
        n_present=_count_subquery(
            Attendance.objects.filter(meeting=OuterRef("pk"), status=Attendance.Status.PRESENT),
            "meeting",
        ),
        n_recommendations=_count_subquery(
            Recommendation.objects.filter(meeting=OuterRef("pk")), "meeting"
        ),
    )


def today() -> datetime.date:
    return timezone.localdate()
