"""Value chains (ValueLinks): the sectors and selection criteria, a province's candidate chains
and their scores, and the diagnostic of a chosen chain with its sections (stages and their
operators, supporters, bottlenecks and opportunities, SWOT, field observations, the upgrading
plan), reviewed and delivered to the Province on the workflow kit.

A diagnostic's content is saved section by section (`DiagnosticSection`: one version each,
so two people editing different sections never block each other); whether anyone may change
it is one rule, `Diagnostic.edit_refusal`, asked by every line through `DiagnosticPart`.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from provinces.access import has_global_perm
from provinces.models import END_BEFORE_START, Attachable, Cercle, Commune, Province, Stakeholder
from targa.core import uploads
from targa.core.access import Perm, perms_on
from targa.core.files import TransactionalFileField
from targa.core.models import NEGATIVE_AMOUNT, NEGATIVE_COUNT, TrackedModel, count_field
from targa.core.models import money_field as base_money_field
from targa.core.workflow import Comment, governing_record, transition

SCORE_MIN, SCORE_MAX = 0, 5
WEIGHT_MAX = Decimal(100)

NEGATIVE_PRICE = _("A price cannot be below zero.")
NEGATIVE_VOLUME = _("A volume cannot be below zero.")
UNIT_MISSING = _("Give the unit.")
VALUE_MISSING = _("Give the value this unit is for, or leave the unit empty.")
WOMEN_ABOVE_COUNT = _("There cannot be more women than the count (%(count)s).")
YOUNG_ABOVE_COUNT = _("There cannot be more young people than the count (%(count)s).")
NOT_THIS_DIAGNOSTIC = _("Choose a stage of this diagnostic.")
NOT_THIS_PROVINCE = _("Choose a stakeholder of the chain's province.")


def _in_arabic() -> bool:
    return (get_language() or "").startswith("ar")


def money_field(verbose_name, *, message=NEGATIVE_PRICE, **kwargs) -> models.DecimalField:
    """An amount in dirhams (MAD), never below zero; a price unless said otherwise."""
    return base_money_field(verbose_name, message=message, **kwargs)


class Unit(models.TextChoices):
    """The units volumes, prices and indicators are given in (never free text)."""

    KG = "kg", _("kilogram (kg)")
    QUINTAL = "q", _("quintal (100 kg)")
    TONNE = "t", _("tonne (t)")
    LITRE = "l", _("litre (l)")
    HECTOLITRE = "hl", _("hectolitre (hl)")
    PIECE = "piece", _("piece")
    SQUARE_METRE = "m2", _("square metre (m²)")
    HECTARE = "ha", _("hectare (ha)")
    HEAD = "head", _("head of livestock")
    HIVE = "hive", _("hive")
    NIGHT = "night", _("overnight stay")
    VISITOR = "visitor", _("visitor")
    PERSON = "person", _("person")
    NUMBER = "number", _("number")
    PERCENT = "percent", _("percent (%)")
    MAD = "mad", _("dirham (MAD)")


class Level(models.TextChoices):
    """How severe a bottleneck is, or how high an opportunity's priority."""

    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class Source(models.TextChoices):
    """Where a finding comes from."""

    FIELD_VISIT = "field_visit", _("field visit")
    FOCUS_GROUP = "focus_group", _("focus group")
    INTERVIEW = "interview", _("interview")
    QUESTIONNAIRE = "questionnaire", _("questionnaire")


# National reference data: the sectors and the selection criteria ---------------------------


class NationalReference(TrackedModel):
    """National reference data (no province): administrators manage it."""

    change_perm = "manage"
    delete_perm = "manage"

    class Meta:
        abstract = True

    def check_write(self, *, by, before, m2m) -> None:
        super().check_write(by=by, before=before, m2m=m2m)
        if by is not None and not has_global_perm(by, Perm.MANAGE):
            raise ValidationError(_("Only a national administrator changes this list."))

    @property
    def name(self) -> str:
        return self.name_ar if _in_arabic() and self.name_ar else self.name_fr


