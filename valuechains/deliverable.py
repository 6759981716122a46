"""The deliverable of a diagnostic: "Diagnostic de la chaîne de valeur …" as a PDF (rendered by
a background job, in French or Arabic) and as an Excel workbook of the same data, one sheet
per section; the province-wide workbook is an exporter of the base's Exports page."""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import get_language_bidi, gettext
from django.utils.translation import gettext_lazy as _

from provinces.access import access_object, access_province
from provinces.models import Cercle, Commune
from targa.core import exports, jobs
from targa.core.exporters import Exporter, Render
from targa.core.exports import MONEY_FORMAT, Table, plain
from targa.core.models import Job
from targa.core.pdf import render_pdf
from valuechains.chainmap import chain_map_svg, for_weasyprint
from valuechains.models import Diagnostic, DiagnosticSection
from valuechains.selectors import (
    DiagnosticContent,
    chain_map_data,
    diagnostic_content,
    diagnostic_contents,
)

PDF_JOB = "valuechains.diagnostic_pdf"


# The scope: cercles and communes with their 2024 population --------------------------------


@dataclass(frozen=True)
class Scope:
    cercles: list[Cercle]
    communes: list[Commune]

    @property
    def population(self) -> int | None:
        known = [c.population for c in self.communes if c.population is not None]
        return sum(known) if known else None


def diagnostic_scope(diagnostic: Diagnostic) -> Scope:
    """The diagnostic's cercles and communes (the chain's when the diagnostic names none), in
    two queries (four when it falls back on the chain's)."""
    cercles = list(diagnostic.cercles.order_by("code"))
    communes = list(diagnostic.communes.select_related("cercle").order_by("cercle__code", "code"))
    if not cercles and not communes:
        chain = diagnostic.chain
        cercles = list(chain.cercles.order_by("code"))
        communes = list(chain.communes.select_related("cercle").order_by("cercle__code", "code"))
    return Scope(cercles, communes)


# The PDF ---------------------------------------------------------------------------------


@dataclass
class PdfData:
    """What the PDF shows, gathered before any page is laid out."""

    diagnostic: Diagnostic
    content: DiagnosticContent
    scope: Scope
    map_data: object
    stages: list = field(default_factory=list)  # (stage, its bottlenecks, its opportunities)


def diagnostic_for_pdf(pk) -> Diagnostic:
    return Diagnostic.objects.select_related("chain__province", "chain__sector").get(pk=pk)


def pdf_data(diagnostic: Diagnostic) -> PdfData:
    """The PDF's data in a fixed number of queries: `diagnostic_content` (fourteen), the
    chain map's data (five) and the scope (two). `diagnostic` comes with its chain, province
    and sector (`diagnostic_for_pdf`)."""
    content = diagnostic_content(diagnostic)
    by_stage: dict[int, tuple[list, list]] = {s.pk: ([], []) for s in content.stages}
    for b in content.bottlenecks:
        by_stage.setdefault(b.stage_id, ([], []))[0].append(b)
    for o in content.opportunities:
        by_stage.setdefault(o.stage_id, ([], []))[1].append(o)
    return PdfData(
        diagnostic=diagnostic,
        content=content,
        scope=diagnostic_scope(diagnostic),
        map_data=chain_map_data(diagnostic),
        stages=[(s, *by_stage[s.pk]) for s in content.stages],
    )


def pdf_title(diagnostic: Diagnostic) -> str:
    return gettext("Value-chain diagnostic: %(chain)s") % {"chain": diagnostic.chain.label}


def pdf_filename(diagnostic: Diagnostic, language: str) -> str:
    chain = slugify(diagnostic.chain.product) or "chaine"
    return f"diagnostic-{chain}-v{diagnostic.number}-{language}.pdf"


def render_diagnostic_pdf(
    data: PdfData, *, language: str, on_step: Callable[[int, str], None] | None = None
) -> bytes:
    """The PDF of the diagnostic in `language` (the chain map drawn in its direction)."""
    from django.utils import translation

    with translation.override(language):
        rtl = get_language_bidi()
        svg = for_weasyprint(chain_map_svg(data.map_data, rtl=rtl), rtl=rtl)
        sections = data.content.sections
        vision = sections.get(DiagnosticSection.Key.STRATEGY)
        observations = data.content.observations
        totals = {
            name: sum(getattr(o, name) for o in observations)
            for name in ("women_young", "women_adult", "men_young", "men_adult", "participants")
        }
        if on_step:
            on_step(25, gettext("Laying out the pages"))
        context = {
            "d": data.diagnostic,
            "chain": data.diagnostic.chain,
            "province": data.diagnostic.chain.province,
            "title": pdf_title(data.diagnostic),
            "c": data.content,
            "scope": data.scope,
            "stages": data.stages,
            "chain_map": svg,
            "vision": vision.summary if vision else "",
            "summaries": {key: s.summary for key, s in sections.items()},
            "obs_totals": totals,
            "issued_on": timezone.localdate(),
        }
    return render_pdf("valuechains/diagnostic_pdf.html", context, language=language)


