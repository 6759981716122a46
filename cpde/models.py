"""The CPDE of a province: committee and members, meetings and their minutes (PV),
recommendations and their follow-up, capacity-needs questionnaires, trainings and the
capacity-building roadmap."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from provinces.models import Attachable, Province, Sex, Stakeholder
from targa.core.access import Perm
from targa.core.models import TrackedModel
from targa.core.ordering import Natural, urgency_order
from targa.core.workflow import Comment, transition

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def _today() -> datetime.date:
    return timezone.localdate()


def _in_arabic() -> bool:
    return (get_language() or "").startswith("ar")


class Committee(TrackedModel):
    """The CPDE of one province (one committee per province)."""

    province = models.OneToOneField(
        Province, on_delete=models.PROTECT, related_name="cpde", verbose_name=_("province")
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to name it after the province, in each language."),
    )
    created_on = models.DateField(_("created on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    province_path = "province"

    class Meta:
        verbose_name = _("committee (CPDE)")
        verbose_name_plural = _("committees (CPDE)")
        ordering = ["province__code"]

    def __str__(self) -> str:
        return self.name or self.default_name(self.province)

    @staticmethod
    def default_name(province: Province) -> str:
        return gettext("CPDE of %(province)s") % {"province": province.name}

    def get_absolute_url(self) -> str:
        return reverse("cpde:committee", args=[self.province.code])


def current_member_condition(on: datetime.date | None = None) -> Q:
    """THE rule for a current member on a date (today by default): started, not yet ended.
    An empty start or end date means "since always" or "still"."""
    on = on or _today()
    return (Q(start_date__isnull=True) | Q(start_date__lte=on)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


class CommitteeMemberQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Members on the committee on a date (see `current_member_condition`)."""
        return self.filter(current_member_condition(on))


class CommitteeMember(TrackedModel):
    """A person sitting on the committee, for an institution, with a role, over a period."""

    class Role(models.TextChoices):
        PRESIDENT = "president", _("president")
        VICE_PRESIDENT = "vice_president", _("vice-president")
        SECRETARIAT = "secretariat", _("secretariat (DAS)")
        MEMBER = "member", _("member")
        OBSERVER = "observer", _("observer")
        TECHNICAL_SUPPORT = "technical_support", _("technical support")

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name=_("committee")
    )
    name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    institution = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cpde_members",
        verbose_name=_("institution"),
    )
    institution_name = models.CharField(
        _("institution (free text)"),
        max_length=200,
        blank=True,
        help_text=_("When the institution is not among the stakeholders, or to be more precise."),
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    role = models.CharField(
        _("role in the committee"), max_length=20, choices=Role.choices, default=Role.MEMBER
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    start_date = models.DateField(_("member since"), null=True, blank=True)
    end_date = models.DateField(_("member until"), null=True, blank=True)

    objects = CommitteeMemberQuerySet.as_manager()

    add_label = _("New committee member")
    province_path = "committee__province"

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = [Natural("name"), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="cpde_member_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cpde:member_detail", args=[self.committee.province.code, self.pk])

    @property
    def institution_label(self) -> str:
        """The institution as people say it: the stakeholder, the free text, or both."""
        parts = [str(self.institution.acronym or self.institution.name)] if self.institution else []
        if self.institution_name:
            parts.append(self.institution_name)
        return " – ".join(parts)

    institution_label.fget.short_description = _("institution")

    def is_current(self, on: datetime.date | None = None) -> bool:
        """Same rule as `current_member_condition`, for one member already loaded."""
        on = on or _today()
        return (self.start_date is None or self.start_date <= on) and (
            self.end_date is None or self.end_date >= on
        )

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class Meeting(Attachable, TrackedModel):
    """A meeting of the committee: launch, ordinary, follow-up, workshop or focus group."""

    class Kind(models.TextChoices):
        LAUNCH = "launch", _("launch meeting")
        ORDINARY = "ordinary", _("ordinary meeting")
        FOLLOW_UP = "follow_up", _("follow-up meeting")
        WORKSHOP = "workshop", _("workshop")
        FOCUS_GROUP = "focus_group", _("focus group")

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("committee")
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("What was said, in the order of the agenda.")
    )
    decisions = models.TextField(_("decisions"), blank=True)

    add_label = _("New meeting")
    province_path = "committee__province"

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["committee", "date"])]

    def __str__(self) -> str:
        return gettext("%(kind)s of %(date)s") % {
            "kind": self.get_kind_display().capitalize(),
            "date": formats.date_format(self.date, "SHORT_DATE_FORMAT"),
        }

    def get_absolute_url(self) -> str:
        return reverse("cpde:meeting_detail", args=[self.committee.province.code, self.pk])

    @property
    def has_taken_place(self) -> bool:
        return self.date <= _today()