class Sector(NationalReference):
    """A sector chains belong to (agriculture, crafts, tourism…): a configurable list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("value chain", "sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


def weight_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal(0), message=_("A weight cannot be below zero.")),
            MaxValueValidator(WEIGHT_MAX, message=_("A weight cannot be above 100.")),
        ],
        **kwargs,
    )


class Criterion(NationalReference):
    """A criterion chains are scored on (0 to 5), with its national weight."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=160)
    name_ar = models.CharField(_("name (Arabic)"), max_length=160, blank=True)
    description = models.TextField(_("what a high score means"), blank=True)
    weight = weight_field(_("national weight"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=WEIGHT_MAX),
                name="vc_criterion_weight_0_100",
                violation_error_message=_("A weight goes from 0 to 100."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProvinceWeight(TrackedModel):
    """A province's own weight for a criterion, in place of the national one."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="vc_weights", verbose_name=_("province")
    )
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.CASCADE,
        related_name="province_weights",
        verbose_name=_("criterion"),
    )
    weight = weight_field(_("weight in this province"))
    reason = models.CharField(_("why it differs"), max_length=255, blank=True)

    province_path = "province"
    change_perm = "validate"  # the coordinator adjusts the province's weights
    delete_perm = "validate"

    class Meta:
        verbose_name = _("provincial weight")
        verbose_name_plural = _("provincial weights")
        ordering = ["criterion__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "criterion"],
                name="vc_weight_once_per_province",
                violation_error_message=_("This criterion already has a weight in this province."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=WEIGHT_MAX),
                name="vc_province_weight_0_100",
                violation_error_message=_("A weight goes from 0 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} · {formats.number_format(self.weight)}"


# Candidate chains and their scores --------------------------------------------------------


class Chain(TrackedModel):
    """A candidate value chain of a province: a product of a sector, over cercles and communes.

    Scored against the criteria (`ChainScore`), ranked by `valuechains.selectors.chain_ranking`;
    the coordinator chooses which go on to diagnosis (`valuechains.services.chain_select`).
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        SELECTED = "selected", _("chosen for diagnosis")
        SET_ASIDE = "set_aside", _("set aside")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="value_chains", verbose_name=_("province")
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        related_name="chains",
        verbose_name=pgettext_lazy("value chain", "sector"),
    )
    product = models.CharField(_("product"), max_length=150)
    product_ar = models.CharField(_("product (Arabic)"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    cercles = models.ManyToManyField(
        Cercle, blank=True, related_name="value_chains", verbose_name=_("cercles")
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="value_chains", verbose_name=_("communes")
    )
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.CANDIDATE)

    province_path = "province"
    _history_m2m_fields = ["cercles", "communes"]
    add_label = _("New value chain")

    class Meta:
        verbose_name = _("value chain")
        verbose_name_plural = _("value chains")
        ordering = ["product", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "sector", "product"],
                name="vc_chain_unique_per_province",
                violation_error_message=_("This province already has this chain."),
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.product_ar if _in_arabic() and self.product_ar else self.product

    def get_absolute_url(self) -> str:
        return reverse("valuechains:chain_detail", args=[self.province.code, self.pk])

    @transition(
        source=Status.CANDIDATE,
        target=Status.SELECTED,
        label=_("Go on to diagnosis"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,
        style="outline-success",
    )
    def select(self):
        """The diagnostic is started by the service (`chain_select`), in the same transaction."""

    @transition(
        source=Status.CANDIDATE,
        target=Status.SET_ASIDE,
        label=_("Set aside"),
        perm=Perm.VALIDATE,
        comment=Comment.REQUIRED,
        style="outline-secondary",
    )
    def set_aside(self):
        pass

    @transition(
        source=Status.SET_ASIDE,
        target=Status.CANDIDATE,
        label=_("Back among the candidates"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,
        style="outline-secondary",
    )
    def restore(self):
        pass

    def check_write(self, *, by, before, m2m) -> None:
        super().check_write(by=by, before=before, m2m=m2m)
        check_scope(self.province_id, (m2m or {}).get("cercles"), (m2m or {}).get("communes"))


def check_scope(province_id, cercles, communes) -> None:
    """Cercles and communes of the province, and each rural commune in one of the cercles
    when cercles are given (urban communes belong to no cercle)."""
    errors = {}
    cercles = list(cercles) if cercles is not None else None
    if cercles and any(c.province_id != province_id for c in cercles):
        errors["cercles"] = _("Choose cercles of the province.")
    if communes is not None:
        communes = list(communes)
        if any(c.province_id != province_id for c in communes):
            errors["communes"] = _("Choose communes of the province.")
        elif cercles:
            chosen = {c.pk for c in cercles}
            if any(c.cercle_id is not None and c.cercle_id not in chosen for c in communes):
                errors["communes"] = _("Choose communes of the cercles chosen.")
    if errors:
        raise ValidationError(errors)


class ChainScore(TrackedModel):
    """A chain's score on one criterion, from 0 (none) to 5 (very high), and why."""

    chain = models.ForeignKey(
        Chain, on_delete=models.CASCADE, related_name="scores", verbose_name=_("chain")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    score = models.SmallIntegerField(
        _("score (0 to 5)"),
        validators=[
            MinValueValidator(SCORE_MIN, message=_("A score goes from 0 to 5.")),
            MaxValueValidator(SCORE_MAX, message=_("A score goes from 0 to 5.")),
        ],
    )
    justification = models.TextField(_("justification"), blank=True)

    province_path = "chain__province"
    delete_perm = "change"

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "criterion"],
                name="vc_score_once_per_criterion",
                violation_error_message=_("This chain is already scored on this criterion."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="vc_score_0_to_5",
                violation_error_message=_("A score goes from 0 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} · {self.score}"


# The diagnostic and its workflow ----------------------------------------------------------


def delivered_file_path(instance: "Diagnostic", filename: str) -> str:
    province = instance.chain.province.code
    return f"valuechains/{province}/diagnostic-{instance.pk}/{filename}"


SUBMITTED_READ_ONLY = _(
    "This diagnostic is submitted for review: it is read-only until the coordinator returns "
    "it or validates it."
)
VALIDATED_LOCKED = _(
    "This diagnostic is validated: it no longer changes, unless the coordinator reopens it."
)
DELIVERED_FROZEN = _(
    "This diagnostic was delivered to the Province: it is kept as delivered. Start a new "
    "version to change it."
)
NO_RIGHT_TO_EDIT = _("You may not change the diagnostics of this province.")


class Diagnostic(TrackedModel):
    """The ValueLinks diagnostic of a chain, in one version, at cercle level.

    Its content is in sections saved on their own (`DiagnosticSection`). Workflow: draft →
    submitted (field team) → returned with a comment, or validated (coordinator) → delivered
    to the Province (date, recipient, the PDF issued). A delivered diagnostic is frozen; a new
    version (`valuechains.services.diagnostic_new_version`) copies it into a new draft.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("diagnostic status", "draft")
        SUBMITTED = "submitted", _("submitted for review")
        RETURNED = "returned", _("returned for changes")
        VALIDATED = "validated", _("validated")
        DELIVERED = "delivered", _("delivered to the Province")

    OPEN = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.VALIDATED)
    locked_states = (Status.VALIDATED, Status.DELIVERED)

    chain = models.ForeignKey(
        Chain, on_delete=models.PROTECT, related_name="diagnostics", verbose_name=_("chain")
    )
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    cercles = models.ManyToManyField(
        Cercle, blank=True, related_name="vc_diagnostics", verbose_name=_("cercles")
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="vc_diagnostics", verbose_name=_("communes")
    )
    fieldwork_start = models.DateField(_("fieldwork from"), null=True, blank=True)
    fieldwork_end = models.DateField(_("fieldwork until"), null=True, blank=True)
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivered_to = models.CharField(_("delivered to"), max_length=200, blank=True)
    delivered_file = TransactionalFileField(
        _("document delivered"), upload_to=delivered_file_path, max_length=255, blank=True
    )

    province_path = "chain__province"
    _history_m2m_fields = ["cercles", "communes"]

    class Meta:
        verbose_name = _("value-chain diagnostic")
        verbose_name_plural = _("value-chain diagnostics")
        ordering = ["chain__product", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "number"],
                name="vc_diagnostic_one_per_version",
                violation_error_message=_("This chain already has a diagnostic of this version."),
            ),
            models.UniqueConstraint(
                fields=["chain"],
                condition=~Q(status="delivered"),
                name="vc_diagnostic_one_open_per_chain",
                violation_error_message=_(
                    "This chain already has a diagnostic under way: finish it first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(fieldwork_end__isnull=True)
                | Q(fieldwork_start__isnull=True)
                | Q(fieldwork_end__gte=F("fieldwork_start")),
                name="vc_diagnostic_fieldwork_in_order",
                violation_error_message=END_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return gettext("Diagnostic of the %(chain)s chain (version %(n)s)") % {
            "chain": self.chain.label,
            "n": self.number,
        }

    def get_absolute_url(self) -> str:
        return reverse("valuechains:diagnostic_detail", args=[self.chain.province.code, self.pk])

    # Who may change the content, in each state: the one rule, asked by `can()`, the admin,
    # and every write of the diagnostic and of its lines (`check_write`, `check_delete`).
    def edit_refusal(self, user) -> str:
        """Why `user` may not change this diagnostic now ("" if they may)."""
        if self.status == self.Status.DELIVERED:
            return str(DELIVERED_FROZEN)
        if self.status == self.Status.VALIDATED:
            return str(VALIDATED_LOCKED)
        perms = perms_on(user, self) if user is not None else frozenset()
        if self.status == self.Status.SUBMITTED and Perm.VALIDATE not in perms:
            return str(SUBMITTED_READ_ONLY)
        if Perm.CHANGE not in perms:
            return str(NO_RIGHT_TO_EDIT)
        return ""

    def section_url(self, key: str, anchor: str = "") -> str:
        """The page with section `key` unfolded, scrolled to it (or to `anchor` in it)."""
        return f"{self.get_absolute_url()}?open={key}#{anchor or f'section-{key}'}"

    @property
    def is_current(self) -> bool:
        """The chain's latest version (no newer one started from it)."""
        return not hasattr(self, "next_version")

    @transition(
        source=[Status.DRAFT, Status.RETURNED],
        target=Status.SUBMITTED,
        label=_("Submit for review"),
        comment=Comment.OPTIONAL,
        style="outline-primary",
    )
    def submit(self):
        if not Operator.objects.filter(stage__diagnostic=self).exists():
            raise ValidationError(
                _("Describe at least one operator of the chain before submitting the diagnostic.")
            )

    @transition(
        source=Status.SUBMITTED,
        target=Status.RETURNED,
        label=_("Return for changes"),
        perm=Perm.VALIDATE,
        comment=Comment.REQUIRED,
        style="outline-warning",
    )
    def send_back(self):
        pass

    @transition(
        source=Status.SUBMITTED,
        target=Status.VALIDATED,
        label=_("Validate"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,
        style="outline-success",
    )
    def validate(self):
        pass

    @transition(
        source=Status.VALIDATED,
        target=Status.RETURNED,
        label=_("Reopen for changes"),
        perm=Perm.VALIDATE,
        comment=Comment.REQUIRED,
        style="outline-secondary",
    )
    def reopen(self):
        pass

    @transition(
        source=Status.VALIDATED,
        target=Status.DELIVERED,
        label=_("Record the delivery to the Province"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,
        style="outline-success",
    )
    def deliver(self, *, on: datetime.date, recipient: str, document):
        """`document` is the PDF issued (a File with a name); checked by `clean`."""
        self.delivered_on, self.delivered_to = on, (recipient or "").strip()
        self.delivered_file = document

    def clean(self) -> None:
        errors = {}
        if (
            self.fieldwork_start
            and self.fieldwork_end
            and self.fieldwork_end < self.fieldwork_start
        ):
            errors["fieldwork_end"] = END_BEFORE_START
        if self.status == self.Status.DELIVERED:
            if not self.delivered_on:
                errors["delivered_on"] = _("Give the date it was delivered.")
            elif self.delivered_on > timezone.localdate():
                errors["delivered_on"] = _("A delivery cannot be after today.")
            if not self.delivered_to:
                errors["delivered_to"] = _("Say to whom it was delivered.")
            if not self.delivered_file:
                errors["delivered_file"] = _("Attach the PDF that was delivered.")
        if self.delivered_file and not self.delivered_file._committed:
            try:
                uploads.check_upload(
                    self.delivered_file.file,
                    allowed=("pdf",),
                    max_mb=settings.MAX_UPLOAD_MB,
                    max_pixels=settings.MAX_IMAGE_PIXELS,
                )
            except ValidationError as error:
                errors["delivered_file"] = error.error_list
        if errors:
            raise ValidationError(errors)

    def check_write(self, *, by, before, m2m) -> None:
        super().check_write(by=by, before=before, m2m=m2m)
        if getattr(self, "_in_transition", None):
            return
        refusal = (
            before.edit_refusal(by)
            if before is not None
            else ("" if Perm.CHANGE in perms_on(by, self) else str(NO_RIGHT_TO_EDIT))
        )
        if refusal:
            raise ValidationError(refusal)
        m2m = m2m or {}
        if "cercles" in m2m or "communes" in m2m:
            check_scope(self.chain.province_id, m2m.get("cercles"), m2m.get("communes"))

    def check_delete(self, *, by) -> None:
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("Only a draft diagnostic can be deleted."))
        refusal = self.edit_refusal(by)
        if refusal:
            raise ValidationError(refusal)


class DiagnosticPart(TrackedModel):
    """A record of a diagnostic's content: it changes only while the diagnostic may be changed
    by the person writing (`Diagnostic.edit_refusal`), whoever the caller."""

    workflow_parent = "diagnostic"
    delete_perm = "change"  # the field team removes the lines it entered

    class Meta:
        abstract = True

    @property
    def governing_diagnostic(self) -> "Diagnostic":
        return governing_record(self)

    def _refuse_if_locked(self, by) -> None:
        refusal = self.governing_diagnostic.edit_refusal(by)
        if refusal:
            raise ValidationError(refusal)

    def check_write(self, *, by, before, m2m) -> None:
        super().check_write(by=by, before=before, m2m=m2m)
        self._refuse_if_locked(by)

    def check_delete(self, *, by) -> None:
        self._refuse_if_locked(by)


class DiagnosticSectionQuerySet(models.QuerySet):
    def with_saver(self):
        """Each section with `saved_by_id`: who saved it last, from its history (one
        subquery, so a page of sections costs one query)."""
        history = DiagnosticSection.history.model.objects.filter(id=OuterRef("pk"))
        last = history.order_by("-history_date", "-history_id").values("history_user")[:1]
        return self.annotate(saved_by_id=Subquery(last))


class DiagnosticSection(DiagnosticPart):
    """One section of a diagnostic, with its own version: saving a section (its lines, its
    summary) checks and bumps this version only, so two people editing different sections
    never block each other, and the same section edited twice gets the merge screen."""

    class Key(models.TextChoices):
        STAGES = "stages", _("stages and operators")
        SUPPORTERS = "supporters", _("supporters")
        FINDINGS = "findings", _("bottlenecks and opportunities")
        SWOT = "swot", _("SWOT")
        OBSERVATIONS = "observations", _("field observations")
        STRATEGY = "strategy", _("vision and objectives")
        ACTIONS = "actions", _("flagship actions and indicators")
        ADVOCACY = "advocacy", _("advocacy")

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="sections", verbose_name=_("diagnostic")
    )
    key = models.CharField(_("section"), max_length=16, choices=Key.choices)
    # For the strategy section, the chain's vision; for the others, a summary of the section.
    summary = models.TextField(_("summary"), blank=True)
    # The token of the last save, so that the same save sent again (a dropped connection)
    # is recognised instead of answering a conflict.
    last_token = models.UUIDField(null=True, blank=True, editable=False)

    province_path = "diagnostic__chain__province"

    objects = DiagnosticSectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("section of a diagnostic")
        verbose_name_plural = _("sections of diagnostics")
        ordering = ["diagnostic", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "key"],
                name="vc_section_once_per_diagnostic",
                violation_error_message=_("This diagnostic already has this section."),
            )
        ]

    def __str__(self) -> str:
        return str(self.get_key_display())

    def check_delete(self, *, by) -> None:
        raise ValidationError(_("A section is part of its diagnostic; empty it instead."))


# Stages and operators --------------------------------------------------------------------


class Stage(DiagnosticPart):
    """A function of the chain (input supply, production…), in the order of the chain."""

    class Kind(models.TextChoices):
        INPUT_SUPPLY = "input_supply", _("input supply")
        PRODUCTION = "production", _("production")
        PROCESSING = "processing", _("processing")
        TRADE = "trade", _("trade and marketing")
        CONSUMPTION = "consumption", _("consumption")
        OTHER = "other", _("other stage")

    DEFAULT = (
        Kind.INPUT_SUPPLY,
        Kind.PRODUCTION,
        Kind.PROCESSING,
        Kind.TRADE,
        Kind.CONSUMPTION,
    )

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="stages", verbose_name=_("diagnostic")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("function"), max_length=16, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=120, blank=True, help_text=_("Leave empty to use the function's.")
    )
    description = models.TextField(_("description"), blank=True)

    province_path = "diagnostic__chain__province"

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name or str(self.get_kind_display()).capitalize()


class Operator(DiagnosticPart):
    """Operators of one kind at a stage: how many, women and young people among them,
    volumes, prices and value added, each with its unit."""

    class Kind(models.TextChoices):
        SUPPLIERS = "suppliers", _("input suppliers")
        PRODUCERS = "producers", _("producers")
        COOPERATIVES = "cooperatives", _("cooperatives")
        COLLECTORS = "collectors", _("collectors")
        PROCESSORS = "processors", _("processors")
        TRADERS = "traders", _("traders")
        WHOLESALERS = "wholesalers", _("wholesalers")
        RETAILERS = "retailers", _("retailers")
        EXPORTERS = "exporters", _("exporters")
        SERVICE_PROVIDERS = "service_providers", _("service providers")
        CONSUMERS = "consumers", _("consumers")
        OTHER = "other", _("other operators")

    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="operators", verbose_name=_("stage")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind of operator"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    count = count_field(_("how many"), null=True, blank=True)
    women = count_field(_("of whom women"), null=True, blank=True)
    young = count_field(_("of whom young people"), null=True, blank=True)
    volume = models.DecimalField(
        _("volume per year"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0), message=NEGATIVE_VOLUME)],
    )
    volume_unit = models.CharField(_("unit of volume"), max_length=10, choices=Unit, blank=True)
    price = money_field(_("price (MAD)"), null=True, blank=True)
    price_unit = models.CharField(_("price per"), max_length=10, choices=Unit, blank=True)
    value_added = models.DecimalField(
        _("value added (MAD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Per unit of the price; below zero when the operator sells at a loss."),
    )
    value_added_unit = models.CharField(
        _("value added per"), max_length=10, choices=Unit, blank=True
    )

    province_path = "stage__diagnostic__chain__province"
    workflow_parent = "stage__diagnostic"

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operators")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(count__isnull=True) | Q(count__gte=0))
                & (Q(women__isnull=True) | Q(women__gte=0))
                & (Q(young__isnull=True) | Q(young__gte=0)),
                name="vc_operator_counts_not_negative",
                violation_error_message=NEGATIVE_COUNT,
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=True)
                | (Q(women__isnull=True) | Q(women__lte=F("count")))
                & (Q(young__isnull=True) | Q(young__lte=F("count"))),
                name="vc_operator_shares_within_count",
                violation_error_message=_("Women and young people are counted within the count."),
            ),
            models.CheckConstraint(
                condition=(Q(price__isnull=True) | Q(price__gte=0))
                & (Q(volume__isnull=True) | Q(volume__gte=0)),
                name="vc_operator_price_volume_not_negative",
                violation_error_message=NEGATIVE_PRICE,
            ),
        ]

    def __str__(self) -> str:
        return self.description or str(self.get_kind_display()).capitalize()

    @property
    def women_share(self) -> Decimal | None:
        """Women as a percentage of the count (None when either is unknown or the count is 0)."""
        return _share(self.women, self.count)

    @property
    def young_share(self) -> Decimal | None:
        return _share(self.young, self.count)

    def clean(self) -> None:
        errors = {}
        if self.count is not None:
            for name, message in (("women", WOMEN_ABOVE_COUNT), ("young", YOUNG_ABOVE_COUNT)):
                value = getattr(self, name)
                if value is not None and value >= 0 and self.count >= 0 and value > self.count:
                    errors[name] = ValidationError(message, params={"count": self.count})
        for value, unit in (
            ("volume", "volume_unit"),
            ("price", "price_unit"),
            ("value_added", "value_added_unit"),
        ):
            if getattr(self, value) is not None and not getattr(self, unit):
                errors.setdefault(unit, UNIT_MISSING)
            elif getattr(self, value) is None and getattr(self, unit):
                errors.setdefault(value, VALUE_MISSING)
        if errors:
            raise ValidationError(errors)


