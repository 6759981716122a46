"""The field teams' spreadsheets of holders (and their project, when a line has one), imported
through the base's import kit (`targa.core.imports`).

Every line meets the rules a form meets: the model's own checks (`clean_fields`, `clean`: the
CIN's format, the age, the consent's date, the commune of the province), the subsidy within
the cost, the call's eligibility. What a form asks the database one record at a time (is this
CIN another holder's?) is asked once for the whole file. A line that may be a holder already
recorded (the same CIN, or the same name, date of birth and phone, accents and script
ignored) and differs from them is flagged for a person to decide; a line that is exactly what
is recorded is left alone, so the same file imported twice changes nothing.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from projects.models import (
    AGE_MAX,
    Call,
    Holder,
    Project,
    ProjectStep,
    normalise_cin,
    stage_order,
)
from provinces.models import Commune, Sex
from targa.core.imports import (
    CellError,
    Column,
    Flag,
    ImportSpec,
    Plan,
    Row,
    choice_cell,
    date_cell,
    decimal_cell,
    header_key,
    integer_cell,
    text_cell,
)
from targa.core.models import DATE_MIN
from targa.core.ordering import search_key
from valuechains.models import Sector

HOLDER_FIELDS = (
    "first_name", "last_name", "first_name_ar", "last_name_ar", "sex", "birth_date", "cin",
    "phone", "email", "education", "employment", "channel", "consent_on",
)  # fmt: skip
PROJECT_FIELDS = ("total_cost", "subsidy_requested", "own_contribution", "jobs_women", "jobs_men")


def _sex(value) -> str:
    key = header_key(value)
    if key in ("h", "homme", "m", "male", "man", "ذكر", "رجل"):
        return Sex.MAN
    if key in ("f", "femme", "female", "woman", "انثى", "امراه"):
        return Sex.WOMAN
    return choice_cell(Sex.choices)(value)


def _birth(value):
    today = timezone.localdate()
    return date_cell(today.replace(year=today.year - AGE_MAX - 1), today)(value)


def _phone(value) -> str:
    text = text_cell(20)(value if not isinstance(value, float) else int(value))
    if text and not re.fullmatch(r"[+0-9 ().-]{6,20}", text):
        raise CellError(_("“%(value)s” is not a phone number.") % {"value": text[:20]})
    return text


def _cin(value) -> str:
    return normalise_cin(text_cell(12)(value))


def _money(value):
    return decimal_cell(high=1_000_000_000, places=2)(value)


COLUMNS = (
    Column(
        "last_name",
        gettext_lazy("Last name"),
        text_cell(80),
        ("nom", "nom de famille", "النسب", "الاسم العائلي"),
        True,
        "Ouhammou",
    ),
    Column(
        "first_name",
        gettext_lazy("First name"),
        text_cell(80),
        ("prenom", "الاسم الشخصي", "الاسم"),
        True,
        "Itto",
    ),
    Column(
        "last_name_ar",
        gettext_lazy("Last name (Arabic)"),
        text_cell(80),
        ("nom arabe", "النسب بالعربية"),
        False,
        "أوحمو",
    ),
    Column(
        "first_name_ar",
        gettext_lazy("First name (Arabic)"),
        text_cell(80),
        ("prenom arabe", "الاسم بالعربية"),
        False,
        "إيطو",
    ),
    Column("sex", gettext_lazy("Sex"), _sex, ("genre", "الجنس"), True, "F"),
    Column(
        "birth_date",
        gettext_lazy("Date of birth"),
        _birth,
        ("date naissance", "né le", "تاريخ الازدياد", "تاريخ الميلاد"),
        True,
        "14/03/1999",
    ),
    Column(
        "cin",
        gettext_lazy("CIN"),
        _cin,
        ("cni", "carte nationale", "رقم البطاقة الوطنية", "البطاقة الوطنية"),
        False,
        "V123456",
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        _phone,
        ("tel", "téléphone", "gsm", "الهاتف"),
        False,
        "0661234567",
    ),
    Column(
        "email",
        gettext_lazy("E-mail"),
        text_cell(254),
        ("mail", "courriel", "البريد الإلكتروني"),
        False,
        "",
    ),
    Column(
        "commune",
        gettext_lazy("Commune"),
        text_cell(120),
        ("commune de résidence", "الجماعة"),
        True,
        "Aguelmous",
    ),
    Column(
        "channel",
        gettext_lazy("How they came"),
        choice_cell(Holder.Channel.choices),
        ("canal", "origine"),
        False,
        "plateforme des jeunes",
    ),
    Column(
        "education",
        gettext_lazy("Education"),
        choice_cell(Holder.Education.choices),
        ("niveau scolaire", "المستوى الدراسي"),
        False,
        "baccalauréat",
    ),
    Column(
        "employment",
        gettext_lazy("Employment situation"),
        choice_cell(Holder.Employment.choices),
        ("situation", "الوضعية المهنية"),
        False,
        "sans emploi",
    ),
    Column(
        "consent_on",
        gettext_lazy("Consent given on"),
        date_cell(DATE_MIN),
        ("consentement", "date consentement", "تاريخ الموافقة"),
        True,
        "02/11/2026",
    ),
    Column(
        "title",
        gettext_lazy("Project idea"),
        text_cell(200),
        ("projet", "idée", "فكرة المشروع", "المشروع"),
        False,
        "Miellerie artisanale",
    ),
    Column(
        "sector", gettext_lazy("Sector"), text_cell(120), ("filière", "القطاع"), False, "Apiculture"
    ),
    Column(
        "call", gettext_lazy("Call"), text_cell(200), ("appel à projets", "طلب المشاريع"), False, ""
    ),
    Column(
        "total_cost",
        gettext_lazy("Total cost (MAD)"),
        _money,
        ("coût", "cout total", "الكلفة"),
        False,
        120000,
    ),
    Column(
        "subsidy_requested",
        gettext_lazy("INDH subsidy requested (MAD)"),
        _money,
        ("subvention", "subvention indh", "الدعم"),
        False,
        90000,
    ),
    Column(
        "own_contribution",
        gettext_lazy("Own contribution (MAD)"),
        _money,
        ("apport", "apport personnel", "المساهمة الذاتية"),
        False,
        30000,
    ),
    Column(
        "jobs_women",
        gettext_lazy("Jobs planned for women"),
        integer_cell(high=10_000),
        ("emplois femmes",),
        False,
        2,
    ),
    Column(
        "jobs_men",
        gettext_lazy("Jobs planned for men"),
        integer_cell(high=10_000),
        ("emplois hommes",),
        False,
        1,
    ),
    Column(
        "received_on",
        gettext_lazy("Received on"),
        date_cell(DATE_MIN),
        ("date de réception", "تاريخ الاستقبال"),
        False,
        "05/11/2026",
    ),
)


@dataclass
class Line:
    """What one line of the file will do."""

    row: Row
    holder: Holder
    existing: Holder | None = None  # the holder it matched (left alone, or updated)
    action: str = "create"  # create, update, unchanged, flagged
    project: Project | None = None
    received_on: object = None


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:]  # 0661…, +212 661…: the same number


def _identity(holder: Holder) -> tuple:
    return (
        search_key(holder.first_name, holder.last_name),
        holder.birth_date,
        _digits(holder.phone),
    )


def _describe(holder: Holder) -> str:
    born = holder.birth_date.strftime("%d/%m/%Y") if holder.birth_date else "?"
    parts = [f"{holder.first_name} {holder.last_name}".strip(), born]
    if holder.cin:
        parts.append(holder.cin)
    if holder.pk:
        parts.append(f"n° {holder.pk}")
    return ", ".join(parts)


class HolderImport(ImportSpec):
    key = "projects.holders"
    title = gettext_lazy("Project holders and their projects")
    description = gettext_lazy(
        "One line a holder, with their project when they have one: the holders' sheets the "
        "field teams keep in Excel. The holder's consent (law 09-08) and its date are required."
    )
    columns = COLUMNS

    def check(self, rows, *, province, by, decisions) -> Plan:
        today = timezone.localdate()
        labels = {c.key: str(c.label) for c in self.columns}
        communes = {}
        for commune in Commune.objects.filter(province=province):
            for name in (commune.name_fr, commune.name_ar, commune.code):
                communes.setdefault(header_key(name), commune)
        sectors = {}
        for sector in Sector.objects.all():
            for name in (sector.code, sector.name_fr, sector.name_ar):
                sectors.setdefault(header_key(name), sector)
        calls = {header_key(c.title): c for c in Call.objects.filter(province=province)}
        cins = {r.values.get("cin") for r in rows if r.values.get("cin")}
        by_cin = {h.cin: h for h in Holder.objects.filter(cin__in=cins).select_related("commune")}
        births = {r.values.get("birth_date") for r in rows if r.values.get("birth_date")}
        by_identity: dict[tuple, list[Holder]] = {}
        for h in Holder.objects.filter(province=province, birth_date__in=births):
            by_identity.setdefault(_identity(h), []).append(h)
        first_stage = stage_order()[0]
        lines: list[Line] = []
        seen_cin: dict[str, int] = {}
        seen_identity: dict[tuple, int] = {}
        for row in rows:
            values = row.values
            holder = Holder(province=province, channel=Holder.Channel.OTHER)
            for name in HOLDER_FIELDS:
                if name in values and values[name] is not None:
                    setattr(holder, name, values[name])
            commune = communes.get(header_key(values.get("commune", "")))
            if values.get("commune") and commune is None:
                row.errors.append(
                    (labels["commune"], _("“%(name)s” is not a commune of %(province)s.")
                     % {"name": values["commune"], "province": province.name})
                )  # fmt: skip
            if commune is not None:
                holder.commune = commune
            if not row.errors:
                self._model_rules(row, holder, labels)
            line = Line(row, holder, received_on=values.get("received_on"))
            self._project(line, values, sectors, calls, labels, first_stage, today, province)
            if row.errors:
                lines.append(line)
                continue
            self._match(line, by_cin, by_identity, seen_cin, seen_identity, labels, decisions)
            lines.append(line)
        self._existing_projects(lines)
        plan, projects = Plan(work=lines), 0
        for line in lines:
            if line.row.errors:
                continue
            if line.action == "skip":
                continue
            if line.action == "flagged":
                plan.flags.append(line.flag)
            elif line.action == "create":
                plan.created += 1
            elif line.action == "update":
                plan.updated += 1
            elif line.project is None:
                plan.unchanged += 1
            if line.project is not None and line.action != "flagged":
                plan.created += 1
                projects += 1
        holders = sum(1 for line in lines if not line.row.errors and line.action == "create")
        plan.parts = [
            (ngettext("%(n)s holder", "%(n)s holders", holders) % {"n": holders}, holders),
            (ngettext("%(n)s project", "%(n)s projects", projects) % {"n": projects}, projects),
        ]
        return plan

    def _model_rules(self, row: Row, holder: Holder, labels: dict) -> None:
        """The model's own checks, as a form runs them (its uniqueness is checked in bulk)."""
        holder.cin = normalise_cin(holder.cin)
        try:
            # Foreign keys are resolved above, from what was read once for the whole file.
            holder.clean_fields(exclude=["province", "commune", "search_name", "youth_platform"])
            holder.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = labels.get(name, "")
                for message in messages:
                    row.errors.append((label, message))

    def _project(self, line: Line, values, sectors, calls, labels, first_stage, today, province):
        row, holder = line.row, line.holder
        if not values.get("title") or holder.commune_id is None:
            return
        sector = sectors.get(header_key(values.get("sector", "")))
        if sector is None:
            message = (
                _("“%(name)s” is not a sector.") % {"name": values["sector"]}
                if values.get("sector")
                else _("A project needs its sector.")
            )
            row.errors.append((labels["sector"], message))
            return
        call = None
        if values.get("call"):
            call = calls.get(header_key(values["call"]))
            if call is None:
                row.errors.append(
                    (labels["call"], _("“%(name)s” is not a call of the province.")
                     % {"name": values["call"]})
                )  # fmt: skip
                return
        project = Project(
            province=province,
            title=values["title"],
            sector=sector,
            call=call,
            commune=holder.commune,
            legal_form="",
            stage=first_stage,
            stage_since=line.received_on or today,
            **{name: values[name] for name in PROJECT_FIELDS if values.get(name) is not None},
        )
        project.holder = holder
        try:
            project.clean_fields(
                exclude=["province", "holder", "commune", "sector", "call", "chain", "structure"]
            )
            project.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    row.errors.append((labels.get(name, labels["title"]), message))
            return
        if line.received_on and line.received_on > today:
            row.errors.append(
                (labels["received_on"], _("A project cannot be received after today."))
            )
            return
        if call is not None and holder.birth_date:
            for rule in call.eligibility(holder=holder, project=project):
                if not rule.passed:
                    failed = _("%(rule)s: %(reason)s.") % {
                        "rule": rule.label,
                        "reason": rule.reason,
                    }
                    row.errors.append((labels["call"], failed))
        line.project = project

    def _match(self, line, by_cin, by_identity, seen_cin, seen_identity, labels, decisions):
        """Whether the line is a holder already recorded (or an earlier line of the file)."""
        row, holder = line.row, line.holder
        if holder.cin:
            if holder.cin in seen_cin:
                message = _("The same CIN as line %(line)s.") % {"line": seen_cin[holder.cin]}
                row.errors.append((labels["cin"], message))
                return
            seen_cin[holder.cin] = row.line
        identity = _identity(holder)
        known = by_cin.get(holder.cin) if holder.cin else None
        if known is not None:
            if known.province_id != holder.province_id:
                row.errors.append(
                    (labels["cin"], _("This CIN is the ID of a holder of another province."))
                )
                return
            same_person = (
                search_key(known.first_name, known.last_name) == identity[0]
                or known.birth_date == holder.birth_date
            )
            if not same_person:
                row.errors.append(
                    (labels["cin"], _("This CIN is already the ID of another holder: %(who)s.")
                     % {"who": _describe(known)})
                )  # fmt: skip
                return
        else:
            candidates = by_identity.get(identity, [])
            known = candidates[0] if len(candidates) == 1 else None
            if len(candidates) > 1:
                return self._flag(line, candidates, ("create", "skip"), decisions)
        if identity in seen_identity and known is None:
            earlier = _("line %(line)s of this file") % {"line": seen_identity[identity]}
            return self._flag(line, [], ("create", "skip"), decisions, extra=[earlier])
        seen_identity.setdefault(identity, row.line)
        if known is None:
            line.action = "create"
            return
        line.existing = known
        changed = [
            name for name in HOLDER_FIELDS
            if name in row.values and row.values[name] not in (None, "")
            and getattr(known, name) != getattr(holder, name)
        ] + (["commune"] if known.commune_id != holder.commune.pk else [])  # fmt: skip
        if not changed:
            line.action = "unchanged"
            return
        line.changed = changed
        choices = ("update", "skip") if holder.cin else ("update", "create", "skip")
        self._flag(line, [known], choices, decisions)

    def _flag(self, line, candidates, choices, decisions, extra=()):
        decision = decisions.get(str(line.row.line))
        line.existing = candidates[0] if len(candidates) == 1 else None
        if decision in choices:
            if decision == "update" and line.existing is None:
                decision = "create"
            line.action = {"update": "update", "create": "create", "skip": "skip"}[decision]
            if decision == "skip":
                line.project = None
            return
        line.action = "flagged"
        line.flag = Flag(
            line=line.row.line,
            name=_describe(line.holder),
            candidates=[*(_describe(c) for c in candidates), *extra],
            choices=choices,
        )

    def _existing_projects(self, lines: list[Line]) -> None:
        """A line's project that its holder already has (same idea) is left alone."""
        holders = {line.existing.pk for line in lines if line.existing and line.project}
        if not holders:
            return
        known = {
            (holder_id, search_key(title))
            for holder_id, title in Project.objects.filter(holder_id__in=holders).values_list(
                "holder_id", "title"
            )
        }
        for line in lines:
            if line.project and line.existing:
                if (line.existing.pk, search_key(line.project.title)) in known:
                    line.project = None

    def write(self, plan: Plan, *, province, by, decisions) -> None:
        lines = [line for line in plan.work if not line.row.errors]
        new = [line.holder for line in lines if line.action == "create"]
        for holder in new:
            holder.set_search_name()
        bulk_create_with_history(new, Holder, batch_size=500, default_user=by,
                                 default_change_reason="imported")  # fmt: skip
        updated = []
        for line in lines:
            if line.action != "update":
                continue
            known = line.existing
            for name in [*getattr(line, "changed", ()), "commune"]:
                if name == "commune":
                    known.commune = line.holder.commune
                else:
                    setattr(known, name, getattr(line.holder, name))
            known.version += 1
            known.set_search_name()
            updated.append(known)
        if updated:
            bulk_update_with_history(
                updated, Holder, fields=[*HOLDER_FIELDS, "commune", "version", "search_name"],
                batch_size=500, default_user=by, default_change_reason="imported",
            )  # fmt: skip
        projects = []
        for line in lines:
            if line.project is None or line.action == "skip":
                continue
            line.project.holder = line.holder if line.action == "create" else line.existing
            projects.append(line.project)
        bulk_create_with_history(projects, Project, batch_size=500, default_user=by,
                                 default_change_reason="imported")  # fmt: skip
        ProjectStep.objects.bulk_create(
            [
                ProjectStep(project=p, from_stage="", to_stage=p.stage, on=p.stage_since, by=by)
                for p in projects
            ],
            batch_size=1000,
        )
