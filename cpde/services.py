"""Every change to the CPDE's records that is more than one form saving one record: the
committee set up on first use, a meeting with its agenda, attendance in one go,
recommendation status and follow-up, questionnaire responses, training participants.

Each service validates, saves through `targa.core.records` (history, optimistic locking,
idempotent creation) and runs in one transaction: all or nothing.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cpde.models import (
    AgendaItem,
    Answer,
    Attendance,
    Committee,
    Meeting,
    Question,
    QuestionChoice,
    QuestionnaireResponse,
    Recommendation,
    RecommendationFollowUp,
    Training,
    TrainingParticipant,
)
from cpde.selectors import attendance_sheet
from provinces.access import Perm, has_perm
from provinces.models import Province
from targa.core.models import User
from targa.core.records import (
    Created,
    LineErrors,
    check_sheet_versions,
    record_create,
    record_created_by,
    record_delete,
    record_update,
)
from targa.core.workflow import transition_between, transition_run

# Committee and meetings ------------------------------------------------------------------


@transaction.atomic
def committee_ensure(*, province: Province, by: User) -> Committee:
    """The province's committee, set up with its default name the first time it is needed."""
    committee = Committee.objects.filter(province=province).first()
    if committee is None:
        committee = record_create(instance=Committee(province=province), by=by).instance
    return committee


@transaction.atomic
def meeting_create(
    *, meeting: Meeting, agenda: list[str], by: User, submission_id: uuid.UUID | None = None
) -> Created:
    """Save a new meeting and its agenda items, numbered in the order given."""
    result = record_create(instance=meeting, by=by, submission_id=submission_id)
    if result.created:
        for order, title in enumerate(agenda, start=1):
            record_create(
                instance=AgendaItem(meeting=result.instance, order=order, title=title), by=by
            )
    return result


def next_order(items: QuerySet) -> int:
    """The `order` a new line appended after `items` (agenda items, questions) takes."""
    last = items.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def meeting_record_attendance(
    *,
    meeting: Meeting,
    statuses: dict[int, str],
    by: User,
    versions_opened: dict[int, int] | None = None,
) -> int:
    """Record who was present, excused or absent, for every member on the list at once.

    `statuses` maps member ids to a status. Only members on the meeting's attendance sheet
    (see `cpde.selectors.attendance_sheet`) are accepted. `versions_opened` maps member ids
    to the version of their line when the sheet was opened: if anyone recorded attendance
    since, EditConflict is raised and nothing is saved. Returns the number of lines created or
    changed; nothing is saved if anything is wrong.
    """
    if not meeting.has_taken_place:
        raise ValidationError(_("Attendance is recorded once the meeting has taken place."))
    allowed = {m.pk for m in attendance_sheet(meeting)}
    unknown = set(statuses) - allowed
    if unknown:
        raise ValidationError(_("Some people on the list are not members of this committee."))
    valid = set(Attendance.Status.values)
    if any(status not in valid for status in statuses.values()):
        raise ValidationError(_("Choose present, excused or absent."))
    existing = {
        a.member_id: a for a in Attendance.objects.select_for_update().filter(meeting=meeting)
    }
    check_sheet_versions(
        existing=existing,
        opened=versions_opened,
        history=Attendance.history.filter(meeting_id=meeting.pk),
        key="member_id",
    )
    changed = 0
    for member_id, status in statuses.items():
        line = existing.get(member_id)
        if line is None:
            record_create(
                instance=Attendance(meeting=meeting, member_id=member_id, status=status), by=by
            )
            changed += 1
        elif line.status != status:
            line.status = status
            record_update(instance=line, expected_version=line.version, by=by)
            changed += 1
    return changed


# Recommendations -------------------------------------------------------------------------


def _require(by: User, perm: Perm, recommendation: Recommendation) -> None:
    if not has_perm(by, perm, recommendation.meeting.committee.province):
        raise PermissionDenied