def _share(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1))


# Supporters, findings, SWOT, observations -------------------------------------------------


def _check_stakeholder(record, name: str, errors: dict) -> None:
    stakeholder = getattr(record, name)
    if stakeholder is not None and stakeholder.province_id != record.diagnostic.chain.province_id:
        errors[name] = NOT_THIS_PROVINCE


class Supporter(DiagnosticPart):
    """An institution that supports the chain (services, finance, training…) and the stages it
    serves; linked to the province's stakeholder when there is one."""

    class Kind(models.TextChoices):
        PUBLIC_SERVICE = "public_service", _("public service")
        FINANCE = "finance", _("finance")
        TRAINING = "training", _("training and advice")
        ASSOCIATION = "association", _("association or network")
        RESEARCH = "research", _("research")
        OTHER = "other", _("other support")

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="supporters",
        verbose_name=_("diagnostic"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind of support"), max_length=16, choices=Kind.choices)
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vc_supports",
        verbose_name=_("stakeholder"),
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("When it is not among the stakeholders.")
    )
    support = models.TextField(_("support given"), blank=True)
    stages = models.ManyToManyField(
        Stage, blank=True, related_name="supporters", verbose_name=_("stages served")
    )

    province_path = "diagnostic__chain__province"
    _history_m2m_fields = ["stages"]

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.stakeholder_id:
            return self.stakeholder.acronym or self.stakeholder.name
        return self.name

    def clean(self) -> None:
        errors = {}
        if not self.stakeholder_id and not self.name.strip():
            errors["name"] = _("Choose the stakeholder, or give the supporter's name.")
        _check_stakeholder(self, "stakeholder", errors)
        if errors:
            raise ValidationError(errors)

    def check_write(self, *, by, before, m2m) -> None:
        super().check_write(by=by, before=before, m2m=m2m)
        stages = (m2m or {}).get("stages")
        if stages is not None and any(s.diagnostic_id != self.diagnostic_id for s in stages):
            raise ValidationError({"stages": NOT_THIS_DIAGNOSTIC})


