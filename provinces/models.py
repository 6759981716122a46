"""Territorial units keyed by HCP code, the programme's provinces, and users' roles in them."""

import calendar
import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from targa.core import uploads
from targa.core.access import Perm
from targa.core.files import TransactionalFileField
from targa.core.models import TrackedModel
from targa.core.ordering import Natural, urgency_order
from targa.core.workflow import Comment, edit_refusal, is_locked, transition


class NamedInTwoLanguages:
    """For models with `name_fr` and `name_ar`: `name` is the one of the active language."""

    @property
    def name(self) -> str:
        """The name in the active language: Arabic for Arabic pages, French otherwise."""
        if (get_language() or "").startswith("ar") and self.name_ar:
            return self.name_ar
        return self.name_fr


class Attachable:
    """A record whose page shows its photos and documents (`{% attachments_panel %}`). Only
    such records accept attachments: a record without a page would hold files no one sees."""


def accepts_attachments(model: type | None) -> bool:
    return model is not None and issubclass(model, Attachable)


class TerritoryUnit(NamedInTwoLanguages, models.Model):
    """A unit of the HCP hierarchy with its 2024 census figures (RGPH 2024, CC BY 4.0).

    `population` is the legal population. `population_men` and `population_women` are the
    municipal population by sex (HCP publishes the split only for it, so they can add up to
    slightly less than `population`). `youth_men` and `youth_women`, the people aged 15–34,
    are derived: municipal population of that sex times the sum of that sex's 15–19, 20–24,
    25–29 and 30–34 age-band shares, rounded to the person.
    """

    code = models.CharField(_("HCP code"), max_length=16, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    population = models.PositiveIntegerField(_("population 2024"), null=True, blank=True)
    population_men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    population_women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    youth_men = models.PositiveIntegerField(_("men aged 15–34"), null=True, blank=True)
    youth_women = models.PositiveIntegerField(_("women aged 15–34"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households 2024"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def youth(self) -> int | None:
        if self.youth_men is None or self.youth_women is None:
            return None
        return self.youth_men + self.youth_women


class Region(TerritoryUnit):
    class Meta(TerritoryUnit.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Province(TerritoryUnit):
    """A province or a préfecture. The programme's own data hangs off `programme`."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        PREFECTURE = "prefecture", _("prefecture")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region")
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    activity_rate = models.DecimalField(
        _("activity rate (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    unemployment_rate = models.DecimalField(
        _("unemployment rate (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    province_path = "pk"

    class Meta(TerritoryUnit.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Cercle(TerritoryUnit):
    """A group of rural communes within a province."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="cercles", verbose_name=_("province")
    )

    province_path = "province"

    class Meta(TerritoryUnit.Meta):
        verbose_name = _("cercle")
        verbose_name_plural = _("cercles")


class Commune(TerritoryUnit):
    """An urban or rural commune. Urban communes belong to no cercle."""

    class Kind(models.TextChoices):
        URBAN = "urban", _("urban")
        RURAL = "rural", _("rural")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    cercle = models.ForeignKey(
        Cercle,
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
        verbose_name=_("cercle"),
    )
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)

    province_path = "province"

    class Meta(TerritoryUnit.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class ProvinceProgramme(TrackedModel):
    """Programme III in one province: whether it is active there and who runs it."""

    province = models.OneToOneField(
        Province, on_delete=models.PROTECT, related_name="programme", verbose_name=_("province")
    )
    is_active = models.BooleanField(_("programme active"), default=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    operator = models.CharField(
        _("accompanying organisation"),
        max_length=200,
        blank=True,
        help_text=_("The NGO that accompanies the province, e.g. TARGA-AIDE."),
    )
    focal_point = models.CharField(
        _("focal point at the Province (DAS)"), max_length=200, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    province_path = "province"

    class Meta:
        verbose_name = _("provincial programme")
        verbose_name_plural = _("provincial programmes")
        ordering = ["province__code"]

    def __str__(self) -> str:
        return str(self.province)

    def check_write(self, *, by, before, m2m) -> None:
        """Switching the programme off hides the province from everyone but administrators:
        only they decide it (`programme_set_active`), whoever the caller."""
        super().check_write(by=by, before=before, m2m=m2m)
        if before is not None and before.is_active != self.is_active:
            from targa.core.access import Perm, perms_in

            if Perm.MANAGE not in perms_in(by, None):
                raise ValidationError(
                    {"is_active": _("Only an administrator switches a province's programme.")}
                )


class Role(models.TextChoices):
    ADMIN = "admin", _("administrator")
    COORDINATOR = "coordinator", _("provincial coordinator")
    FIELD_AGENT = "field_agent", _("field agent")
    VIEWER = "viewer", _("viewer")


class Membership(TrackedModel):
    """A user's role in one province, or in every province when `province` is empty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("province"),
        help_text=_("Leave empty for all provinces."),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__username", "province__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "province"],
                condition=models.Q(province__isnull=False),
                name="membership_one_role_per_province",
                violation_error_message=_("This user already has a role in this province."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(province__isnull=True),
                name="membership_one_national_role",
                violation_error_message=_("This user already has a role in all provinces."),
            ),
        ]

    def __str__(self) -> str:
        where = self.province.name if self.province_id else _("all provinces")
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        if self.role == Role.ADMIN and self.province_id:
            raise ValidationError(
                {"province": _("An administrator's role covers all provinces: leave it empty.")}
            )


class Sex(models.TextChoices):
    WOMAN = "F", _("woman")
    MAN = "M", _("man")


class Stakeholder(Attachable, TrackedModel):
    """An organisation the programme works with in a province."""

    class Kind(models.TextChoices):
        SECTOR_DEPARTMENT = "sector_department", _("sector department")
        DAS = "das", _("Division of Social Action (DAS)")
        ELECTED_COUNCIL = "elected_council", _("elected council")
        ASSOCIATION = "association", _("association")
        COOPERATIVE = "cooperative", _("cooperative")
        YOUTH_PLATFORM = "youth_platform", _("youth platform")
        SERVICE_PROVIDER = "service_provider", _("service provider")
        BANK = "bank", _("bank / micro-credit")
        SCHOOL = "school", _("school / training centre")
        AGENCY = "agency", _("public agency (ANAPEC, CRI, ODCO…)")
        OTHER = "other", _("other")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="stakeholders", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="stakeholders", verbose_name=_("communes covered")
    )
    managing_association = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_platforms",
        verbose_name=_("managing association"),
        help_text=_("For a youth platform: the association that runs it."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    add_label = _("New stakeholder")
    province_path = "province"
    _history_m2m_fields = ["communes"]

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = [Natural("name"), "id"]  # "Délégation" before "Division"
        constraints = [
            models.UniqueConstraint(
                fields=["province", "name"],
                name="stakeholder_unique_name_per_province",
                violation_error_message=_(
                    "This province already has a stakeholder with this name."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("provinces:stakeholder_detail", args=[self.province.code, self.pk])

    def clean(self) -> None:
        errors = {}
        if self.managing_association_id:
            association = self.managing_association
            if self.kind != self.Kind.YOUTH_PLATFORM:
                errors["managing_association"] = _(
                    "Only a youth platform has a managing association."
                )
            elif association.kind != self.Kind.ASSOCIATION:
                errors["managing_association"] = _("Choose an association.")
            elif association.province_id != self.province_id:
                errors["managing_association"] = _("Choose an association of the same province.")
        if errors:
            raise ValidationError(errors)


class Contact(TrackedModel):
    """A person to reach at a stakeholder."""

    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("stakeholder"),
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role or position"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    add_label = _("New contact")
    province_path = "stakeholder__province"
    delete_perm = "change"

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = [Natural("name"), "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{self.stakeholder.get_absolute_url()}#contact-{self.pk}"


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    """Files live per province under a random folder, so names never collide or leak."""
    return f"attachments/{instance.province.code}/{uuid.uuid4().hex}/{Path(filename).name}"


class Attachment(TrackedModel):
    """A photo or document attached to a record of a province that has a page (visit,
    meeting, contract…: the `Attachable` models).

    Its file is checked by content, not by name (`targa.core.uploads`), written only once the
    row is committed and removed once its deletion is (`TransactionalFileField`). Files are
    never served publicly: they are downloaded through the access layer.
    """

    IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
    DOCUMENT_EXTENSIONS = (
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "odt",
        "ods",
        "ppt",
        "pptx",
        "txt",
        "csv",
    )

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("province")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    file = TransactionalFileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    title = models.CharField(_("title"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0, editable=False)

    province_path = "province"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.title or self.filename

    def clean(self):
        """Attached to an existing record that accepts attachments, in the same province; a
        new file is checked for size and content."""
        super().clean()
        if self.content_type_id is not None:
            try:
                model = ContentType.objects.get_for_id(self.content_type_id).model_class()
            except ContentType.DoesNotExist:
                model = None
            if not accepts_attachments(model):
                raise ValidationError(NOT_ATTACHABLE, code="not_attachable")
            if self.province_id is not None:
                rows = model._default_manager.filter(pk=self.object_id)
                if not rows.filter(**{model.province_path: self.province_id}).exists():
                    raise ValidationError(
                        {"object_id": _("No such record in this province.")}, code="record"
                    )
        if self.file and not self.file._committed:
            upload = self.file.file
            try:
                uploads.check_upload(
                    upload,
                    allowed=self.IMAGE_EXTENSIONS + self.DOCUMENT_EXTENSIONS,
                    max_mb=settings.MAX_UPLOAD_MB,
                    max_pixels=settings.MAX_IMAGE_PIXELS,
                )
            except ValidationError as error:
                raise ValidationError({"file": error.error_list}) from error
            self.size = upload.size

    @classmethod
    def by_record(cls, records) -> dict[int, list["Attachment"]]:
        """The attachments of `records` (of one model), newest first, by record id: one query
        for a page that shows the files of many records."""
        records = list(records)
        if not records:
            return {}
        rows = cls.objects.select_related("province").filter(
            content_type=ContentType.objects.get_for_model(records[0]),
            object_id__in=[r.pk for r in records],
        )
        out: dict[int, list[Attachment]] = {}
        for attachment in rows.order_by("-created_at", "-pk"):
            out.setdefault(attachment.object_id, []).append(attachment)
        return out

    def check_write(self, *, by, before, m2m) -> None:
        super().check_write(by=by, before=before, m2m=m2m)
        self.refuse_if_record_frozen(by)

    def check_delete(self, *, by) -> None:
        self.refuse_if_record_frozen(by)

    def refuse_if_record_frozen(self, by) -> None:
        """A record that may no longer be changed in its state (a validated or delivered
        diagnostic's observation) keeps its files as they are: none added, none removed."""
        record = self.record if self.content_type_id else None
        if record is None:
            return
        refusal = edit_refusal(by, record)
        if refusal:
            raise ValidationError(refusal, code="frozen")
        if is_locked(record):
            raise ValidationError(RECORD_FROZEN, code="frozen")

    @property
    def filename(self) -> str:
        return Path(self.file.name).name

    @property
    def is_image(self) -> bool:
        return Path(self.file.name).suffix.lower().lstrip(".") in self.IMAGE_EXTENSIONS

    def get_absolute_url(self) -> str:
        return reverse("provinces:attachment_download", args=[self.province.code, self.pk])


RECORD_FROZEN = _("This record can no longer be changed in its present state, nor its files.")

NOT_ATTACHABLE = _(
    "Photos and documents are attached only to a record that has its own page (a visit, a "
    "meeting, a contract…)."
)


# The provincial programme: the national framework convention, each province's execution
# contract, its chronogram of activities, and the field visits and meetings with their
# follow-up actions.

END_BEFORE_START = _("The end date cannot be before the start date.")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day if it is shorter (31 Jan → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


class FrameworkConvention(TrackedModel):
    """The national framework convention under which an organisation accompanies provinces.

    National reference data (e.g. TARGA-AIDE × Coordination nationale de l'INDH, 5 February
    2021): administrators record it; whoever may open one of its provinces may read it.
    """

    title = models.CharField(_("title"), max_length=250)
    parties = models.TextField(
        _("parties"), help_text=_("One per line, e.g. Association TARGA-AIDE.")
    )
    signed_on = models.DateField(_("signature date"))
    scope = models.TextField(_("purpose and scope"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    provinces = models.ManyToManyField(
        Province, related_name="framework_conventions", verbose_name=_("provinces covered")
    )

    _history_m2m_fields = ["provinces"]

    class Meta:
        verbose_name = _("framework convention")
        verbose_name_plural = _("framework conventions")
        ordering = ["-signed_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("provinces:convention_detail", args=[self.pk])

    @property
    def party_list(self) -> list[str]:
        return [line.strip() for line in self.parties.splitlines() if line.strip()]

    def check_write(self, *, by, before, m2m) -> None:
        """A province keeps the convention while it has execution contracts under it."""
        super().check_write(by=by, before=before, m2m=m2m)
        if self.pk is None or m2m is None or "provinces" not in m2m:
            return
        kept = [p.pk for p in m2m["provinces"]]
        missing = (
            Province.objects.filter(execution_contracts__convention=self)
            .exclude(pk__in=kept)
            .distinct()
            .order_by("name_fr")
        )
        if missing:
            raise ValidationError(
                {
                    "provinces": _(
                        "These provinces have execution contracts under this convention: %(names)s."
                    )
                    % {"names": ", ".join(p.name for p in missing)}
                }
            )


class ExecutionContract(Attachable, TrackedModel):
    """The specific execution contract of a framework convention in one province.

    Its end date is derived from the start date and the duration (`end_on`), never stored.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("contract status", "draft")
        SIGNED = "signed", pgettext_lazy("contract status", "signed")
        IN_PROGRESS = "in_progress", pgettext_lazy("contract status", "in progress")
        CLOSED = "closed", pgettext_lazy("contract status", "closed")
        TERMINATED = "terminated", pgettext_lazy("contract status", "terminated")

    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="execution_contracts",
        verbose_name=_("province"),
    )
    convention = models.ForeignKey(
        FrameworkConvention,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("framework convention"),
    )
    reference = models.CharField(_("reference"), max_length=80)
    signed_on = models.DateField(_("signature date"), null=True, blank=True)
    start_on = models.DateField(_("start date"))
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    budget = models.DecimalField(
        _("budget (MAD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("notes"), blank=True)

    add_label = _("New execution contract")
    province_path = "province"

    class Meta:
        verbose_name = _("execution contract")
        verbose_name_plural = _("execution contracts")
        ordering = ["-start_on", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "reference"],
                name="contract_unique_reference_per_province",
                violation_error_message=_(
                    "This province already has a contract with this reference."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("provinces:contract_detail", args=[self.province.code, self.pk])

    # The workflow: signing and starting are the field team's; closing, terminating and
    # reopening are the coordinator's (Perm.VALIDATE).
    @transition(source=Status.DRAFT, target=Status.SIGNED, label=_("Mark signed"))
    def sign(self):
        """Needs the signature date (see clean)."""

    @transition(source=Status.SIGNED, target=Status.IN_PROGRESS, label=_("Start"))
    def start(self):
        pass

    @transition(
        source=Status.IN_PROGRESS,
        target=Status.CLOSED,
        label=_("Close the contract"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,
        style="outline-success",
    )
    def close(self):
        pass

    @transition(
        source=[Status.DRAFT, Status.SIGNED, Status.IN_PROGRESS],
        target=Status.TERMINATED,
        label=_("Terminate the contract"),
        perm=Perm.VALIDATE,
        comment=Comment.REQUIRED,
        style="outline-danger",
    )
    def terminate(self):
        pass

    @transition(
        source=[Status.CLOSED, Status.TERMINATED],
        target=Status.IN_PROGRESS,
        label=_("Reopen"),
        perm=Perm.VALIDATE,
        comment=Comment.REQUIRED,
        style="outline-secondary",
    )
    def reopen(self):
        pass

    @property
    def end_on(self) -> datetime.date | None:
        """The last day covered: the eve of the same day `duration_months` after the start.

        A 12-month contract starting on 1 March 2021 ends on 28 February 2022.
        """
        if self.start_on is None or not self.duration_months:
            return None
        return add_months(self.start_on, self.duration_months) - datetime.timedelta(days=1)

    end_on.fget.short_description = _("end date")

    def clean(self) -> None:
        errors = {}
        signed = {self.Status.SIGNED, self.Status.IN_PROGRESS, self.Status.CLOSED}
        if self.status in signed and not self.signed_on:  # a draft may be terminated unsigned
            errors["signed_on"] = _("Give the signature date: the contract is no longer a draft.")
        if (
            self.convention_id
            and self.province_id
            and not self.convention.provinces.filter(pk=self.province_id).exists()
        ):
            errors["convention"] = _("This framework convention does not cover this province.")
        if errors:
            raise ValidationError(errors)


class ActivityCategory(NamedInTwoLanguages, models.Model):
    """A kind of activity in the chronogram: launch meeting, field diagnostic, training…

    Reference data kept by administrators (Django admin); a data migration loads the
    activities of the provincial progress report. An inactive category stays on the
    activities that have it but is no longer offered.
    """

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("A stable identifier, e.g. training.")
    )
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("activity category")
        verbose_name_plural = _("activity categories")
        ordering = ["order", "name_fr"]

    def __str__(self) -> str:
        return self.name


class Objective(models.IntegerChoices):
    """The four specific objectives of the framework convention (seed 000)."""

    SYNERGY = 1, _("1. Synergy and convergence of the economic-development actors")
    VALUE_CHAINS = 2, _("2. Promotion of promising value chains")
    VIABLE_PROJECTS = 3, _("3. Emergence of economically viable projects")
    ESS_SUPPORT = 4, _("4. Accompaniment of the selected ESS projects")


def activity_late_q(today: datetime.date) -> models.Q:
    """The one rule for a late activity, as a database condition.

    An activity is late on `today` when it is neither done nor cancelled and either
    - its planned end has passed (`planned_end < today`), or
    - it is still "planned", its planned start has passed and it has no actual start.

    Lists, filters, the Gantt chart and the counts all go through `ActivityQuerySet`, which
    uses this condition: the rule is written down once.
    """
    open_statuses = [Activity.Status.PLANNED, Activity.Status.IN_PROGRESS]
    return models.Q(status__in=open_statuses, planned_end__lt=today) | models.Q(
        status=Activity.Status.PLANNED, planned_start__lt=today, actual_start__isnull=True
    )


class ActivityQuerySet(models.QuerySet):
    def late(self, today: datetime.date | None = None) -> "ActivityQuerySet":
        return self.filter(activity_late_q(today or timezone.localdate()))

    def not_late(self, today: datetime.date | None = None) -> "ActivityQuerySet":
        return self.exclude(activity_late_q(today or timezone.localdate()))

    def with_lateness(self, today: datetime.date | None = None) -> "ActivityQuerySet":
        """Annotate `is_late` (see `activity_late_q`)."""
        return self.annotate(
            is_late=models.ExpressionWrapper(
                activity_late_q(today or timezone.localdate()),
                output_field=models.BooleanField(),
            )
        )

    def by_urgency(self, today: datetime.date | None = None, *first) -> "ActivityQuerySet":
        """Ordered by `first` (e.g. "objective"), then late ones first (the most overdue
        first: the missed planned end, or the missed start of one not begun), then open ones
        by planned end, then done ones (the latest finished first), cancelled ones last.
        Late is `activity_late_q`, the one rule."""
        today = today or timezone.localdate()
        open_statuses = [Activity.Status.PLANNED, Activity.Status.IN_PROGRESS]
        missed = models.Case(
            models.When(planned_end__lt=today, then=models.F("planned_end")),
            default=models.F("planned_start"),
        )
        terms = urgency_order(
            late=activity_late_q(today),
            open=models.Q(status__in=open_statuses),
            missed=missed,
            due="planned_end",
            closed_on="actual_end",
            last=models.Q(status=Activity.Status.CANCELLED),
        )
        return self.order_by(*first, *terms)

    def in_year(self, year: int) -> "ActivityQuerySet":
        """Activities whose planned or actual period touches `year`."""
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        planned = models.Q(planned_start__lte=last, planned_end__gte=first)
        actual = models.Q(actual_start__lte=last) & (
            models.Q(actual_end__gte=first) | models.Q(actual_end__isnull=True)
        )
        return self.filter(planned | actual)


class Activity(Attachable, TrackedModel):
    """An activity of a province's chronogram: what is planned, when it really happened."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("activity status", "planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("activity status", "in progress")
        DONE = "done", pgettext_lazy("activity status", "done")
        CANCELLED = "cancelled", pgettext_lazy("activity status", "cancelled")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="activities", verbose_name=_("province")
    )
    category = models.ForeignKey(
        ActivityCategory,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("category"),
    )
    objective = models.PositiveSmallIntegerField(_("specific objective"), choices=Objective.choices)
    title = models.CharField(_("title"), max_length=200)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_activities",
        verbose_name=_("responsible"),
        help_text=_("Someone who holds a role in the province."),
    )
    responsible_name = models.CharField(
        _("responsible (other)"),
        max_length=150,
        blank=True,
        help_text=_("If the person in charge has no account, e.g. a service provider."),
    )
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    deliverable = models.TextField(
        _("deliverable"),
        blank=True,
        help_text=_("What the activity produces, e.g. the value-chain diagnostic report."),
    )

    objects = ActivityQuerySet.as_manager()

    add_label = _("New activity")
    province_path = "province"

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["planned_start", "planned_end", "id"]
        # What `activity_late_q` reads, in a province or all of them: only the open
        # activities, which stay few while done ones pile up over the years (both halves of
        # the rule are about open activities, so the planner reads both from it).
        indexes = [
            models.Index(
                fields=["province", "planned_end"],
                condition=models.Q(status__in=["planned", "in_progress"]),
                name="activity_open_end_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("provinces:activity_detail", args=[self.province.code, self.pk])

    # The workflow: starting, finishing and reopening are the field team's; cancelling and
    # restoring a cancelled activity are the coordinator's (Perm.VALIDATE).
    @transition(source=Status.PLANNED, target=Status.IN_PROGRESS, label=_("Start"))
    def start(self):
        if not self.actual_start:
            self.actual_start = timezone.localdate()

    @transition(
        source=[Status.PLANNED, Status.IN_PROGRESS],
        target=Status.DONE,
        label=_("Mark done"),
        style="outline-success",
    )
    def finish(self):
        """Needs the actual start and end dates (see clean)."""

    @transition(
        source=Status.DONE,
        target=Status.IN_PROGRESS,
        label=_("Reopen"),
        comment=Comment.REQUIRED,
        style="outline-secondary",
    )
    def reopen(self):
        self.actual_end = None

    @transition(
        source=[Status.PLANNED, Status.IN_PROGRESS],
        target=Status.CANCELLED,
        label=_("Cancel the activity"),
        perm=Perm.VALIDATE,
        comment=Comment.REQUIRED,
        style="outline-danger",
    )
    def cancel(self):
        pass

    @transition(
        source=Status.CANCELLED,
        target=Status.PLANNED,
        label=_("Restore"),
        perm=Perm.VALIDATE,
        comment=Comment.REQUIRED,
        style="outline-secondary",
    )
    def restore(self):
        pass

    @property
    def responsible_display(self) -> str:
        parts = [str(self.responsible) if self.responsible_id else "", self.responsible_name]
        return " · ".join(p for p in parts if p)

    def clean(self) -> None:
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = END_BEFORE_START
        if self.actual_end and not self.actual_start:
            errors["actual_start"] = _("Give the actual start date too.")
        elif self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = END_BEFORE_START
        if self.status == self.Status.DONE:
            message = _("An activity marked done needs its actual start and end dates.")
            for name in ("actual_start", "actual_end"):
                if not getattr(self, name):
                    errors.setdefault(name, message)
            if self.actual_end and self.actual_end > timezone.localdate():
                errors.setdefault("actual_end", _("A done activity cannot have ended after today."))
        if errors:
            raise ValidationError(errors)


class FieldVisitQuerySet(models.QuerySet):
    def with_action_counts(self, today: datetime.date | None = None) -> "FieldVisitQuerySet":
        """Annotate `n_actions` and `n_overdue` (see `follow_up_overdue_q`)."""
        overdue = follow_up_overdue_q(today or timezone.localdate(), prefix="actions__")
        return self.annotate(
            n_actions=models.Count("actions", distinct=True),
            n_overdue=models.Count("actions", filter=overdue, distinct=True),
        )


class FieldVisit(Attachable, TrackedModel):
    """A field visit, or a meeting with service providers or a youth platform, in a province."""

    class Kind(models.TextChoices):
        FIELD_VISIT = "field_visit", _("field visit")
        PROVIDER_MEETING = "provider_meeting", _("meeting with service providers")
        YOUTH_PLATFORM_MEETING = "youth_platform_meeting", _("meeting with a youth platform")
        OTHER_MEETING = "other_meeting", _("other meeting")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="field_visits", verbose_name=_("province")
    )
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    date = models.DateField(_("date"))
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="field_visits", verbose_name=_("communes")
    )
    stakeholders = models.ManyToManyField(
        Stakeholder, blank=True, related_name="field_visits", verbose_name=_("stakeholders met")
    )
    people_met = models.TextField(
        _("people met"), blank=True, help_text=_("Names and roles, e.g. project holders met.")
    )
    purpose = models.TextField(_("purpose"))
    findings = models.TextField(_("findings"), blank=True)

    objects = FieldVisitQuerySet.as_manager()

    add_label = _("New visit or meeting")
    province_path = "province"
    _history_m2m_fields = ["communes", "stakeholders"]

    class Meta:
        verbose_name = _("field visit or meeting")
        verbose_name_plural = _("field visits and meetings")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display().capitalize()} · {formats.date_format(self.date)}"

    def get_absolute_url(self) -> str:
        return reverse("provinces:visit_detail", args=[self.province.code, self.pk])


def follow_up_overdue_q(today: datetime.date, prefix: str = "") -> models.Q:
    """The one rule for an overdue follow-up action: still open and its due date has passed.

    `prefix` reaches the actions from another model, e.g. "actions__" from a visit.
    """
    return models.Q(**{f"{prefix}status": FollowUpAction.Status.OPEN, f"{prefix}due_on__lt": today})


class FollowUpActionQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None) -> "FollowUpActionQuerySet":
        return self.filter(follow_up_overdue_q(today or timezone.localdate()))

    def with_overdue(self, today: datetime.date | None = None) -> "FollowUpActionQuerySet":
        """Annotate `is_overdue` (see `follow_up_overdue_q`)."""
        return self.annotate(
            is_overdue=models.ExpressionWrapper(
                follow_up_overdue_q(today or timezone.localdate()),
                output_field=models.BooleanField(),
            )
        )


class FollowUpAction(TrackedModel):
    """Something to do after a visit or a meeting, by whom and by when."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action status", "open")
        DONE = "done", pgettext_lazy("action status", "done")

    visit = models.ForeignKey(
        FieldVisit,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("visit or meeting"),
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("who does it"), max_length=150, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = FollowUpActionQuerySet.as_manager()

    add_label = _("New follow-up action")
    province_path = "visit__province"
    delete_perm = "change"

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "id"]
        # What `follow_up_overdue_q` reads: the open actions only.
        indexes = [
            models.Index(
                fields=["visit", "due_on"],
                condition=models.Q(status="open"),
                name="followupaction_open_due_idx",
            )
        ]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return f"{self.visit.get_absolute_url()}#action-{self.pk}"

    def clean(self) -> None:
        errors = {}
        if self.status == self.Status.DONE and not self.done_on:
            errors["done_on"] = _("Give the date the action was done.")
        if self.status == self.Status.OPEN and self.done_on:
            errors["done_on"] = _("An open action has no completion date: mark it done instead.")
        if self.done_on and self.done_on > timezone.localdate():
            errors.setdefault("done_on", _("The completion date cannot be after today."))
        if errors:
            raise ValidationError(errors)