def follow_up_already_logged(
    submission_id: uuid.UUID | None, recommendation: Recommendation, by: User
) -> RecommendationFollowUp | None:
    """The follow-up this very form already logged (a resend), if any: same recommendation,
    same person; anyone else's token is not a resend."""
    if submission_id is None:
        return None
    found = RecommendationFollowUp.objects.filter(
        submission_id=submission_id, recommendation=recommendation
    ).first()
    return found if found is not None and record_created_by(found, by) else None


def _log(
    *,
    recommendation: Recommendation,
    by: User,
    date: datetime.date,
    note: str,
    meeting: Meeting | None,
    before: str = "",
    after: str = "",
    submission_id: uuid.UUID | None = None,
) -> RecommendationFollowUp:
    follow_up = RecommendationFollowUp(
        recommendation=recommendation,
        date=date,
        note=note,
        meeting=meeting,
        status_before=before,
        status_after=after,
    )
    return record_create(instance=follow_up, by=by, submission_id=submission_id).instance


@transaction.atomic
def recommendation_add_follow_up(
    *,
    recommendation: Recommendation,
    by: User,
    date: datetime.date,
    note: str,
    meeting: Meeting | None = None,
    submission_id: uuid.UUID | None = None,
) -> RecommendationFollowUp:
    """Log what happened on a recommendation, without changing its status (field agents)."""
    _require(by, Perm.CHANGE, recommendation)
    return follow_up_already_logged(submission_id, recommendation, by) or _log(
        recommendation=recommendation,
        by=by,
        date=date,
        note=note,
        meeting=meeting,
        submission_id=submission_id,
    )


def _move(
    recommendation: Recommendation,
    *,
    to: str,
    by: User,
    expected_version: int,
    comment: str = "",
    params: dict | None = None,
) -> Recommendation:
    """Run the workflow's transition to `to` (see Recommendation); the kit checks who may."""
    before = recommendation.status
    if before == to:
        raise ValidationError(
            {
                "status": _("The recommendation is already “%(status)s”.")
                % {"status": recommendation.get_status_display()}
            }
        )
    name = transition_between(Recommendation, before, to)
    if name is None:
        raise ValidationError({"status": _("This change of status is not possible.")})
    return transition_run(
        instance=recommendation,
        name=name,
        by=by,
        expected_version=expected_version,
        comment=comment,
        params=params,
    )


@transaction.atomic
def recommendation_update_status(
    *,
    recommendation: Recommendation,
    status: str,
    by: User,
    expected_version: int,
    date: datetime.date | None = None,
    note: str = "",
    meeting: Meeting | None = None,
    submission_id: uuid.UUID | None = None,
) -> Recommendation:
    """Move a recommendation to open or in progress, and log it as a follow-up.

    Field agents may do so on an open recommendation; reopening a closed one (done or
    dropped) is a coordinator's decision, like closing it (the workflow says who may).
    """
    if follow_up_already_logged(submission_id, recommendation, by):
        return recommendation
    if status in Recommendation.CLOSED:
        raise ValueError("use recommendation_close to close a recommendation")
    before = recommendation.status
    recommendation = _move(
        recommendation, to=status, by=by, expected_version=expected_version, comment=note
    )
    _log(
        recommendation=recommendation,
        by=by,
        date=date or timezone.localdate(),
        note=note,
        meeting=meeting,
        before=before,
        after=status,
        submission_id=submission_id,
    )
    return recommendation


@transaction.atomic
def recommendation_close(
    *,
    recommendation: Recommendation,
    outcome: str,
    by: User,
    expected_version: int,
    on: datetime.date | None = None,
    reason: str = "",
    note: str = "",
    meeting: Meeting | None = None,
    submission_id: uuid.UUID | None = None,
) -> Recommendation:
    """Close a recommendation as done (on a date) or dropped (with a reason); coordinators only.

    The closing is logged as a follow-up, so the log tells when and why.
    """
    if follow_up_already_logged(submission_id, recommendation, by):
        return recommendation
    if outcome not in Recommendation.CLOSED:
        raise ValueError("outcome must be done or dropped")
    if not has_perm(by, Perm.VALIDATE, recommendation.meeting.committee.province):
        raise PermissionDenied
    on = on or timezone.localdate()
    before = recommendation.status
    done = outcome == Recommendation.Status.DONE
    reason = reason.strip()
    recommendation = _move(
        recommendation,
        to=outcome,
        by=by,
        expected_version=expected_version,
        comment=note if done else reason,
        params={"on": on} if done else {"reason": reason},
    )
    _log(
        recommendation=recommendation,
        by=by,
        date=on,
        note=note or recommendation.dropped_reason,
        meeting=meeting,
        before=before,
        after=outcome,
        submission_id=submission_id,
    )
    return recommendation