class StageFinding(DiagnosticPart):
    """What was found at a stage, its level and where it comes from."""

    # Each kind declares `diagnostic`, `stage` and `level` (severity or priority).
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("in a few words"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)

    province_path = "diagnostic__chain__province"

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.stage_id and self.diagnostic_id and self.stage.diagnostic_id != self.diagnostic_id:
            raise ValidationError({"stage": NOT_THIS_DIAGNOSTIC})


class Bottleneck(StageFinding):
    """A constraint (goulot d'étranglement) at a stage, with its severity."""

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="bottlenecks",
        verbose_name=_("diagnostic"),
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="bottlenecks", verbose_name=_("stage")
    )
    level = models.CharField(
        _("severity"), max_length=8, choices=Level.choices, default=Level.MEDIUM
    )

    class Meta(StageFinding.Meta):
        verbose_name = _("bottleneck")
        verbose_name_plural = _("bottlenecks")


class Opportunity(StageFinding):
    """An opportunity at a stage, with its priority."""

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="opportunities",
        verbose_name=_("diagnostic"),
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("stage")
    )
    level = models.CharField(
        _("priority"), max_length=8, choices=Level.choices, default=Level.MEDIUM
    )

    class Meta(StageFinding.Meta):
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")


class SwotEntry(DiagnosticPart):
    """A line of the chain's SWOT."""

    class Quadrant(models.TextChoices):
        STRENGTH = "strength", _("strength")
        WEAKNESS = "weakness", _("weakness")
        OPPORTUNITY = "opportunity", _("opportunity")
        THREAT = "threat", _("threat")

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="swot", verbose_name=_("diagnostic")
    )
    quadrant = models.CharField(_("quadrant"), max_length=12, choices=Quadrant.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("text"), max_length=300)

    province_path = "diagnostic__chain__province"

    class Meta:
        verbose_name = _("SWOT entry")
        verbose_name_plural = _("SWOT entries")
        ordering = ["quadrant", "order", "id"]

    def __str__(self) -> str:
        return self.text


