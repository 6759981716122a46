"""Project holders (porteurs de projets) and their pipeline: the holders with their personal
data (recorded with their consent, law 09-08), the structures they create or belong to
(cooperatives, associations, auto-entrepreneurs, small enterprises), their projects moving
through the stages of the pipeline on the workflow kit, and the calls (appels à projets,
concours d'idées) whose eligibility rules are configuration, checked rule by rule.

The stages are fixed keys (`Stage`) that the workflow's moves know; their names and order are
the administrators' (`PipelineStage`): a project moves to the next stage in that order, back
one, or is dropped with a reason from a list at any stage (`Project.advance`, `send_back`,
`drop`, `resume`), and each move is kept as a `ProjectStep` with its date, who, the decision
and the comment.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField

from provinces.models import (
    END_BEFORE_START,
    Commune,
    NamedInTwoLanguages,
    Province,
    Sex,
    Stakeholder,
)
from targa.core.access import Perm
from targa.core.models import DATE_MAX, NEGATIVE_COUNT, TrackedModel, count_field
from targa.core.models import money_field as base_money_field
from targa.core.ordering import search_key
from targa.core.workflow import Comment, transition
from valuechains.models import Chain, Sector

NOT_THIS_PROVINCE = _("Choose one of the province's.")


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return base_money_field(
        verbose_name,
        max_value=1_000_000_000,
        max_message=_("An amount above a billion dirhams is a typo."),
        **kwargs,
    )


def percent_field(verbose_name, **kwargs) -> models.DecimalField:
    message = _("A share goes from 0 to 100 %%.")  # the validators fill in their values
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal(0), message=message),
            MaxValueValidator(Decimal(100), message=message),
        ],
        **kwargs,
    )


# The holders -------------------------------------------------------------------------------

CIN_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9]{1,6}$")
AGE_MIN, AGE_MAX = 15, 80  # who a holder may plausibly be, whatever the call says


def normalise_cin(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value or "").upper()


def age_on(birth_date: datetime.date | None, day: datetime.date) -> int | None:
    if birth_date is None:
        return None
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


class AgeBand(models.TextChoices):
    """The bands results are given by (seed 002: young people are 18–35 in most calls)."""

    UNDER_18 = "u18", _("under 18")
    YOUNG = "18_35", _("18 to 35")
    ADULT = "36_45", _("36 to 45")
    OLDER = "46", _("46 and over")

    @classmethod
    def bounds(cls) -> dict[str, tuple[int | None, int | None]]:
        """Each band's ages: from (included) to (excluded); None: no bound."""
        return {
            cls.UNDER_18: (None, 18),
            cls.YOUNG: (18, 36),
            cls.ADULT: (36, 46),
            cls.OLDER: (46, None),
        }

    @classmethod
    def of(cls, age: int | None) -> "AgeBand | None":
        if age is None:
            return None
        for band, (low, high) in cls.bounds().items():
            if (low is None or age >= low) and (high is None or age < high):
                return cls(band)
        return None