def pdf_job_start(*, diagnostic: Diagnostic, by, language: str) -> Job:
    """Queue the diagnostic's PDF in `language` as a background job of `by`'s (who may see the
    diagnostic: the access layer is asked again by the worker and on download)."""
    access_object(Diagnostic, user=by, pk=diagnostic.pk)
    # Labelled in the language of the person asking, whatever the PDF's.
    label = f"{pdf_title(diagnostic)} (v{diagnostic.number}, PDF {language})"
    return jobs.job_start(
        kind=PDF_JOB,
        label=label,
        owner=by,
        scope_code=diagnostic.chain.province.code,
        params={
            "diagnostic": diagnostic.pk,
            "version": diagnostic.version,
            "code": diagnostic.chain.province.code,
            "language": language,
        },
    )


def run_pdf_job(job: Job) -> Render:
    """The worker's side: the diagnostic, if the job's owner may still see it, as a PDF."""

    def step(percent: int, text: str) -> None:
        jobs.Progress.at(job, percent, text)

    step(5, gettext("Gathering the data"))
    access_province(user=job.owner, code=job.params["code"])
    access_object(Diagnostic, user=job.owner, pk=job.params["diagnostic"])
    diagnostic = diagnostic_for_pdf(job.params["diagnostic"])
    language = job.params["language"]
    pdf = render_diagnostic_pdf(pdf_data(diagnostic), language=language, on_step=step)
    return pdf_filename(diagnostic, language), "application/pdf", pdf


def issued_pdfs(diagnostic: Diagnostic, user):
    """The user's finished PDFs of the diagnostic as it is now (generated at its current
    version, so from the content being delivered), newest first."""
    return Job.objects.filter(
        kind=PDF_JOB,
        owner=user,
        state=Job.State.DONE,
        params__diagnostic=diagnostic.pk,
        params__version=diagnostic.version,
    ).order_by("-created_at")


def pdf_jobs_of(diagnostic: Diagnostic, user, limit: int = 10):
    """The user's recent PDF jobs of the diagnostic (any version), newest first."""
    return (
        Job.objects.filter(kind=PDF_JOB, owner=user, params__diagnostic=diagnostic.pk)
        .defer("params")
        .order_by("-created_at")[:limit]
    )


# The workbook ----------------------------------------------------------------------------


def _label(choices_display) -> str:
    return capfirst(str(choices_display)) if choices_display else ""