class FieldObservation(Attachable, DiagnosticPart):
    """An interview, a focus group or a visit of the diagnostic's fieldwork: when, where, who
    took part (by sex and age), what was said; photos and documents as attachments."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("interview")
        FOCUS_GROUP = "focus_group", _("focus group")
        FIELD_VISIT = "field_visit", _("field visit")

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("diagnostic"),
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vc_observations",
        verbose_name=_("commune"),
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    women_young = count_field(_("women under 35"), default=0)
    women_adult = count_field(_("women aged 35 and over"), default=0)
    men_young = count_field(_("men under 35"), default=0)
    men_adult = count_field(_("men aged 35 and over"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    province_path = "diagnostic__chain__province"

    class Meta:
        verbose_name = _("field observation")
        verbose_name_plural = _("field observations")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    women_young__gte=0, women_adult__gte=0, men_young__gte=0, men_adult__gte=0
                ),
                name="vc_observation_counts_not_negative",
                violation_error_message=NEGATIVE_COUNT,
            )
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s of %(date)s") % {
            "kind": str(self.get_kind_display()).capitalize(),
            "date": formats.date_format(self.date, "SHORT_DATE_FORMAT"),
        }

    def get_absolute_url(self) -> str:
        key = DiagnosticSection.Key.OBSERVATIONS
        return self.diagnostic.section_url(key, f"observation-{self.pk}")

    @property
    def women(self) -> int:
        return self.women_young + self.women_adult

    @property
    def men(self) -> int:
        return self.men_young + self.men_adult

    @property
    def participants(self) -> int:
        return self.women + self.men

    def clean(self) -> None:
        province_id = self.diagnostic.chain.province_id if self.diagnostic_id else None
        if self.commune_id and province_id and self.commune.province_id != province_id:
            raise ValidationError({"commune": _("Choose a commune of the province.")})
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("An observation cannot be after today.")})


# The upgrading plan ----------------------------------------------------------------------


class PlanObjective(DiagnosticPart):
    """An objective of the chain's upgrading strategy (the vision is the strategy section's
    summary)."""

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="objectives",
        verbose_name=_("diagnostic"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("objective"), max_length=300)

    province_path = "diagnostic__chain__province"

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


def action_late_q(today: datetime.date) -> Q:
    """The one rule for a late flagship action, as a database condition, in the shape of
    `provinces.models.activity_late_q`.

    A flagship action is late on `today` when it is neither done nor cancelled and either
    - its end has passed (`end_date < today`), or
    - it is still "planned" and its start has passed.
    """
    open_statuses = [FlagshipAction.Status.PLANNED, FlagshipAction.Status.IN_PROGRESS]
    return Q(status__in=open_statuses, end_date__lt=today) | Q(
        status=FlagshipAction.Status.PLANNED, start_date__lt=today
    )


class FlagshipActionQuerySet(models.QuerySet):
    def late(self, today: datetime.date | None = None) -> "FlagshipActionQuerySet":
        return self.filter(action_late_q(today or timezone.localdate()))

    def with_lateness(self, today: datetime.date | None = None) -> "FlagshipActionQuerySet":
        """Annotate `is_late` (see `action_late_q`)."""
        return self.annotate(
            is_late=models.ExpressionWrapper(
                action_late_q(today or timezone.localdate()), output_field=models.BooleanField()
            )
        )

    def current(self) -> "FlagshipActionQuerySet":
        """Actions of the latest version of each chain's diagnostic (a copied plan counts once)."""
        return self.filter(diagnostic__next_version__isnull=True)