class Holder(TrackedModel):
    """A person with a project idea (porteur de projet): names in both scripts, sex, date of
    birth (the age is computed, never stored), national ID (CIN, unique when given), how to
    reach them, where they live, and how they came to the programme. Their personal data is
    recorded with their consent (law 09-08) and its date."""

    class Education(models.TextChoices):
        NONE = "none", _("no schooling")
        PRIMARY = "primary", _("primary school")
        MIDDLE = "middle", _("middle school")
        SECONDARY = "secondary", _("secondary school")
        BACCALAUREATE = "baccalaureate", _("baccalaureate")
        VOCATIONAL = "vocational", _("vocational training")
        UNIVERSITY = "university", _("university")

    class Employment(models.TextChoices):
        UNEMPLOYED = "unemployed", _("unemployed")
        STUDENT = "student", _("student")
        INFORMAL = "informal", _("informal work")
        EMPLOYED = "employed", _("employed")
        SELF_EMPLOYED = "self_employed", _("self-employed")
        INACTIVE = "inactive", _("not in the labour force")

    class Channel(models.TextChoices):
        YOUTH_PLATFORM = "youth_platform", _("youth platform")
        FIELD_VISIT = "field_visit", _("field visit")
        IDEA_CONTEST = "idea_contest", _("idea contest")
        PARTNER = "partner", _("partner referral")
        DIASPORA = "diaspora", _("diaspora network (MRE)")
        WALK_IN = "walk_in", _("came on their own")
        MEDIA = "media", _("media, social networks")
        OTHER = "other", pgettext_lazy("arrival channel", "other")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="holders", verbose_name=_("province")
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=80, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=80, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    cin = models.CharField(
        _("national ID (CIN)"),
        max_length=12,  # as typed (spaces, dashes); kept as one or two letters and six digits
        blank=True,
        help_text=_("One or two letters then up to six digits, e.g. V123456."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )
    employment = models.CharField(
        _("employment situation"), max_length=16, choices=Employment.choices, blank=True
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="holders",
        verbose_name=_("commune of residence"),
    )
    channel = models.CharField(_("how they came"), max_length=16, choices=Channel.choices)
    youth_platform = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holders",
        verbose_name=_("youth platform"),
        limit_choices_to={"kind": Stakeholder.Kind.YOUTH_PLATFORM},
    )
    consent_on = models.DateField(
        _("consent given on"),
        help_text=_("The day the holder agreed to their personal data being recorded (law 09-08)."),
    )
    # Names as searched (accents, case and Arabic vowel signs ignored): kept by `save`.
    search_name = models.CharField(max_length=400, editable=False, db_index=True, default="")

    province_path = "province"
    add_label = _("New holder")
    date_bounds = {"birth_date": (datetime.date(1930, 1, 1), datetime.date(2015, 12, 31))}

    class Meta:
        verbose_name = _("project holder")
        verbose_name_plural = _("project holders")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cin"],
                condition=~Q(cin=""),
                name="projects_holder_cin_unique",
                violation_error_message=_("This CIN is already the ID of another holder."),
            )
        ]
        indexes = [models.Index(fields=["province", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        arabic = (get_language() or "").startswith("ar")
        if arabic and (self.first_name_ar or self.last_name_ar):
            return f"{self.first_name_ar} {self.last_name_ar}".strip()
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def other_script_name(self) -> str:
        """The name in the script the page is not in (Latin on an Arabic page), if given."""
        arabic = (get_language() or "").startswith("ar")
        latin = f"{self.first_name} {self.last_name}".strip()
        native = f"{self.first_name_ar} {self.last_name_ar}".strip()
        shown = self.full_name
        other = latin if arabic else native
        return "" if other == shown else other

    def get_absolute_url(self) -> str:
        return reverse("projects:holder_detail", args=[self.province.code, self.pk])

    def age(self, on: datetime.date | None = None) -> int | None:
        return age_on(self.birth_date, on or timezone.localdate())

    @property
    def age_band(self):
        return AgeBand.of(self.age())

    @property
    def masked_cin(self) -> str:
        """The CIN as shown to those who do not need it: its first letter and last two digits."""
        if not self.cin:
            return ""
        return f"{self.cin[0]}{'•' * (len(self.cin) - 3)}{self.cin[-2:]}"

    def clean(self) -> None:
        errors = {}
        self.cin = normalise_cin(self.cin)
        if self.cin and not CIN_PATTERN.match(self.cin):
            errors["cin"] = _("A CIN is one or two letters then up to six digits, e.g. V123456.")
        today = timezone.localdate()
        age = self.age(today) if self.birth_date else None
        if age is not None and not AGE_MIN <= age <= AGE_MAX:
            errors["birth_date"] = _(
                "This date of birth gives %(age)s years: a holder is %(min)s to %(max)s."
            ) % {"age": age, "min": AGE_MIN, "max": AGE_MAX}
        if self.consent_on and self.consent_on > today:
            errors["consent_on"] = _("The consent cannot be given after today.")
        if self.commune_id and self.province_id and self.commune.province_id != self.province_id:
            errors["commune"] = _("Choose a commune of the province.")
        if self.youth_platform_id and self.province_id:
            if self.youth_platform.province_id != self.province_id:
                errors["youth_platform"] = NOT_THIS_PROVINCE
        if errors:
            raise ValidationError(errors)

    def set_search_name(self) -> None:
        """What `save` keeps beside the names (bulk writes, which skip `save`, call it)."""
        self.cin = normalise_cin(self.cin)
        self.search_name = search_key(
            self.first_name, self.last_name, self.first_name_ar, self.last_name_ar
        )

    def save(self, *args, **kwargs):
        self.set_search_name()
        super().save(*args, **kwargs)


# Structures ----------------------------------------------------------------------------------


class StructureKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("cooperative (law 112-12)")
    ASSOCIATION = "association", _("association")
    AUTO_ENTREPRENEUR = "auto_entrepreneur", _("auto-entrepreneur")
    SMALL_ENTERPRISE = "small_enterprise", _("small enterprise (SARL…)")


class Structure(TrackedModel):
    """A cooperative, association, auto-entrepreneur or small enterprise: its register number,
    creation date and members by sex and age band."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="structures", verbose_name=_("province")
    )
    kind = models.CharField(_("legal form"), max_length=20, choices=StructureKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    register_number = models.CharField(_("register number"), max_length=40, blank=True)
    created_on = models.DateField(_("created on"), null=True, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="structures", verbose_name=_("commune")
    )
    women_young = count_field(_("women under 35"), default=0)
    women_adult = count_field(_("women aged 35 and over"), default=0)
    men_young = count_field(_("men under 35"), default=0)
    men_adult = count_field(_("men aged 35 and over"), default=0)
    search_name = models.CharField(max_length=400, editable=False, db_index=True, default="")

    province_path = "province"
    add_label = pgettext_lazy("structure", "New structure")

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    women_young__gte=0, women_adult__gte=0, men_young__gte=0, men_adult__gte=0
                ),
                name="projects_structure_members_not_negative",
                violation_error_message=NEGATIVE_COUNT,
            )
        ]

    def __str__(self) -> str:
        if (get_language() or "").startswith("ar") and self.name_ar:
            return self.name_ar
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:structure_detail", args=[self.province.code, self.pk])

    @property
    def members(self) -> int:
        return self.women_young + self.women_adult + self.men_young + self.men_adult

    @property
    def women_share(self) -> Decimal | None:
        return share_of(self.women_young + self.women_adult, self.members)

    @property
    def young_share(self) -> Decimal | None:
        return share_of(self.women_young + self.men_young, self.members)

    def age_in_months(self, on: datetime.date | None = None) -> int | None:
        if self.created_on is None:
            return None
        day = on or timezone.localdate()
        months = (day.year - self.created_on.year) * 12 + day.month - self.created_on.month
        return months - (day.day < self.created_on.day)

    def clean(self) -> None:
        errors = {}
        if self.created_on and self.created_on > timezone.localdate():
            errors["created_on"] = _("A structure cannot be created after today.")
        if self.commune_id and self.province_id and self.commune.province_id != self.province_id:
            errors["commune"] = _("Choose a commune of the province.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name, self.name_ar)
        super().save(*args, **kwargs)


def share_of(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, to a tenth (None when there is no whole)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# Calls and their eligibility rules -----------------------------------------------------------


@dataclass(frozen=True)
class RuleResult:
    """One eligibility rule checked: its name, passed or not, and why, in the user's language."""

    code: str
    label: str
    passed: bool
    reason: str


class Call(TrackedModel):
    """A call for projects or an idea contest of a province, with its eligibility rules: each
    rule left empty does not apply. Checking a holder or a project lists every rule that
    applies, passed or failed, with the reason (`eligibility`)."""

    class Kind(models.TextChoices):
        CALL_FOR_PROJECTS = "call", _("call for projects")
        IDEA_CONTEST = "contest", _("idea contest")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="calls", verbose_name=_("province")
    )
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    age_min = models.PositiveSmallIntegerField(
        _("youngest age"), null=True, blank=True, validators=[MaxValueValidator(AGE_MAX)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("oldest age"), null=True, blank=True, validators=[MaxValueValidator(AGE_MAX)]
    )
    residence_in_province = models.BooleanField(_("holders live in the province"), default=True)
    structure_max_months = models.PositiveSmallIntegerField(
        _("structures created at most (months) before"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(600)],
    )
    women_share_min = percent_field(_("lowest share of women members (%)"), null=True, blank=True)
    young_share_min = percent_field(_("lowest share of young members (%)"), null=True, blank=True)
    subsidy_rate_min = percent_field(_("lowest subsidy rate (%)"), null=True, blank=True)
    subsidy_rate_max = percent_field(_("highest subsidy rate (%)"), null=True, blank=True)
    subsidy_cap = money_field(_("subsidy cap (MAD)"), null=True, blank=True)

    province_path = "province"

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="projects_call_dates_in_order",
                violation_error_message=END_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = END_BEFORE_START
        if self.age_min is not None and self.age_max is not None and self.age_max < self.age_min:
            errors["age_max"] = _("The oldest age cannot be below the youngest.")
        low, high = self.subsidy_rate_min, self.subsidy_rate_max
        if low is not None and high is not None and high < low:
            errors["subsidy_rate_max"] = _("The highest rate cannot be below the lowest.")
        if errors:
            raise ValidationError(errors)

    def eligibility(self, *, holder: Holder | None = None, project: "Project | None" = None):
        """Every rule of the call that applies, checked for `holder` (or the project's holder)
        and `project`, on the call's closing day or today, whichever comes first."""
        holder = holder or (project.holder if project else None)
        structure = project.structure if project else None
        day = min(self.closes_on, timezone.localdate())
        out: list[RuleResult] = []
        if holder is not None and (self.age_min is not None or self.age_max is not None):
            age = holder.age(day)
            low = self.age_min if self.age_min is not None else AGE_MIN
            high = self.age_max if self.age_max is not None else AGE_MAX
            out.append(
                RuleResult(
                    "age",
                    gettext("Age from %(low)s to %(high)s") % {"low": low, "high": high},
                    low <= age <= high,
                    gettext("%(age)s years on %(day)s")
                    % {"age": age, "day": formats.date_format(day, "SHORT_DATE_FORMAT")},
                )
            )
        if holder is not None and self.residence_in_province:
            lives_here = holder.commune.province_id == self.province_id
            out.append(
                RuleResult(
                    "residence",
                    gettext("Lives in the province"),
                    lives_here,
                    gettext("Lives in %(commune)s") % {"commune": holder.commune.name},
                )
            )
        if structure is not None and self.structure_max_months is not None:
            months = structure.age_in_months(day)
            out.append(
                RuleResult(
                    "structure_age",
                    gettext("Structure created at most %(n)s months before")
                    % {"n": self.structure_max_months},
                    months is not None and months <= self.structure_max_months,
                    gettext("Creation date not given")
                    if months is None
                    else gettext("Created %(n)s months before") % {"n": months},
                )
            )
        for code, minimum, share, label in (
            ("women_share", self.women_share_min, structure and structure.women_share,
             gettext("At least %(n)s %% women members")),
            ("young_share", self.young_share_min, structure and structure.young_share,
             gettext("At least %(n)s %% young members")),
        ):  # fmt: skip
            if structure is None or minimum is None:
                continue
            out.append(
                RuleResult(
                    code,
                    label % {"n": _percent(minimum)},
                    share is not None and share >= minimum,
                    gettext("No member recorded")
                    if share is None
                    else gettext("%(n)s %% of the members") % {"n": _percent(share)},
                )
            )
        if project is not None and project.total_cost and project.subsidy_requested is not None:
            rate = project.subsidy_requested * 100 / project.total_cost
            low, high = self.subsidy_rate_min, self.subsidy_rate_max
            if low is not None or high is not None:
                low, high = low or Decimal(0), high if high is not None else Decimal(100)
                out.append(
                    RuleResult(
                        "subsidy_rate",
                        gettext("Subsidy from %(low)s to %(high)s %% of the cost")
                        % {"low": _percent(low), "high": _percent(high)},
                        low <= rate <= high,
                        gettext("%(n)s %% of the cost") % {"n": _percent(rate)},
                    )
                )
            if self.subsidy_cap is not None:
                out.append(
                    RuleResult(
                        "subsidy_cap",
                        gettext("Subsidy at most %(cap)s MAD") % {"cap": _money(self.subsidy_cap)},
                        project.subsidy_requested <= self.subsidy_cap,
                        gettext("%(amount)s MAD requested")
                        % {"amount": _money(project.subsidy_requested)},
                    )
                )
        return out


def _percent(value: Decimal) -> str:
    """A share as the user's language writes it (83,3 in French)."""
    return formats.number_format(Decimal(value).quantize(Decimal("0.1")).normalize())


def _money(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal(1)):,}".replace(",", " ")


# The pipeline --------------------------------------------------------------------------------


class Stage(models.TextChoices):
    """The pipeline's stages (DOMAIN.md), in their default order; `PipelineStage` gives each its
    name and place. DROPPED is where a project goes from any stage, with a reason."""

    RECEPTION = "reception", _("reception and orientation")
    ELIGIBILITY = "eligibility", _("eligibility check")
    MATURATION = "maturation", _("idea maturation")
    TRAINING = "training", _("training")
    BUSINESS_PLAN = "business_plan", _("business plan")
    TECHNICAL_COMMITTEE = "technical_committee", _("technical committee")
    CPDE_OPINION = "cpde_opinion", _("CPDE opinion")
    CPDH_APPROVAL = "cpdh_approval", _("CPDH approval")
    FINANCING = "financing", _("financing")
    CREATED = "created", _("created")
    FOLLOW_UP = "follow_up", _("post-creation follow-up")
    GRADUATED = "graduated", _("graduated")
    DROPPED = "dropped", _("dropped")


ACTIVE_STAGES = [s for s in Stage.values if s not in (Stage.GRADUATED, Stage.DROPPED)]


class PipelineStage(NamedInTwoLanguages, TrackedModel):
    """A stage as the administrators name and order it (the key is what the moves know)."""

    key = models.CharField(_("stage"), max_length=20, choices=Stage.choices, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=80)
    name_ar = models.CharField(_("name (Arabic)"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"))

    change_perm = delete_perm = "manage"

    class Meta:
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def check_delete(self, *, by) -> None:
        raise ValidationError(_("A stage of the pipeline can be renamed or moved, not removed."))


def stage_order() -> list[str]:
    """The stages a project goes through, in the administrators' order; graduated is always
    the last, dropped is aside (reached from any stage)."""
    aside = (Stage.DROPPED, Stage.GRADUATED)
    configured = list(
        PipelineStage.objects.exclude(key__in=aside)
        .order_by("order", "id")
        .values_list("key", flat=True)
    )
    missing = [s for s in Stage.values if s not in configured and s not in aside]
    return [*configured, *missing, Stage.GRADUATED]


class DropReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    NO_LONGER_INTERESTED = "no_interest", _("no longer interested")
    MOVED_AWAY = "moved_away", _("moved away, migrated")
    FOUND_JOB = "found_job", _("found a job")
    NO_OWN_CONTRIBUTION = "no_contribution", _("could not raise their own contribution")
    NOT_VIABLE = "not_viable", _("project judged not viable")
    REFUSED = "refused", _("refused by a committee")
    UNREACHABLE = "unreachable", _("could not be reached")
    CLOSED = "closed", _("activity closed after creation")
    OTHER = "other", pgettext_lazy("drop reason", "other")


class Decision(models.TextChoices):
    NONE = "", _("no decision")
    FAVOURABLE = "favourable", _("favourable")
    RESERVED = "reserved", _("favourable with reservations")
    DEFERRED = "deferred", _("deferred")
    UNFAVOURABLE = "unfavourable", _("unfavourable")


class Project(TrackedModel):
    """A holder's project: the idea, its sector and value chain, where and in which legal form,
    what it costs and how it is financed, the jobs it plans by sex, the call it answers, and
    the stage it has reached."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="projects", verbose_name=_("province")
    )
    holder = models.ForeignKey(
        Holder, on_delete=models.PROTECT, related_name="projects", verbose_name=_("holder")
    )
    structure = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("structure"),
    )
    title = models.CharField(_("project idea"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=pgettext_lazy("value chain", "sector"),
    )
    chain = models.ForeignKey(
        Chain,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("value chain"),
    )
    legal_form = models.CharField(
        _("planned legal form"), max_length=20, choices=StructureKind.choices, blank=True
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="projects", verbose_name=_("commune")
    )
    total_cost = money_field(_("total cost (MAD)"), null=True, blank=True)
    subsidy_requested = money_field(_("INDH subsidy requested (MAD)"), null=True, blank=True)
    own_contribution = money_field(_("own contribution (MAD)"), null=True, blank=True)
    other_financing = money_field(_("other financing (MAD)"), null=True, blank=True)
    jobs_women = count_field(_("jobs planned for women"), default=0)
    jobs_men = count_field(_("jobs planned for men"), default=0)
    call = models.ForeignKey(
        Call,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("call"),
    )
    stage = FSMField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.RECEPTION, protected=False
    )
    stage_since = models.DateField(_("at this stage since"), default=timezone.localdate)
    dropped_from = models.CharField(
        _("dropped at the stage"), max_length=20, choices=Stage.choices, blank=True
    )
    drop_reason = models.CharField(
        _("why dropped"), max_length=16, choices=DropReason.choices, blank=True
    )

    province_path = "province"
    add_label = _("New project")

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-stage_since", "-id"]
        indexes = [models.Index(fields=["province", "stage"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(jobs_women__gte=0, jobs_men__gte=0),
                name="projects_project_jobs_not_negative",
                violation_error_message=NEGATIVE_COUNT,
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.province.code, self.pk])

    def clean(self) -> None:
        errors = {}
        province_id = self.province_id
        if self.holder_id and province_id and self.holder.province_id != province_id:
            errors["holder"] = NOT_THIS_PROVINCE
        if self.structure_id and province_id and self.structure.province_id != province_id:
            errors["structure"] = NOT_THIS_PROVINCE
        if self.chain_id and province_id and self.chain.province_id != province_id:
            errors["chain"] = _("Choose a value chain of the province.")
        if self.call_id and province_id and self.call.province_id != province_id:
            errors["call"] = NOT_THIS_PROVINCE
        if self.commune_id and province_id and self.commune.province_id != province_id:
            errors["commune"] = _("Choose a commune of the province.")
        if self.chain_id and self.sector_id and self.chain.sector_id != self.sector_id:
            errors["chain"] = _("This chain is of another sector.")
        cost, subsidy = self.total_cost, self.subsidy_requested
        if cost is not None and subsidy is not None and subsidy > cost:
            errors["subsidy_requested"] = _("The subsidy cannot be more than the total cost.")
        if cost is not None:
            parts = [subsidy, self.own_contribution, self.other_financing]
            financed = sum((p for p in parts if p is not None), Decimal(0))
            if financed > cost:
                errors["other_financing"] = _(
                    "The financing (%(financed)s MAD) is more than the total cost."
                ) % {"financed": _money(financed)}
        if errors:
            raise ValidationError(errors)

    @property
    def jobs(self) -> int:
        return self.jobs_women + self.jobs_men

    # The moves, on the workflow kit (run by `projects.services.project_move`, which keeps
    # each as a ProjectStep). Each body returns the stage the project goes to.

    def _moved(self, to: str, on: datetime.date | None) -> str:
        self.stage_since = on or timezone.localdate()
        return to

    @transition(
        source=ACTIVE_STAGES,
        target=RETURN_VALUE(*Stage.values),
        label=_("Next stage"),
        comment=Comment.OPTIONAL,
        style="primary",
        field="stage",
    )
    def advance(self, *, on=None, decision=""):
        order = stage_order()
        return self._moved(order[order.index(self.stage) + 1], on)

    @transition(
        source=ACTIVE_STAGES,
        target=RETURN_VALUE(*Stage.values),
        label=_("Back one stage"),
        comment=Comment.REQUIRED,
        field="stage",
    )
    def send_back(self, *, on=None, decision=""):
        order = stage_order()
        index = order.index(self.stage)
        if index == 0:
            raise ValidationError(_("This is the first stage: there is none before it."))
        return self._moved(order[index - 1], on)

    @transition(
        source=ACTIVE_STAGES,
        target=RETURN_VALUE(Stage.DROPPED),
        label=_("Drop"),
        comment=Comment.OPTIONAL,
        style="outline-danger",
        field="stage",
    )
    def drop(self, *, on=None, reason="", decision=""):
        if reason not in DropReason.values:
            raise ValidationError({"reason": _("Choose why the project is dropped.")})
        self.dropped_from, self.drop_reason = self.stage, reason
        return self._moved(Stage.DROPPED, on)

    @transition(
        source=Stage.DROPPED,
        target=RETURN_VALUE(*Stage.values),
        label=_("Resume"),
        perm=Perm.VALIDATE,
        comment=Comment.REQUIRED,
        field="stage",
    )
    def resume(self, *, on=None, decision=""):
        back = self.dropped_from or Stage.RECEPTION
        self.dropped_from, self.drop_reason = "", ""
        return self._moved(back, on)


class ProjectStep(models.Model):
    """One move of a project through the pipeline: from which stage to which, on which day
    (the day it was decided, which may be before it was recorded), the decision, the comment,
    who recorded it and when. Written by the moves only; the project's page shows the path."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="steps", verbose_name=_("project")
    )
    from_stage = models.CharField(
        _("from"), max_length=20, choices=Stage.choices, blank=True
    )  # blank: the project's first step, its creation
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("date"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        "targa.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("step of a project")
        verbose_name_plural = _("steps of projects")
        ordering = ["on", "at", "id"]
        indexes = [models.Index(fields=["to_stage", "on"])]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"


# Accompaniment: sessions and post-creation visits ------------------------------------------

PROGRAMME_START = datetime.date(2019, 1, 1)  # INDH phase III: nothing of ours is older
HOURS_MIN, HOURS_MAX = Decimal("0.25"), Decimal("100")
VISITED_STAGES = (Stage.CREATED, Stage.FOLLOW_UP, Stage.GRADUATED)


class SessionKind(models.TextChoices):
    TRAINING = "training", _("training")
    COACHING = "coaching", _("coaching")
    WORKSHOP = "workshop", _("workshop")
    FOCUS_GROUP = "focus_group", _("focus group")
    PHONE = "phone", _("remote follow-up by phone")
    VIDEO = "video", _("remote follow-up by video")


def not_of_province(records, province_id) -> list:
    """The records (holders, structures) that are not of the province `province_id`."""
    return [r for r in records if r.province_id != province_id]


class Session(TrackedModel):
    """An accompaniment session of a province: a training, coaching, workshop, focus group
    or remote follow-up (phone, video), on a day, about a topic, led by a trainer (and the
    organisation they come from), with the holders and structures present. Those present are
    of the session's province (`check_write`, for every caller)."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("province")
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("type"), max_length=12, choices=SessionKind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(
        _("led by"),
        max_length=150,
        help_text=_("The trainer, coach or field agent who led the session."),
    )
    provider = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("organisation of the trainer"),
        help_text=_("The service provider or partner the trainer comes from, if any."),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("commune"),
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the youth platform, the cooperative's premises."),
    )
    hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                HOURS_MIN, message=_("A session lasts at least a quarter of an hour.")
            ),
            MaxValueValidator(
                HOURS_MAX,
                message=_("A session lasts at most 100 hours: record a longer one as several."),
            ),
        ],
        help_text=_("E.g. 2.5 for two hours and a half."),
    )
    holders = models.ManyToManyField(
        Holder, blank=True, related_name="sessions", verbose_name=_("holders present")
    )
    structures = models.ManyToManyField(
        Structure, blank=True, related_name="sessions", verbose_name=_("structures present")
    )
    notes = models.TextField(_("notes"), blank=True)

    province_path = "province"
    add_label = _("New session")
    date_bounds = {"on": (PROGRAMME_START, DATE_MAX)}
    _history_m2m_fields = ["holders", "structures"]

    class Meta:
        verbose_name = _("accompaniment session")
        verbose_name_plural = _("accompaniment sessions")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["province", "-on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=HOURS_MIN, hours__lte=HOURS_MAX),
                name="projects_session_hours_bounded",
                violation_error_message=_(
                    "A session lasts from a quarter of an hour to 100 hours."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {formats.date_format(self.on, 'SHORT_DATE_FORMAT')}"

    def get_absolute_url(self) -> str:
        return reverse("projects:session_detail", args=[self.province.code, self.pk])

    def clean(self) -> None:
        errors = {}
        if self.on and self.on > timezone.localdate():
            errors["on"] = _("A session is recorded once held: its date cannot be after today.")
        if self.commune_id and self.province_id and self.commune.province_id != self.province_id:
            errors["commune"] = _("Choose a commune of the province.")
        if self.provider_id and self.province_id and self.provider.province_id != self.province_id:
            errors["provider"] = NOT_THIS_PROVINCE
        if errors:
            raise ValidationError(errors)

    def check_write(self, *, by, before, m2m) -> None:
        """Those present are of the session's province (the many-to-many values are set after
        the save, so they are checked here, before it, for every caller)."""
        super().check_write(by=by, before=before, m2m=m2m)
        errors = {}
        messages = {
            "holders": _("These holders are of another province: %(names)s."),
            "structures": _("These structures are of another province: %(names)s."),
        }
        for name, message in messages.items():
            chosen = (m2m or {}).get(name)
            if chosen is None:
                continue
            foreign = not_of_province(list(chosen), self.province_id)
            if foreign:
                errors[name] = message % {"names": ", ".join(str(r) for r in foreign)}
        if errors:
            raise ValidationError(errors)


class IncomeChange(models.TextChoices):
    INCREASED = "increased", _("increased")
    STABLE = "stable", _("stable")
    DECREASED = "decreased", _("decreased")


def stage_label(key: str) -> str:
    """A stage's name as the administrators set it, in the active language."""
    named = PipelineStage.objects.filter(key=key).first()
    return named.name if named is not None else str(Stage(key).label)


class Visit(TrackedModel):
    """A post-creation visit to a project: what was seen, the turnover since the last visit,
    the jobs held on the day (created by the project, and kept, by sex), how the holder's
    income changed, the difficulties, the next steps and the next visit.

    Jobs are what the project employs on the day of the visit, not additions to the last
    visit's: the latest visit gives the project's figures. Turnover is for the period since
    the previous visit (since creation for the first), so the visits' turnovers add up.
    Only a project that is created, followed up after creation or graduated gets visits.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="visits", verbose_name=_("project")
    )
    on = models.DateField(_("date of the visit"))
    observations = models.TextField(_("observations"))
    turnover = money_field(
        _("turnover since the last visit (MAD)"),
        null=True,
        blank=True,
        help_text=_("Sales since the previous visit (since creation for the first visit)."),
    )
    jobs_created_women = count_field(
        _("jobs created for women"),
        default=0,
        help_text=_("Held on the day of the visit: a count, not an addition to the last one."),
    )
    jobs_created_men = count_field(
        _("jobs created for men"),
        default=0,
        help_text=_("Held on the day of the visit: a count, not an addition to the last one."),
    )
    jobs_kept_women = count_field(
        _("jobs kept for women"),
        default=0,
        help_text=_("Jobs that existed before the project and that it keeps."),
    )
    jobs_kept_men = count_field(
        _("jobs kept for men"),
        default=0,
        help_text=_("Jobs that existed before the project and that it keeps."),
    )
    income_change = models.CharField(
        _("holder's income since the last visit"), max_length=10, choices=IncomeChange.choices
    )
    monthly_income = money_field(
        _("holder's monthly income from the project (MAD)"), null=True, blank=True
    )
    difficulties = models.TextField(_("difficulties"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    next_visit_on = models.DateField(_("next visit planned on"), null=True, blank=True)

    province_path = "project__province"
    add_label = _("New visit")
    date_bounds = {"on": (PROGRAMME_START, DATE_MAX), "next_visit_on": (PROGRAMME_START, DATE_MAX)}

    class Meta:
        verbose_name = _("post-creation visit")
        verbose_name_plural = _("post-creation visits")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["project", "on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    jobs_created_women__gte=0,
                    jobs_created_men__gte=0,
                    jobs_kept_women__gte=0,
                    jobs_kept_men__gte=0,
                ),
                name="projects_visit_jobs_not_negative",
                violation_error_message=NEGATIVE_COUNT,
            ),
            models.CheckConstraint(
                condition=Q(next_visit_on__isnull=True) | Q(next_visit_on__gt=F("on")),
                name="projects_visit_next_after_visit",
                violation_error_message=_("The next visit comes after this one."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Visit of %(day)s") % {
            "day": formats.date_format(self.on, "SHORT_DATE_FORMAT")
        }

    def get_absolute_url(self) -> str:
        return reverse(
            "projects:visit_detail", args=[self.project.province.code, self.project_id, self.pk]
        )

    @property
    def jobs_created(self) -> int:
        return self.jobs_created_women + self.jobs_created_men

    @property
    def jobs_kept(self) -> int:
        return self.jobs_kept_women + self.jobs_kept_men

    def clean(self) -> None:
        errors = {}
        if self.on and self.on > timezone.localdate():
            errors["on"] = _("A visit is recorded once made: its date cannot be after today.")
        if self.on and self.next_visit_on and self.next_visit_on <= self.on:
            errors["next_visit_on"] = _("The next visit comes after this one.")
        if self.project_id and self._state.adding and self.project.stage not in VISITED_STAGES:
            errors[NON_FIELD_ERRORS] = _(
                "Only a project that is created, followed up after creation or graduated gets "
                "visits: this one is at the stage “%(stage)s”."
            ) % {"stage": stage_label(self.project.stage)}
        elif self.project_id and self.on and "on" not in errors:
            created = (
                self.project.steps.filter(to_stage=Stage.CREATED)
                .order_by("on")
                .values_list("on", flat=True)
                .first()
            )
            if created is not None and self.on < created:
                errors["on"] = _(
                    "The project was created on %(day)s: a visit after creation cannot be "
                    "dated before."
                ) % {"day": formats.date_format(created, "SHORT_DATE_FORMAT")}
        if errors:
            raise ValidationError(errors)


# Cooperatives' capacity plans (seed 001) -----------------------------------------------------

import calendar  # noqa: E402

from targa.core.models import date_in_bounds  # noqa: E402

PLAN_MAX_MONTHS = 36  # a plan runs for months, not years: a longer period is a typo
WORKSHOPS_MAX = 24
REMOTE_EVERY_MIN, REMOTE_EVERY_MAX = 7, 90
REMOTE_KINDS = (SessionKind.PHONE, SessionKind.VIDEO)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class CapacityPlan(TrackedModel):
    """A cooperative's capacity-building plan (seed 001): the diagnostic of its technical,
    financial and legal needs, its training plan, its action plan (`PlanActivity` lines) and
    the rhythm of its accompaniment over the plan's period: practical workshops, one a month
    (six by default), and a remote follow-up every `remote_every_days` days (fourteen).

    One plan per cooperative (a structure of the kind cooperative); the province is the
    cooperative's. Drawn up by the field team, validated by the coordinator: a validated plan
    is read-only until the coordinator reopens it; its action plan's lines stay open to the
    follow-up (their status and what was achieved).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("capacity plan status", "draft")
        VALIDATED = "validated", pgettext_lazy("capacity plan status", "validated")

    locked_states = (Status.VALIDATED,)

    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="capacity_plans",
        verbose_name=_("cooperative"),
    )
    starts_on = models.DateField(_("plan starts on"))
    ends_on = models.DateField(_("plan ends on"))
    technical_needs = models.TextField(
        _("technical needs"),
        blank=True,
        help_text=_("Production, quality, packaging, equipment, marketing…"),
    )
    financial_needs = models.TextField(
        _("financial needs"),
        blank=True,
        help_text=_("Bookkeeping, costing and prices, access to finance…"),
    )
    legal_needs = models.TextField(
        _("legal needs"),
        blank=True,
        help_text=_("Statutes, general assemblies, registers (law 112-12), labels, permits…"),
    )
    training_plan = models.TextField(
        _("training plan"),
        blank=True,
        help_text=_("One training a line: its subject, who it is for, when."),
    )
    workshops_planned = models.PositiveSmallIntegerField(
        _("monthly workshops planned"),
        default=6,
        validators=[
            MaxValueValidator(
                WORKSHOPS_MAX, message=_("At most %(limit_value)s workshops, one a month.")
            )
        ],
        help_text=_("Practical workshops, one a month from the start of the plan."),
    )
    remote_every_days = models.PositiveSmallIntegerField(
        _("remote follow-up every (days)"),
        default=14,
        validators=[
            MinValueValidator(
                REMOTE_EVERY_MIN,
                message=_("A remote follow-up comes at most once a week (every 7 days)."),
            ),
            MaxValueValidator(
                REMOTE_EVERY_MAX,
                message=_("A remote follow-up comes at least every 90 days."),
            ),
        ],
        help_text=_("By phone or video; 14 for every two weeks."),
    )
    status = FSMField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, protected=False
    )

    province_path = "structure__province"
    add_label = _("New capacity plan")
    date_bounds = {"starts_on": (PROGRAMME_START, DATE_MAX), "ends_on": (PROGRAMME_START, DATE_MAX)}

    class Meta:
        verbose_name = _("capacity plan")
        verbose_name_plural = _("capacity plans")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure"],
                name="projects_capacityplan_one_per_cooperative",
                violation_error_message=_("This cooperative already has a capacity plan."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="projects_capacityplan_dates_in_order",
                violation_error_message=_("The plan ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(
                    workshops_planned__lte=WORKSHOPS_MAX,
                    remote_every_days__gte=REMOTE_EVERY_MIN,
                    remote_every_days__lte=REMOTE_EVERY_MAX,
                ),
                name="projects_capacityplan_rhythm_bounded",
                violation_error_message=_(
                    "At most 24 workshops; a remote follow-up every 7 to 90 days."
                ),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Capacity plan of %(cooperative)s") % {"cooperative": self.structure}

    def get_absolute_url(self) -> str:
        return reverse("projects:plan_detail", args=[self.structure.province.code, self.pk])

    @property
    def workshops_end(self) -> datetime.date:
        """The day by which the last monthly workshop is due."""
        return add_months(self.starts_on, self.workshops_planned) - datetime.timedelta(days=1)

    def clean(self) -> None:
        errors = {}
        if self.structure_id and self.structure.kind != StructureKind.COOPERATIVE:
            errors["structure"] = _(
                "A capacity plan is drawn up for a cooperative: “%(name)s” is %(kind)s."
            ) % {"name": self.structure, "kind": self.structure.get_kind_display()}
        elif self.structure_id:
            others = CapacityPlan.objects.filter(structure_id=self.structure_id).exclude(pk=self.pk)
            if others.exists():
                errors["structure"] = _("This cooperative already has a capacity plan.")
        start, end = self.starts_on, self.ends_on
        bounded = all(
            isinstance(d, datetime.date) and date_in_bounds(d, self.date_bounds[name])
            for name, d in (("starts_on", start), ("ends_on", end))
        )
        if not 0 <= (self.workshops_planned or 0) <= WORKSHOPS_MAX:
            bounded = False  # the field says why; the period is checked once it is right
        if bounded:
            if end <= start:
                errors["ends_on"] = _("The plan ends after it starts.")
            elif end > add_months(start, PLAN_MAX_MONTHS):
                errors["ends_on"] = _("A plan runs for at most %(n)s months.") % {
                    "n": PLAN_MAX_MONTHS
                }
            elif self.workshops_planned and end < self.workshops_end:
                errors["ends_on"] = _(
                    "%(n)s monthly workshops need the plan to run until %(day)s at least."
                ) % {
                    "n": self.workshops_planned,
                    "day": formats.date_format(self.workshops_end, "SHORT_DATE_FORMAT"),
                }
        needs = (self.technical_needs, self.financial_needs, self.legal_needs)
        if not any((n or "").strip() for n in needs):
            errors["technical_needs"] = _(
                "Write down at least one need of the cooperative: technical, financial or legal."
            )
        if errors:
            raise ValidationError(errors)

    @transition(
        source=Status.DRAFT,
        target=Status.VALIDATED,
        label=_("Validate the plan"),
        perm=Perm.VALIDATE,
        comment=Comment.OPTIONAL,
        style="outline-success",
    )
    def validate(self):
        if not self.activities.exists():
            raise ValidationError(_("The action plan has no activity yet: add one first."))

    @transition(
        source=Status.VALIDATED,
        target=Status.DRAFT,
        label=_("Reopen for changes"),
        perm=Perm.VALIDATE,
        comment=Comment.REQUIRED,
        style="outline-secondary",
    )
    def reopen(self):
        pass


def activity_late_q(today: datetime.date, prefix: str = "") -> Q:
    """The one rule for a late line of an action plan, as a database condition: not done
    (planned or in progress) and its deadline has passed (`deadline < today`)."""
    open_statuses = [PlanActivity.Status.PLANNED, PlanActivity.Status.IN_PROGRESS]
    return Q(**{f"{prefix}deadline__lt": today, f"{prefix}status__in": open_statuses})


class PlanActivity(TrackedModel):
    """A line of a cooperative's action plan: the activity, who carries it out, its deadline
    (within the plan's period), its follow-up indicator, its performance indicator with a
    target and what was achieved, the stakeholders who take part, and how far it is. "Late"
    is not stored: a line not done whose deadline has passed is late (`activity_late_q`)."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("plan activity status", "planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("plan activity status", "in progress")
        DONE = "done", pgettext_lazy("plan activity status", "done")

    plan = models.ForeignKey(
        CapacityPlan,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("capacity plan"),
    )
    activity = models.CharField(_("activity"), max_length=300)
    responsible = models.CharField(
        _("responsible"),
        max_length=150,
        help_text=_("Who carries it out: a member of the cooperative, the trainer, a partner."),
    )
    deadline = models.DateField(_("deadline"))
    follow_up_indicator = models.CharField(
        _("follow-up indicator"),
        max_length=300,
        blank=True,
        help_text=_("What shows it is under way, e.g. “attendance sheet of the training”."),
    )
    performance_indicator = models.CharField(
        _("performance indicator"),
        max_length=300,
        blank=True,
        help_text=_("What shows it worked, e.g. “number of members keeping the cash book”."),
    )
    target = models.DecimalField(
        _("target"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal(0), message=_("A target cannot be below zero.")),
            MaxValueValidator(Decimal(1_000_000_000), message=_("This target is too large.")),
        ],
    )
    achieved = models.DecimalField(
        _("achieved"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal(0), message=_("What was achieved cannot be below zero.")),
            MaxValueValidator(Decimal(1_000_000_000), message=_("This value is too large.")),
        ],
    )
    stakeholders = models.ManyToManyField(
        Stakeholder,
        blank=True,
        related_name="plan_activities",
        verbose_name=_("stakeholders"),
        help_text=_("The province's partners who take part (ODCO, ANAPEC, a bank…)."),
    )
    stakeholders_other = models.CharField(
        _("other stakeholders"),
        max_length=300,
        blank=True,
        help_text=_("Those not recorded among the province's stakeholders."),
    )
    status = models.CharField(
        _("progress"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )

    province_path = "plan__structure__province"
    add_label = _("New activity")
    date_bounds = {"deadline": (PROGRAMME_START, DATE_MAX)}
    _history_m2m_fields = ["stakeholders"]

    class Meta:
        verbose_name = _("activity of the action plan")
        verbose_name_plural = _("activities of the action plan")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["plan", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target__isnull=True) | Q(target__gte=0))
                & (Q(achieved__isnull=True) | Q(achieved__gte=0)),
                name="projects_planactivity_figures_not_negative",
                violation_error_message=_("A target or what was achieved cannot be below zero."),
            )
        ]

    def __str__(self) -> str:
        return self.activity

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#activity-{self.pk}"

    def is_late_on(self, today: datetime.date | None = None) -> bool:
        return self.status != self.Status.DONE and self.deadline < (today or timezone.localdate())

    @property
    def is_late(self) -> bool:
        return self.is_late_on()

    @property
    def shown_status(self) -> str:
        """The status as read: "late" for an open line past its deadline."""
        if self.is_late:
            return "late"
        return self.status

    @property
    def shown_status_label(self) -> str:
        if self.is_late:
            return str(pgettext_lazy("plan activity status", "late"))
        return str(self.get_status_display())

    def clean(self) -> None:
        errors = {}
        if self.plan_id and self.deadline:
            plan = self.plan
            if (
                plan.starts_on
                and plan.ends_on
                and not plan.starts_on <= self.deadline <= plan.ends_on
            ):
                errors["deadline"] = _(
                    "The deadline falls within the plan's period, from %(start)s to %(end)s."
                ) % {
                    "start": formats.date_format(plan.starts_on, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(plan.ends_on, "SHORT_DATE_FORMAT"),
                }
        if self.achieved is not None and self.target is None:
            errors["target"] = _("Give the target that what was achieved is measured against.")
        if errors:
            raise ValidationError(errors)

    def check_write(self, *, by, before, m2m) -> None:
        """The stakeholders are of the cooperative's province (set after the save, so checked
        here, before it, for every caller)."""
        super().check_write(by=by, before=before, m2m=m2m)
        chosen = (m2m or {}).get("stakeholders")
        if chosen is None:
            return
        province_id = self.plan.structure.province_id
        foreign = not_of_province(list(chosen), province_id)
        if foreign:
            raise ValidationError(
                {
                    "stakeholders": _("These stakeholders are of another province: %(names)s.")
                    % {"names": ", ".join(str(s) for s in foreign)}
                }
            )
