"""The user model (custom from day one), the reusable base for records that hold field data,
and background jobs."""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in, by username or e-mail. Roles come from province memberships."""

    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login", "submission_id"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        # Granted to programme administrators by provinces.backends.ProgrammeRoleBackend.
        permissions = [("use_admin_site", "Can use the administration site")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("Another user already has this e-mail address."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def state_field(model) -> FSMFieldMixin | None:
    """The model's workflow status field (a django-fsm field), if it has one."""
    for f in model._meta.concrete_fields:
        if isinstance(f, FSMFieldMixin):
            return f
    return None


# The dates a record may hold, unless a field says otherwise (`TrackedModel.date_bounds`):
# the programme's plausible span. A date typed as 0001 or 9999 would otherwise be kept and
# make every chart or count over time span millennia.
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


# Numbers people type: counts of people, amounts in dirhams. Never below zero, with a message
# that says so in the user's language (the field's own validators, so every caller meets them).
NEGATIVE_COUNT = _("A count cannot be below zero.")
NEGATIVE_AMOUNT = _("An amount cannot be below zero.")


def count_field(verbose_name, **kwargs) -> models.IntegerField:
    """A number of people or organisations, never below zero."""
    return models.IntegerField(
        verbose_name, validators=[MinValueValidator(0, message=NEGATIVE_COUNT)], **kwargs
    )


def money_field(
    verbose_name, *, message=NEGATIVE_AMOUNT, max_value=None, max_message=None, **kwargs
) -> models.DecimalField:
    """An amount in dirhams (MAD), never below zero (`message` says so), and at most
    `max_value` when a larger one can only be a typo."""
    validators = [MinValueValidator(Decimal(0), message=message)]
    if max_value is not None:
        validators.append(MaxValueValidator(Decimal(max_value), message=max_message))
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, validators=validators, **kwargs
    )


def date_in_bounds(value: datetime.date, bounds=(DATE_MIN, DATE_MAX)) -> bool:
    if isinstance(value, datetime.datetime):
        value = value.date()
    return bounds[0] <= value <= bounds[1]


