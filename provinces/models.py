"""Territorial units keyed by HCP code, the programme's provinces, and users' roles in them."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from targa.models import TrackedModel


class TerritoryUnit(models.Model):
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
    def name(self) -> str:
        """The name in the active language: Arabic for Arabic pages, French otherwise."""
        if (get_language() or "").startswith("ar") and self.name_ar:
            return self.name_ar
        return self.name_fr

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


class Stakeholder(TrackedModel):
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

    province_path = "province"
    _history_m2m_fields = ["communes"]

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["name"]
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

    province_path = "stakeholder__province"

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{self.stakeholder.get_absolute_url()}#contact-{self.pk}"


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    """Files live per province under a random folder, so names never collide or leak."""
    return f"attachments/{instance.province.code}/{uuid.uuid4().hex}/{Path(filename).name}"


class Attachment(TrackedModel):
    """A photo or document attached to any record of a province (visit, meeting, contract…).

    Files are never served publicly: they are downloaded through the access layer.
    """

    IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
    DOCUMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "ppt", "pptx", "txt")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("province")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
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

    @property
    def filename(self) -> str:
        return Path(self.file.name).name

    @property
    def is_image(self) -> bool:
        return Path(self.file.name).suffix.lower().lstrip(".") in self.IMAGE_EXTENSIONS

    def get_absolute_url(self) -> str:
        return reverse("provinces:attachment_download", args=[self.province.code, self.pk])