class AgendaItem(TrackedModel):
    """One point of a meeting's agenda, in order."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("item"), max_length=255)
    notes = models.TextField(_("notes"), blank=True)

    add_label = _("New agenda item")
    province_path = "meeting__committee__province"
    delete_perm = "change"  # who prepares the agenda also removes a point

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#agenda"


class Attendance(TrackedModel):
    """Whether a member attended a meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        EXCUSED = "excused", _("excused")
        ABSENT = "absent", _("absent")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        CommitteeMember,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("member"),
    )
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices)

    province_path = "meeting__committee__province"

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="cpde_attendance_once_per_member",
                violation_error_message=_("This member's attendance is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#attendance"


class Guest(TrackedModel):
    """Someone who attended a meeting without being a member."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="guests", verbose_name=_("meeting")
    )
    name = models.CharField(_("full name"), max_length=150)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)

    add_label = _("New guest")
    province_path = "meeting__committee__province"
    delete_perm = "change"

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = [Natural("name"), "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#attendance"


def overdue_condition(today: datetime.date | None = None) -> Q:
    """THE rule for a late recommendation ("en retard"), used everywhere, never stored:
    it is neither done nor dropped, and its due date is before today."""
    return Q(due_date__isnull=False, due_date__lt=today or _today()) & ~Q(
        status__in=Recommendation.CLOSED
    )


class RecommendationQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None):
        """Recommendations that are late (see `overdue_condition`)."""
        return self.filter(overdue_condition(today))

    def with_overdue(self, today: datetime.date | None = None):
        """Annotate `is_overdue` with the same rule, computed by the database."""
        return self.annotate(
            is_overdue=models.ExpressionWrapper(
                overdue_condition(today), output_field=models.BooleanField()
            )
        )

    def still_open(self):
        return self.exclude(status__in=Recommendation.CLOSED)

    def by_urgency(self, today: datetime.date | None = None):
        """Late ones first (the oldest due date first, `overdue_condition`), then open ones
        by due date, then done ones (the latest done first), dropped ones last."""
        return self.order_by(
            *urgency_order(
                late=overdue_condition(today),
                open=~Q(status__in=Recommendation.CLOSED),
                due="due_date",
                closed_on="done_on",
                last=Q(status=Recommendation.Status.DROPPED),
            )
        )


class Recommendation(TrackedModel):
    """What the committee recommended at a meeting, who should do it, by when, and its status.

    The status changes only through the services of `cpde.services`, which log each change
    as a follow-up. Done and dropped are "closed"; closing is a coordinator's decision.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("recommendation status", "open")
        IN_PROGRESS = "in_progress", pgettext_lazy("recommendation status", "in progress")
        DONE = "done", pgettext_lazy("recommendation status", "done")
        DROPPED = "dropped", pgettext_lazy("recommendation status", "dropped")

    CLOSED = (Status.DONE, Status.DROPPED)

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("meeting"),
    )
    text = models.TextField(_("recommendation"))
    owner = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cpde_recommendations",
        verbose_name=_("responsible institution"),
    )
    owner_name = models.CharField(_("responsible person or service"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    dropped_reason = models.TextField(_("reason for dropping it"), blank=True)

    objects = RecommendationQuerySet.as_manager()

    # The workflow (run by the services of cpde.services, which also log each move as a
    # follow-up): the field team moves an open one along; closing it, as done or dropped,
    # and reopening a closed one are the coordinator's (Perm.VALIDATE).
    @transition(source=Status.OPEN, target=Status.IN_PROGRESS, label=_("Mark in progress"))
    def start(self):
        pass

    @transition(source=Status.IN_PROGRESS, target=Status.OPEN, label=_("Mark open again"))
    def back_to_open(self):
        pass

    @transition(
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.DONE,
        label=_("Mark done"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,
    )
    def complete(self, *, on: datetime.date):
        self.done_on = on

    @transition(
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.DROPPED,
        label=_("Drop"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,  # the reason is required once, by the model's constraint
    )
    def drop(self, *, reason: str):
        self.dropped_reason = reason

    @transition(
        source=[Status.DONE, Status.DROPPED],
        target=Status.OPEN,
        label=_("Reopen"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,
    )
    def reopen(self):
        self.done_on, self.dropped_reason = None, ""

    @transition(
        source=[Status.DONE, Status.DROPPED],
        target=Status.IN_PROGRESS,
        label=_("Reopen as in progress"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,
    )
    def resume(self):
        self.done_on, self.dropped_reason = None, ""

    add_label = _("New recommendation")
    province_path = "meeting__committee__province"

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # What `overdue_condition` reads, per meeting or nationally: the open ones only.
            models.Index(
                fields=["meeting", "due_date"],
                condition=Q(due_date__isnull=False) & ~Q(status__in=["done", "dropped"]),
                name="recommendation_open_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""),
                name="cpde_recommendation_dropped_has_reason",
                violation_error_message=_("Say why the recommendation is dropped."),
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False))
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="cpde_recommendation_done_has_date",
                violation_error_message=_(
                    "A done recommendation has the date it was done, and only then."
                ),
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else f"{text[:79]}…"

    def get_absolute_url(self) -> str:
        return reverse(
            "cpde:recommendation_detail", args=[self.meeting.committee.province.code, self.pk]
        )

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def owner_label(self) -> str:
        parts = [str(self.owner.acronym or self.owner.name)] if self.owner else []
        if self.owner_name:
            parts.append(self.owner_name)
        return " – ".join(parts)

    owner_label.fget.short_description = _("responsible")

    def clean(self) -> None:
        errors = {}
        if self.status == self.Status.DROPPED and not self.dropped_reason.strip():
            errors["dropped_reason"] = _("Say why the recommendation is dropped.")
        if self.status == self.Status.DONE and self.done_on is None:
            errors["done_on"] = _("Give the date it was done.")
        if self.status != self.Status.DONE:
            self.done_on = None
        if self.status != self.Status.DROPPED:
            self.dropped_reason = ""
        meeting_date = self.meeting.date if self.meeting_id else None
        if meeting_date and self.due_date and self.due_date < meeting_date:
            errors["due_date"] = _("The due date cannot be before the meeting.")
        if meeting_date and self.done_on and self.done_on < meeting_date:
            errors["done_on"] = _("It cannot be done before the meeting that recommended it.")
        if errors:
            raise ValidationError(errors)


class RecommendationFollowUp(TrackedModel):
    """A dated note on a recommendation's progress, possibly with a change of status and the
    meeting where it was discussed."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("recommendation"),
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups_discussed",
        verbose_name=_("discussed at the meeting"),
    )
    status_before = models.CharField(
        _("status before"), max_length=12, choices=Recommendation.Status.choices, blank=True
    )
    status_after = models.CharField(
        _("status after"), max_length=12, choices=Recommendation.Status.choices, blank=True
    )

    province_path = "recommendation__meeting__committee__province"

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return gettext("Follow-up of %(date)s") % {
            "date": formats.date_format(self.date, "SHORT_DATE_FORMAT")
        }

    def get_absolute_url(self) -> str:
        return f"{self.recommendation.get_absolute_url()}#follow-up-{self.pk}"

    @property
    def changes_status(self) -> bool:
        return bool(self.status_after) and self.status_after != self.status_before

    def clean(self) -> None:
        errors = {}
        if not self.note.strip() and not self.changes_status:
            errors["note"] = _("Write what happened.")
        rec = self.recommendation if self.recommendation_id else None
        if rec is not None and self.date and self.date < rec.meeting.date:
            errors["date"] = _("A follow-up cannot be before the meeting that recommended it.")
        if rec is not None and self.meeting_id:
            if self.meeting.committee_id != rec.meeting.committee_id:
                errors["meeting"] = _("Choose a meeting of the same committee.")
            elif self.meeting.date < rec.meeting.date:
                errors["meeting"] = _("Choose the meeting that recommended it or a later one.")
        if errors:
            raise ValidationError(errors)


class Questionnaire(TrackedModel):
    """A capacity-needs questionnaire, national (no province) or of one province.

    National questionnaires have no province, so `scope_for_user` (which follows
    `province_path`) leaves them out for provincial users: load questionnaires through
    `cpde.selectors.questionnaires_in(province)` and `cpde.access.access_questionnaire`.
    """

    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cpde_questionnaires",
        verbose_name=_("province"),
        help_text=_("Empty for a national questionnaire, used in every province."),
    )
    title = models.CharField(_("title"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open for answers"), default=True)

    add_label = _("New questionnaire")
    province_path = "province"
    change_perm = "validate"  # coordinators (their own), administrators (national ones)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.title_ar if _in_arabic() and self.title_ar else self.title

    @property
    def is_national(self) -> bool:
        return self.province_id is None

    def url_in(self, province: Province, name: str = "questionnaire_detail") -> str:
        return reverse(f"cpde:{name}", args=[province.code, self.pk])

    def get_absolute_url(self) -> str:
        # A national questionnaire has no province of its own; its pages live under each one.
        if self.province_id is None:
            return reverse("cpde:questionnaire_goto", args=[self.pk])
        return self.url_in(self.province)


KIND_LOCKED = _("This question already has answers: its type of answer cannot change.")


class Question(TrackedModel):
    """One question of a questionnaire."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("scale from 1 to 5")
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TEXT = "text", _("free text")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    section = models.CharField(_("section"), max_length=120, blank=True)
    section_ar = models.CharField(_("section (Arabic)"), max_length=120, blank=True)
    text = models.CharField(_("question"), max_length=300)
    text_ar = models.CharField(_("question (Arabic)"), max_length=300, blank=True)
    kind = models.CharField(_("type of answer"), max_length=10, choices=Kind.choices)

    add_label = _("New question")
    province_path = "questionnaire__province"
    change_perm = "validate"  # who manages the questionnaire

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]

    def check_write(self, *, by, before, m2m) -> None:
        super().check_write(by=by, before=before, m2m=m2m)
        if before is not None and before.kind != self.kind and self.answers.exists():
            raise ValidationError({"kind": KIND_LOCKED})

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.text_ar if _in_arabic() and self.text_ar else self.text

    @property
    def section_label(self) -> str:
        """The section's heading in the page's language (French when it has no Arabic)."""
        return self.section_ar if _in_arabic() and self.section_ar else self.section

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    def get_absolute_url(self) -> str:
        return f"{self.questionnaire.get_absolute_url()}#question-{self.pk}"


class QuestionChoice(TrackedModel):
    """One of the possible answers of a single- or multiple-choice question."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    label_fr = models.CharField(_("choice"), max_length=200)
    label_ar = models.CharField(_("choice (Arabic)"), max_length=200, blank=True)

    province_path = "question__questionnaire__province"

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_ar if _in_arabic() and self.label_ar else self.label_fr

    def get_absolute_url(self) -> str:
        return self.question.get_absolute_url()


class QuestionnaireResponse(TrackedModel):
    """The answers of one committee member (or of one institution) to a questionnaire."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("questionnaire"),
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        related_name="questionnaire_responses",
        verbose_name=_("committee"),
    )
    member = models.ForeignKey(
        CommitteeMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
        verbose_name=_("member"),
    )
    institution = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cpde_questionnaire_responses",
        verbose_name=_("institution"),
    )
    institution_name = models.CharField(_("institution (free text)"), max_length=200, blank=True)
    responded_on = models.DateField(_("answered on"), default=_today)

    add_label = _("New response")
    province_path = "committee__province"

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-responded_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "member"],
                condition=Q(member__isnull=False),
                name="cpde_response_once_per_member",
                violation_error_message=_("This member has already answered this questionnaire."),
            )
        ]

    def __str__(self) -> str:
        return self.respondent

    @property
    def respondent(self) -> str:
        if self.member_id:
            return str(self.member)
        if self.institution_id:
            return str(self.institution)
        return self.institution_name or "—"

    respondent.fget.short_description = _("respondent")

    def get_absolute_url(self) -> str:
        return reverse(
            "cpde:response_detail",
            args=[self.committee.province.code, self.questionnaire_id, self.pk],
        )

    def clean(self) -> None:
        if not (self.member_id or self.institution_id or self.institution_name.strip()):
            raise ValidationError(
                {"member": _("Choose the member who answers, or the institution.")}
            )