class TrackedModel(models.Model):
    """Base for every model that holds field data.

    - `history`: every create, change and delete is kept with who and when (simple-history).
    - `version`: optimistic locking; a save that starts from an older version is refused
      (see `targa.core.records.record_update`).
    - `submission_id`: the token of the form that created the record, so that a double click
      or a resend after a dropped connection creates one record, not two.

    A subclass with many-to-many fields lists them in `_history_m2m_fields` so that their
    changes are kept too. A subclass says how it reaches its province in `province_path`
    (e.g. "province" or "stakeholder__province"), which the access layer uses.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(inherit=True, excluded_fields=["submission_id", "updated_at"])

    # The permission (in the record's province) that editing it, and deleting it, asks for
    # (values of targa.core.access.Perm): the edit and delete views ask it, and so do the
    # buttons that lead to them (`targa.core.workflow.can`).
    change_perm = "change"
    delete_perm = "validate"

    # Fields whose plausible dates differ from the programme's span: {name: (first, last)},
    # e.g. a date of birth.
    date_bounds: dict[str, tuple[datetime.date, datetime.date]] = {}

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        """Each field's own checks, and every date within its plausible span (so every caller,
        forms, the admin, imports, is bounded the same way)."""
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for f in self._meta.concrete_fields:
            if not isinstance(f, models.DateField) or f.name in errors or f.name in (exclude or ()):
                continue
            value = getattr(self, f.attname)
            bounds = self.date_bounds.get(f.name, (DATE_MIN, DATE_MAX))
            if isinstance(value, datetime.date) and not date_in_bounds(value, bounds):
                errors[f.name] = [
                    ValidationError(
                        _("Enter a date between %(first)s and %(last)s."),
                        code="date_out_of_range",
                        params={
                            "first": formats.date_format(bounds[0], "SHORT_DATE_FORMAT"),
                            "last": formats.date_format(bounds[1], "SHORT_DATE_FORMAT"),
                        },
                    )
                ]
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def new_submission_id() -> uuid.UUID:
        return uuid.uuid4()

    def check_write(self, *, by, before: "TrackedModel | None", m2m: dict | None) -> None:
        """The model's rules that depend on who writes and on what the record was: raise
        ValidationError to refuse. `before` is the stored record (None for a new one), `m2m`
        the many-to-many values being set. Called by `targa.core.records` for every write,
        whoever the caller (views, the admin, imports, jobs). Subclasses call super().

        Here: a workflow status changes only inside a transition (targa.core.workflow).
        """
        f = state_field(type(self))
        if f is None or before is None or getattr(self, "_in_transition", None):
            return
        if getattr(self, f.name) != getattr(before, f.name):
            raise ValidationError(
                {f.name: _("The status changes only through the actions on the record's page.")}
            )

    def check_delete(self, *, by) -> None:
        """The model's rules for deleting the record: raise ValidationError to refuse. Called
        by `targa.core.records.record_delete`; none here."""


def job_file_path(job: "Job", filename: str) -> str:
    return f"jobs/{job.created_at:%Y/%m}/{job.pk}/{filename}"


class JobQuerySet(models.QuerySet):
    def stale(self, now=None) -> "JobQuerySet":
        """Running jobs whose worker has given no sign of life for JOB_STALE_SECONDS: it was
        stopped or killed in the middle."""
        now = now or timezone.now()
        limit = now - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)
        return self.filter(state=Job.State.RUNNING, heartbeat_at__lt=limit)


class Job(models.Model):
    """Heavy work done by a background worker for one person: a large export, a PDF, an import.

    The worker reports a percentage and a step as it goes (and so shows it is alive); the
    result is a file, served only to its owner through a permission-checked view.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("in progress")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    label = models.CharField(_("what"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("owner"),
    )
    # The province code the job's data belongs to; the access layer is asked again on download.
    scope_code = models.CharField(_("province"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=job_file_path, blank=True, max_length=300)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


def import_file_path(run: "ImportRun", filename: str) -> str:
    return f"imports/{timezone.now():%Y/%m}/{filename}"


class ImportRun(models.Model):
    """A spreadsheet uploaded to be imported (`targa.core.imports`): the file as sent, its
    preview (what it would create, leave alone, flag as a possible duplicate, and its bad
    lines), the person's decisions on the flagged lines, and its commit."""

    class State(models.TextChoices):
        PREVIEWING = "previewing", _("being checked")
        PREVIEWED = "previewed", _("checked")
        REFUSED = "refused", _("refused")
        COMMITTING = "committing", _("being imported")
        COMMITTED = "committed", _("imported")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    scope_code = models.CharField(_("province"), max_length=20)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="imports",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    language = models.CharField(_("language"), max_length=8, default="fr")
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PREVIEWING
    )
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    decisions = models.JSONField(_("decisions"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    preview_job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commit_job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["scope_code", "kind", "-created_at"])]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("imports:run", args=[self.scope_code, self.pk])

    @property
    def waiting(self) -> bool:
        """Checked and not imported yet: waiting for the person's decision or commit."""
        return self.state == self.State.PREVIEWED


class PersonalDataExport(models.Model):
    """An export that held personal data (national IDs, phones, e-mails): who asked for it,
    when, of which list and filters, and which rows (law 09-08: every such export is kept)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="personal_exports",
        verbose_name=_("exported by"),
    )
    at = models.DateTimeField(_("exported at"), auto_now_add=True)
    scope_code = models.CharField(_("province"), max_length=20)
    model = models.CharField(_("records"), max_length=100)  # "app_label.modelname"
    path = models.CharField(_("list"), max_length=300)
    query = models.TextField(_("filters"), blank=True)
    file_format = models.CharField(_("format"), max_length=8)
    n_rows = models.PositiveIntegerField(_("rows"))
    row_ids = models.JSONField(_("ids of the rows"), default=list)

    class Meta:
        verbose_name = _("export of personal data")
        verbose_name_plural = _("exports of personal data")
        ordering = ["-at"]
        indexes = [models.Index(fields=["scope_code", "-at"])]

    def __str__(self) -> str:
        return f"{self.model} · {self.user} · {self.at:%Y-%m-%d %H:%M}"