@transaction.atomic
def follow_up_delete(*, follow_up: RecommendationFollowUp, by: User) -> None:
    """Remove a follow-up note; one that changed the status stays, as the record of it."""
    if follow_up.changes_status:
        raise ValidationError(_("This follow-up records a change of status; it cannot be removed."))
    record_delete(instance=follow_up, by=by)


# Questionnaires --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceLine:
    label_fr: str
    label_ar: str = ""


def parse_choice_lines(text: str) -> list[ChoiceLine]:
    """One choice per line; "French | Arabic" gives both labels."""
    lines = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        fr, _sep, ar = raw.partition("|")
        lines.append(ChoiceLine(fr.strip(), ar.strip()))
    return lines


@transaction.atomic
def question_set_choices(*, question: Question, lines: list[ChoiceLine], by: User) -> None:
    """Make the question's choices those of `lines`, in that order.

    A choice keeps its identity (and its answers) as long as its French label is unchanged;
    a choice that already has answers cannot be removed.
    """
    if not question.has_choices:
        lines = []
    elif len(lines) < 2:
        raise ValidationError({"choices": _("Give at least two choices, one per line.")})
    labels = [line.label_fr for line in lines]
    if len(set(labels)) != len(labels):
        raise ValidationError({"choices": _("Each choice must appear once.")})
    existing = {c.label_fr: c for c in question.choices.select_for_update()}
    for label, choice in existing.items():
        if label not in labels:
            if choice.answers.exists():
                raise ValidationError(
                    {
                        "choices": _(
                            "The choice “%(choice)s” already has answers; it cannot be removed."
                        )
                        % {"choice": label}
                    }
                )
            record_delete(instance=choice, by=by)
    for order, line in enumerate(lines, start=1):
        choice = existing.get(line.label_fr)
        if choice is None:
            record_create(
                instance=QuestionChoice(
                    question=question, order=order, label_fr=line.label_fr, label_ar=line.label_ar
                ),
                by=by,
            )
        elif (choice.order, choice.label_ar) != (order, line.label_ar):
            choice.order, choice.label_ar = order, line.label_ar
            record_update(instance=choice, expected_version=choice.version, by=by)


@transaction.atomic
def question_create(
    *,
    question: Question,
    choices: list[ChoiceLine],
    by: User,
    submission_id: uuid.UUID | None = None,
) -> Created:
    """Add a question and its choices to a questionnaire."""
    result = record_create(instance=question, by=by, submission_id=submission_id)
    if result.created:
        question_set_choices(question=result.instance, lines=choices, by=by)
    return result


def question_kind_locked(question: Question) -> bool:
    """Once a question has answers its type of answer cannot change."""
    return question.pk is not None and question.answers.exists()


@transaction.atomic
def question_update(
    *, question: Question, choices: list[ChoiceLine], expected_version: int, by: User
) -> Question:
    """Save a question and its choices (its type of answer is fixed once it has answers, see
    `Question.check_write`)."""
    question = record_update(instance=question, expected_version=expected_version, by=by)
    question_set_choices(question=question, lines=choices, by=by)
    return question


AnswerValue = int | str | list[int] | None


