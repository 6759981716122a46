"""Territorial units keyed by HCP code, the programme's provinces, and users' roles in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
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