def _tables(contents: list[DiagnosticContent], *, with_chain: bool) -> Iterable[Table]:
    """A table per section of the diagnostics, each row of plain values (typed by the base's
    writer); a first column names the chain when there are several diagnostics."""

    def table(title, headers, rows, formats=()):
        lead = [gettext("Value chain")] if with_chain else []
        lead_formats = [None] if with_chain else []
        return Table(
            title=str(title),
            headers=[*lead, *(str(h) for h in headers)],
            rows=[[plain(v) for v in row] for row in rows],
            number_formats=[*lead_formats, *formats] if formats else (),
        )

    def chain_of(c):
        return [c.diagnostic.chain.label] if with_chain else []

    yield table(
        _("Stages and operators"),
        [
            _("Order"),
            _("Stage"),
            _("Kind of operator"),
            _("Description"),
            _("How many"),
            _("Of whom women"),
            _("Of whom young people"),
            _("Volume per year"),
            _("Unit of volume"),
            _("Price (MAD)"),
            _("Price per"),
            _("Value added (MAD)"),
            _("Value added per"),
        ],
        [
            [
                *chain_of(c),
                s.order,
                s.label,
                _label(op.get_kind_display()),
                op.description,
                op.count,
                op.women,
                op.young,
                op.volume,
                op.get_volume_unit_display() if op.volume_unit else None,
                op.price,
                op.get_price_unit_display() if op.price_unit else None,
                op.value_added,
                op.get_value_added_unit_display() if op.value_added_unit else None,
            ]
            for c in contents
            for s in c.stages
            for op in s.operators.all()
        ],
        [None] * 9 + [MONEY_FORMAT, None, MONEY_FORMAT, None],
    )
    yield table(
        _("Supporters"),
        [_("Kind of support"), _("Supporter"), _("Support given"), _("Stages served")],
        [
            [
                *chain_of(c),
                _label(s.get_kind_display()),
                s.label,
                s.support,
                [st.label for st in s.stages.all()],
            ]
            for c in contents
            for s in c.supporters
        ],
    )
    for title, attr, level in (
        (_("Bottlenecks"), "bottlenecks", _("Severity")),
        (_("Opportunities"), "opportunities", _("Priority")),
    ):
        yield table(
            title,
            [_("Stage"), _("In a few words"), level, _("Source"), _("Description")],
            [
                [
                    *chain_of(c),
                    f.stage.label,
                    f.title,
                    _label(f.get_level_display()),
                    _label(f.get_source_display()),
                    f.description,
                ]
                for c in contents
                for f in getattr(c, attr)
            ],
        )
    yield table(
        _("SWOT"),
        [_("Quadrant"), _("Text")],
        [
            [*chain_of(c), _label(e.get_quadrant_display()), e.text]
            for c in contents
            for entries in c.swot.values()
            for e in entries
        ],
    )
    yield table(
        _("Field observations"),
        [
            _("Type"),
            _("Date"),
            _("Place"),
            _("Commune"),
            _("Subject"),
            _("Women under 35"),
            _("Women aged 35 and over"),
            _("Men under 35"),
            _("Men aged 35 and over"),
            _("Participants"),
            _("Notes"),
        ],
        [
            [
                *chain_of(c),
                _label(o.get_kind_display()),
                o.date,
                o.place,
                o.commune.name if o.commune_id else None,
                o.subject,
                o.women_young,
                o.women_adult,
                o.men_young,
                o.men_adult,
                o.participants,
                o.notes,
            ]
            for c in contents
            for o in c.observations
        ],
    )
    yield table(
        _("Vision and objectives"),
        [_("Part"), _("Text")],
        [row for c in contents for row in _plan_rows(c, chain_of(c))],
    )
    yield table(
        _("Flagship actions"),
        [
            _("Action"),
            _("Bottleneck addressed"),
            _("Responsible institution"),
            _("Partners"),
            _("Budget (MAD)"),
            _("Start"),
            _("End"),
            _("Status"),
            _("Late"),
        ],
        [
            [
                *chain_of(c),
                a.title,
                a.bottleneck.title if a.bottleneck_id else None,
                a.responsible_label,
                [
                    *(p.acronym or p.name for p in a.partners.all()),
                    *([a.partners_other] if a.partners_other else []),
                ],
                a.budget,
                a.start_date,
                a.end_date,
                _label(a.get_status_display()),
                bool(a.is_late),
            ]
            for c in contents
            for a in c.actions
        ],
        [None] * 4 + [MONEY_FORMAT] + [None] * 4,
    )
    yield table(
        _("Monitoring indicators"),
        [
            _("Flagship action"),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            _("Current value"),
            _("Measured on"),
        ],
        [
            [
                *chain_of(c),
                a.title,
                i.name,
                i.get_unit_display(),
                i.baseline,
                i.target,
                i.current,
                i.current_on,
            ]
            for c in contents
            for a in c.actions
            for i in a.indicators.all()
        ],
    )
    yield table(
        _("Advocacy"),
        [_("Flagship action"), _("Institution to convince"), _("What we ask")],
        [
            [
                *chain_of(c),
                p.action.title if p.action_id else None,
                " – ".join(
                    x
                    for x in (
                        (p.target.acronym or p.target.name) if p.target_id else "",
                        p.target_name,
                    )
                    if x
                ),
                p.message,
            ]
            for c in contents
            for p in c.advocacy
        ],
    )


def _plan_rows(content: DiagnosticContent, lead: list) -> list[list]:
    strategy = content.sections.get(DiagnosticSection.Key.STRATEGY)
    rows = [[*lead, gettext("Vision"), strategy.summary]] if strategy and strategy.summary else []
    return rows + [[*lead, gettext("Objective"), o.text] for o in content.objectives]


def diagnostic_workbook(diagnostic: Diagnostic) -> Render:
    """The diagnostic's workbook: a sheet per section (in the active language)."""
    out = io.BytesIO()
    content = diagnostic_content(diagnostic)
    exports.write_book(_tables([content], with_chain=False), out, title=pdf_title(diagnostic))
    content_type, ext = exports.FORMATS["xlsx"]
    name = pdf_filename(diagnostic, "x")[: -len("-x.pdf")] + f".{ext}"
    return name, content_type, out.getvalue()


def _current_diagnostics(province):
    return (
        Diagnostic.objects.filter(chain__province=province, next_version__isnull=True)
        .select_related("chain__province")
        .order_by("chain__product", "id")
    )


WORKBOOK_BATCH = 25  # diagnostics read at once (the progress bar moves between batches)


@dataclass(frozen=True)
class DiagnosticsWorkbook(Exporter):
    """The province's value-chain diagnostics (the latest version of each chain's) in one
    workbook, a sheet per section, a first column naming the chain."""

    def count(self, *, province, user) -> int:
        return _current_diagnostics(province).count()

    def render(self, *, province, user, fmt: str, on_row: Callable[[], None]) -> Render:
        contents = []
        diagnostics = list(_current_diagnostics(province))
        for start in range(0, len(diagnostics), WORKBOOK_BATCH):
            batch = diagnostics[start : start + WORKBOOK_BATCH]
            contents += diagnostic_contents(batch)  # fourteen queries a batch
            for _diagnostic in batch:
                on_row()
        out = io.BytesIO()
        title = f"{self.verbose_name} · {province.name}"
        exports.write_book(_tables(contents, with_chain=True), out, title=title)
        content_type, ext = exports.FORMATS["xlsx"]
        return (
            f"chaines-de-valeur-{province.code}-{timezone.localdate()}.{ext}",
            content_type,
            out.getvalue(),
        )