class Answer(TrackedModel):
    """The answer to one question: a number from 1 to 5, chosen choices, or text."""

    response = models.ForeignKey(
        QuestionnaireResponse,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("response"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    value = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    choices = models.ManyToManyField(
        QuestionChoice, blank=True, related_name="answers", verbose_name=_("choices")
    )
    text = models.TextField(_("answer"), blank=True)

    province_path = "response__committee__province"
    _history_m2m_fields = ["choices"]

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                name="cpde_answer_once_per_question",
                violation_error_message=_("This question is already answered in this response."),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5),
                name="cpde_answer_score_1_to_5",
                violation_error_message=_("A score goes from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} · {self.value or self.text}"

    def get_absolute_url(self) -> str:
        return self.response.get_absolute_url()


class Training(Attachable, TrackedModel):
    """A training session for committee members."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("committee")
    )
    theme = models.CharField(_("theme"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    needs = models.ManyToManyField(
        Question,
        blank=True,
        related_name="trainings",
        verbose_name=_("needs addressed"),
        help_text=_("The questions of the needs assessment this training answers."),
    )
    notes = models.TextField(_("notes"), blank=True)

    add_label = _("New training")
    province_path = "committee__province"
    _history_m2m_fields = ["needs"]

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cpde_training_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.theme

    def get_absolute_url(self) -> str:
        return reverse("cpde:training_detail", args=[self.committee.province.code, self.pk])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class TrainingParticipant(TrackedModel):
    """A member invited to a training: whether they attended and how they rated it."""

    training = models.ForeignKey(
        Training,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("training"),
    )
    member = models.ForeignKey(
        CommitteeMember,
        on_delete=models.PROTECT,
        related_name="trainings_followed",
        verbose_name=_("member"),
    )
    attended = models.BooleanField(_("attended"), default=True)
    score = models.PositiveSmallIntegerField(
        _("evaluation (1 to 5)"), null=True, blank=True, validators=SCORE_VALIDATORS
    )

    province_path = "training__committee__province"

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "member"],
                name="cpde_participant_once_per_training",
                violation_error_message=_("This member is already a participant."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5, attended=True),
                name="cpde_participant_score_if_attended",
                violation_error_message=_("Only a participant who attended gives a score."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.training}"

    def get_absolute_url(self) -> str:
        return f"{self.training.get_absolute_url()}#participants"


class RoadmapItemQuerySet(models.QuerySet):
    def by_urgency(self):
        """Planned and in-progress items by target date (undated last), then done ones (the
        latest changed first), dropped ones last. The roadmap has no rule for "late": an
        open item whose target date has passed simply comes first."""
        return self.order_by(
            *urgency_order(
                late=None,
                open=Q(status__in=[RoadmapItem.Status.PLANNED, RoadmapItem.Status.IN_PROGRESS]),
                due="target_date",
                closed_on="updated_at",
                last=Q(status=RoadmapItem.Status.DROPPED),
            )
        )


class RoadmapItem(TrackedModel):
    """A line of the committee's capacity-building roadmap: a need found and what answers it."""

    class Priority(models.TextChoices):
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("roadmap status", "planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("roadmap status", "in progress")
        DONE = "done", pgettext_lazy("roadmap status", "done")
        DROPPED = "dropped", pgettext_lazy("roadmap status", "dropped")

    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        related_name="roadmap_items",
        verbose_name=_("committee"),
    )
    need = models.TextField(_("need found"))
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_items",
        verbose_name=_("question of the assessment"),
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    trainings = models.ManyToManyField(
        Training, blank=True, related_name="roadmap_items", verbose_name=_("planned trainings")
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = RoadmapItemQuerySet.as_manager()

    add_label = _("New roadmap item")
    province_path = "committee__province"
    _history_m2m_fields = ["trainings"]

    class Meta:
        verbose_name = _("roadmap item")
        verbose_name_plural = _("capacity-building roadmap")
        ordering = ["target_date", "id"]

    def __str__(self) -> str:
        text = " ".join(self.need.split())
        return text if len(text) <= 80 else f"{text[:79]}…"

    def get_absolute_url(self) -> str:
        return reverse("cpde:roadmap_item_detail", args=[self.committee.province.code, self.pk])