class FlagshipAction(DiagnosticPart):
    """An action phare of the upgrading plan: the bottleneck it addresses, who is responsible,
    with which partners, its budget and period, and how far it has got."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", pgettext_lazy("flagship action status", "done")
        CANCELLED = "cancelled", pgettext_lazy("flagship action status", "cancelled")

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="flagship_actions",
        verbose_name=_("diagnostic"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    bottleneck = models.ForeignKey(
        Bottleneck,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("bottleneck addressed"),
    )
    responsible = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vc_actions",
        verbose_name=_("responsible institution"),
    )
    responsible_name = models.CharField(_("responsible (other)"), max_length=200, blank=True)
    partners = models.ManyToManyField(
        Stakeholder, blank=True, related_name="vc_partner_actions", verbose_name=_("partners")
    )
    partners_other = models.CharField(_("other partners"), max_length=300, blank=True)
    budget = money_field(_("budget (MAD)"), message=NEGATIVE_AMOUNT, null=True, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )

    objects = FlagshipActionQuerySet.as_manager()

    province_path = "diagnostic__chain__province"
    _history_m2m_fields = ["partners"]

    class Meta:
        verbose_name = _("flagship action")
        verbose_name_plural = _("flagship actions")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="vc_action_dates_in_order",
                violation_error_message=END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="vc_action_budget_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.diagnostic.section_url(DiagnosticSection.Key.ACTIONS)

    @property
    def responsible_label(self) -> str:
        parts = [str(self.responsible.acronym or self.responsible.name)] if self.responsible else []
        if self.responsible_name:
            parts.append(self.responsible_name)
        return " – ".join(parts)

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = END_BEFORE_START
        if self.bottleneck_id and self.diagnostic_id:
            if self.bottleneck.diagnostic_id != self.diagnostic_id:
                errors["bottleneck"] = _("Choose a bottleneck of this diagnostic.")
        if self.diagnostic_id:
            _check_stakeholder(self, "responsible", errors)
        if errors:
            raise ValidationError(errors)

    def check_write(self, *, by, before, m2m) -> None:
        super().check_write(by=by, before=before, m2m=m2m)
        partners = (m2m or {}).get("partners")
        province_id = self.diagnostic.chain.province_id
        if partners is not None and any(p.province_id != province_id for p in partners):
            raise ValidationError({"partners": NOT_THIS_PROVINCE})


class Indicator(DiagnosticPart):
    """A monitoring indicator of a flagship action: unit, baseline, target, and the current
    value with the date it was measured."""

    action = models.ForeignKey(
        FlagshipAction,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("flagship action"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    current = models.DecimalField(
        _("current value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    current_on = models.DateField(_("measured on"), null=True, blank=True)

    province_path = "action__diagnostic__chain__province"
    workflow_parent = "action__diagnostic"

    class Meta:
        verbose_name = _("monitoring indicator")
        verbose_name_plural = _("monitoring indicators")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(current__isnull=True, current_on__isnull=True)
                | Q(current__isnull=False, current_on__isnull=False),
                name="vc_indicator_value_with_date",
                violation_error_message=_("A current value goes with the date it was measured."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.current is not None and not self.current_on:
            errors["current_on"] = _("Give the date the current value was measured.")
        elif self.current is None and self.current_on:
            errors["current"] = _("Give the value measured on this date.")
        if self.current_on and self.current_on > timezone.localdate():
            errors["current_on"] = _("A value cannot be measured after today.")
        if self.unit == Unit.PERCENT:
            for name in ("baseline", "target", "current"):
                value = getattr(self, name)
                if value is not None and not Decimal(0) <= value <= Decimal(100):
                    errors.setdefault(name, _("A percentage goes from 0 to 100."))
        if errors:
            raise ValidationError(errors)


class AdvocacyPoint(DiagnosticPart):
    """What to ask of another institution so that a flagship action gets done."""

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="advocacy_points",
        verbose_name=_("diagnostic"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    action = models.ForeignKey(
        FlagshipAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advocacy_points",
        verbose_name=_("flagship action"),
    )
    target = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vc_advocacy",
        verbose_name=_("institution to convince"),
    )
    target_name = models.CharField(_("institution (other)"), max_length=200, blank=True)
    message = models.TextField(_("what we ask"))

    province_path = "diagnostic__chain__province"

    class Meta:
        verbose_name = _("advocacy point")
        verbose_name_plural = _("advocacy points")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        text = " ".join(self.message.split())
        return text if len(text) <= 80 else f"{text[:79]}…"

    def clean(self) -> None:
        errors = {}
        if not self.target_id and not self.target_name.strip():
            errors["target_name"] = _("Choose the institution, or give its name.")
        if self.diagnostic_id:
            _check_stakeholder(self, "target", errors)
            if self.action_id and self.action.diagnostic_id != self.diagnostic_id:
                errors["action"] = _("Choose a flagship action of this diagnostic.")
        if errors:
            raise ValidationError(errors)