def _save_answers(
    *, response: QuestionnaireResponse, answers: dict[int, AnswerValue], by: User
) -> None:
    questions = {q.pk: q for q in response.questionnaire.questions.prefetch_related("choices")}
    if set(answers) - set(questions):
        raise ValidationError(_("Some answers are for questions of another questionnaire."))
    existing = {a.question_id: a for a in response.answers.select_for_update()}
    for question_id, question in questions.items():
        value = answers.get(question_id)
        answer = existing.get(question_id)
        if value in (None, "", []):
            if answer is not None:
                record_delete(instance=answer, by=by)
            continue
        fields = {"value": None, "text": ""}
        chosen: list[int] = []
        if question.kind == Question.Kind.SCALE:
            fields["value"] = int(value)
        elif question.has_choices:
            chosen = sorted({int(v) for v in (value if isinstance(value, list) else [value])})
            allowed = {c.pk for c in question.choices.all()}
            if set(chosen) - allowed or (question.kind == Question.Kind.SINGLE and len(chosen) > 1):
                raise ValidationError(_("An answer names a choice the question does not offer."))
        else:
            fields["text"] = str(value).strip()
        if answer is None:
            answer = record_create(
                instance=Answer(response=response, question=question, **fields), by=by
            ).instance
        elif (answer.value, answer.text) != (fields["value"], fields["text"]):
            answer.value, answer.text = fields["value"], fields["text"]
            record_update(instance=answer, expected_version=answer.version, by=by)
        if question.has_choices and sorted(answer.choices.values_list("pk", flat=True)) != chosen:
            answer._history_user = by
            answer.choices.set(chosen)


@transaction.atomic
def response_create(
    *,
    response: QuestionnaireResponse,
    answers: dict[int, AnswerValue],
    by: User,
    submission_id: uuid.UUID | None = None,
) -> Created:
    """Save a response and its answers; a resent form returns the response saved first."""
    if not response.questionnaire.is_open:
        raise ValidationError(_("This questionnaire is closed for answers."))
    result = record_create(instance=response, by=by, submission_id=submission_id)
    if result.created:
        _save_answers(response=result.instance, answers=answers, by=by)
    return result


@transaction.atomic
def response_update(
    *,
    response: QuestionnaireResponse,
    answers: dict[int, AnswerValue],
    expected_version: int,
    by: User,
) -> QuestionnaireResponse:
    """Save changes to a response and its answers, unless someone saved it in between."""
    response = record_update(instance=response, expected_version=expected_version, by=by)
    _save_answers(response=response, answers=answers, by=by)
    return response


# Trainings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Participation:
    attended: bool
    score: int | None = None


@transaction.atomic
def training_record_participants(
    *,
    training: Training,
    rows: dict[int, Participation | None],
    by: User,
    versions_opened: dict[int, int] | None = None,
) -> int:
    """Set who took part in a training, whether they attended and their score, at once.

    `rows` maps member ids to a Participation, or None for "not a participant" (an existing
    line is then removed). `versions_opened` (member id → line version when the sheet was
    opened) refuses a stale sheet with EditConflict. Returns the number of lines created,
    changed or removed.
    """
    allowed = set(training.committee.members.values_list("pk", flat=True))
    if set(rows) - allowed:
        raise ValidationError(_("Some people on the list are not members of this committee."))
    existing = {
        p.member_id: p
        for p in TrainingParticipant.objects.select_for_update().filter(training=training)
    }
    check_sheet_versions(
        existing=existing,
        opened=versions_opened,
        history=TrainingParticipant.history.filter(training_id=training.pk),
        key="member_id",
    )
    changed, refused = 0, {}
    for member_id, row in rows.items():
        line = existing.get(member_id)
        try:
            if row is None:
                if line is not None:
                    record_delete(instance=line, by=by)
                    changed += 1
            elif line is None:
                record_create(
                    instance=TrainingParticipant(
                        training=training,
                        member_id=member_id,
                        attended=row.attended,
                        score=row.score,
                    ),
                    by=by,
                )
                changed += 1
            elif (line.attended, line.score) != (row.attended, row.score):
                line.attended, line.score = row.attended, row.score
                record_update(instance=line, expected_version=line.version, by=by)
                changed += 1
        except ValidationError as error:  # the line's own rules (a score only if attended…)
            refused[member_id] = error
    if refused:
        raise LineErrors(refused)  # nothing is kept: the whole sheet is one transaction
    return changed
