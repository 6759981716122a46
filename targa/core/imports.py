"""Imports of the field's spreadsheets: a person uploads an .xlsx or .csv, a background job
previews it (what would be created, left alone, flagged as a possible duplicate, and every bad
row with its line, column and reason), the person decides on the duplicates, and a second job
commits it in one transaction, or nothing at all.

An app declares what it imports as an `ImportSpec` in its AppConfig (`importers` of its
`Contributions`): its columns (headers in French, Arabic or English, recognised whatever their
case, accents and spacing, each with the parser of its cells) and how a parsed row becomes
records (`check` then `write`, in bulk, through the same model rules as a form). The base
reads the file, parses the cells, runs the jobs and keeps the run (`ImportRun`).

Nothing a file holds can hang the worker or reach the database unchecked: its size, type and
number of rows are bounded, every cell is parsed into a bounded value or refused with a reason
in the person's language.
"""

import csv
import datetime
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targa.core import jobs, registry
from targa.core.access import Perm, perms_in
from targa.core.models import DATE_MAX, DATE_MIN, ImportRun, Job, User
from targa.core.ordering import search_key
from targa.core.uploads import check_upload as check_upload_kind
from targa.core.uploads import extension

PREVIEW_JOB, COMMIT_JOB = "imports.preview", "imports.commit"
ERRORS_KEPT = 1000  # bad rows shown on the page (all of them are counted, and in the report)
FLAGS_KEPT = 500  # possible duplicates shown for a decision


class FileRefused(ValidationError):
    """The file itself is refused (not a spreadsheet, empty, too large, no known column)."""


class CellError(ValueError):
    """A cell that cannot be read, with the reason in the person's language."""


def header_key(text: Any) -> str:
    """A header as recognised: case, accents, Arabic vowel signs, spaces and punctuation
    ignored ("Date de naissance", "DATE DE NAISSANCE ", "date_naissance" are one)."""
    return "".join(c for c in search_key(str(text or "")) if c.isalnum())


# Cells ---------------------------------------------------------------------------------------


def text_cell(max_length: int) -> Callable[[Any], str]:
    def parse(value) -> str:
        text = " ".join(str(value).split()) if value is not None else ""
        text = "".join(c for c in text if c.isprintable())
        if len(text) > max_length:
            raise CellError(_("At most %(n)s characters.") % {"n": max_length})
        return text

    return parse


_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def decimal_cell(*, low=0, high=10**9, places: int = 2) -> Callable[[Any], Decimal | None]:
    """A number as Excel keeps it or as typed ("1 200,50", "1,200.50", "120000"): refused
    when it is words or a number with a unit ("1 200 DH")."""

    def parse(value) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise CellError(_("A number is expected here."))
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value))
        else:
            text = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
            text = text.replace(" ", "")
            if "," in text and "." in text:  # 1,200.50 or 1.200,50: the last one is decimal
                decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
                text = text.replace("." if decimal_mark == "," else ",", "")
            text = text.replace(",", ".")
            if not _NUMBER.match(text) or len(text) > 20:
                raise CellError(
                    _("“%(value)s” is not a number (write the figure alone, e.g. 120000).")
                    % {"value": str(value)[:40]}
                )
            try:
                number = Decimal(text)
            except InvalidOperation as error:
                raise CellError(_("A number is expected here.")) from error
        if not low <= number <= high:
            raise CellError(
                _("%(value)s is outside %(low)s–%(high)s.")
                % {"value": number.normalize(), "low": low, "high": high}
            )
        return number.quantize(Decimal(1).scaleb(-places))

    return parse


def integer_cell(*, low=0, high=100_000) -> Callable[[Any], int | None]:
    number = decimal_cell(low=low, high=high, places=0)

    def parse(value) -> int | None:
        parsed = number(value)
        if parsed is None:
            return None
        if parsed != parsed.to_integral_value():
            raise CellError(_("A whole number is expected here."))
        return int(parsed)

    return parse


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def date_cell(
    low: datetime.date = DATE_MIN, high: datetime.date = DATE_MAX
) -> Callable[[Any], datetime.date | None]:
    """A date as Excel keeps it (a date, or its serial number) or as typed (31/12/1998,
    1998-12-31), within a plausible span."""

    def parse(value) -> datetime.date | None:
        if value is None or value == "":
            return None
        day = None
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if 1 <= value <= 2_958_465:  # Excel's serial numbers, 1900 to 9999
                day = EXCEL_EPOCH + datetime.timedelta(days=int(value))
        else:
            text = str(value).strip()[:20]
            for fmt in _DATE_FORMATS:
                try:
                    day = datetime.datetime.strptime(text, fmt).date()
                    break
                except ValueError:
                    continue
        if day is None:
            raise CellError(
                _("“%(value)s” is not a date (write it as 31/12/1998).")
                % {"value": str(value)[:40]}
            )
        if not low <= day <= high:
            raise CellError(
                _("%(day)s is outside %(low)s–%(high)s.")
                % {
                    "day": date_format(day, "SHORT_DATE_FORMAT"),
                    "low": date_format(low, "SHORT_DATE_FORMAT"),
                    "high": date_format(high, "SHORT_DATE_FORMAT"),
                }
            )
        return day

    return parse


def choice_cell(choices) -> Callable[[Any], str]:
    """One of `choices` (a TextChoices' `choices`), written as its label in French, Arabic or
    English or as its key, whatever the case and accents."""
    names: dict[str, str] = {}
    for key, label in choices:
        names[header_key(key)] = key
        for language in ("fr", "ar", "en"):
            with translation.override(language):
                names.setdefault(header_key(str(label)), key)

    def parse(value) -> str:
        if value is None or value == "":
            return ""
        found = names.get(header_key(value))
        if found is None:
            raise CellError(
                _("“%(value)s” is not one of the choices.") % {"value": str(value)[:40]}
            )
        return found

    return parse


# The spec an app declares ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its key, its header (translated: the template's header in the
    person's language), other spellings people use, its parser, an example for the template."""

    key: str
    label: Any
    parse: Callable[[Any], Any]
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: Any = ""

    def keys(self) -> set[str]:
        spellings = {self.key, *self.aliases}
        for language in ("fr", "ar", "en"):
            with translation.override(language):
                spellings.add(str(self.label))
        return {header_key(s) for s in spellings}


@dataclass
class Row:
    """A line of the file as parsed: its number (as the spreadsheet shows it), its values by
    column key (only columns present), and what is wrong with it."""

    line: int
    values: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)


@dataclass
class Flag:
    """A possible duplicate for a person to decide on: the line, who it is, and the records
    (or earlier lines) it may be; the decisions it takes (e.g. "update", "create", "skip")."""

    line: int
    name: str
    candidates: list[str]
    choices: tuple[str, ...]


@dataclass
class Plan:
    """What a checked file would do: how many records are created, updated, left alone, the
    flagged lines, and whatever the spec keeps to write them (`work`)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flags: list[Flag] = field(default_factory=list)
    work: Any = None
    # What the records created are, for the page: [(label, n)], e.g. holders and projects.
    parts: list[tuple[str, int]] = field(default_factory=list)


class ImportSpec:
    """What an app imports (subclass it and declare it in `Contributions.importers`)."""

    key: str = ""  # "<app>.<name>"
    title: Any = ""
    description: Any = ""
    perm = Perm.VALIDATE  # coordinators and administrators of the province
    columns: tuple[Column, ...] = ()
    DECISIONS: dict[str, Any] = {}

    def template_rows(self) -> list[list[Any]]:
        """Example lines of the downloadable template (besides its headers)."""
        return [[c.example for c in self.columns]]

    def check(self, rows: list[Row], *, province, by: User, decisions: dict[str, str]) -> Plan:
        """Resolve and validate every row (adding to its `errors`), find the possible
        duplicates, and say what would be written. Reads in bulk: a fixed number of queries."""
        raise NotImplementedError

    def write(self, plan: Plan, *, province, by: User, decisions: dict[str, str]) -> None:
        """Write what `check` planned (inside the commit's transaction), in bulk, with history."""
        raise NotImplementedError


def specs() -> dict[str, ImportSpec]:
    return {spec.key: spec for _app, c in registry.app_contributions() for spec in c.importers}


def spec_for(key: str) -> ImportSpec | None:
    return specs().get(key)


# Reading a file ------------------------------------------------------------------------------


def check_upload(upload) -> tuple[bytes, str]:
    """The uploaded file's bytes and its type ("xlsx" or "csv"), or FileRefused with why:
    the base's upload check (size, name, and content of the kind the name says)."""
    if extension(getattr(upload, "name", "") or "") == "xls":
        raise FileRefused(_("This is an old Excel file (.xls): save it as .xlsx and retry."))
    try:
        check_upload_kind(
            upload, allowed=("xlsx", "csv"), max_mb=settings.IMPORT_MAX_MB, max_pixels=0
        )
    except ValidationError as error:
        raise FileRefused(error.messages) from error
    data = upload.read()
    if not data.strip():
        raise FileRefused(_("This file is empty."))
    return data, extension(upload.name)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1256", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_table(data: bytes, kind: str) -> Iterator[tuple[int, list[Any]]]:
    """(line number, cells) of each non-empty line, the header line first."""
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise FileRefused(_("This spreadsheet is damaged: save it again and retry.")) from error
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(c not in (None, "") for c in cells):
                yield number, list(cells)
        book.close()
        return
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if text[:4096].count(";") > text[:4096].count(",") else ","
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for number, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                yield number, cells
    except csv.Error as error:
        raise FileRefused(_("This file cannot be read as a table (CSV).")) from error


def parse_rows(spec: ImportSpec, data: bytes, kind: str, on_row=None) -> list[Row]:
    """The file's lines as rows of the spec's columns (each cell parsed, or its error kept)."""
    lines = read_table(data, kind)
    try:
        _header_line, headers = next(lines)
    except StopIteration as error:
        raise FileRefused(_("This file is empty.")) from error
    known = {}
    for column in spec.columns:
        for key in column.keys():
            known[key] = column
    positions: dict[int, Column] = {}
    for index, header in enumerate(headers):
        column = known.get(header_key(header))
        if column is not None and column not in positions.values():
            positions[index] = column
    if not positions:
        raise FileRefused(
            _("No column of this file is known. The first line names the columns: %(names)s.")
            % {"names": ", ".join(str(c.label) for c in spec.columns[:6])}
        )
    missing = [c for c in spec.columns if c.required and c not in positions.values()]
    if missing:
        raise FileRefused(
            _("These columns are missing: %(names)s.")
            % {"names": ", ".join(f"« {c.label} »" for c in missing)}
        )
    rows = []
    for line, cells in lines:
        if len(rows) >= settings.IMPORT_MAX_ROWS:
            raise FileRefused(
                _("This file has more than %(n)s lines: split it in several files.")
                % {"n": settings.IMPORT_MAX_ROWS}
            )
        row = Row(line, {})
        for index, column in positions.items():
            value = cells[index] if index < len(cells) else None
            if isinstance(value, str):
                value = value.strip()
            try:
                row.values[column.key] = column.parse(value)
            except CellError as error:
                row.errors.append((str(column.label), str(error)))
                continue
            if column.required and row.values[column.key] in (None, ""):
                row.errors.append((str(column.label), _("This column is required.")))
        rows.append(row)
        if on_row is not None:
            on_row()
    if not rows:
        raise FileRefused(_("This file has its headers but no line below them."))
    return rows


# The runs ------------------------------------------------------------------------------------


def import_start(*, spec: ImportSpec, province, upload, by: User) -> ImportRun:
    """Keep the uploaded file and start its preview (a background job)."""
    if spec.perm not in perms_in(by, province):
        raise PermissionDenied
    data, kind = check_upload(upload)
    run = ImportRun(
        kind=spec.key,
        scope_code=province.code,
        owner=by,
        filename=(getattr(upload, "name", "") or "import")[-200:],
        file_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from django.core.files.base import ContentFile

    with transaction.atomic():
        run.file.save(f"{run.pk}.{kind}", ContentFile(data), save=False)
        run.save()
        run.preview_job = _job(run, PREVIEW_JOB, _("Preview of %(file)s"), by)
        run.save(update_fields=["preview_job"])
    return run


def _job(run: ImportRun, kind: str, label: str, by: User) -> Job:
    return jobs.job_start(
        kind=kind,
        label=label % {"file": run.filename},
        owner=by,
        scope_code=run.scope_code,
        params={"run": str(run.pk), "language": run.language},
    )


def _province(run: ImportRun):
    from targa.core.access import access_province

    return access_province(user=run.owner, code=run.scope_code)


def _report(run: ImportRun, rows: list[Row], plan: Plan | None) -> tuple[str, str, bytes]:
    """The preview's file: every bad line with its column and reason (CSV, for a spreadsheet)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Line"), _("Column"), _("Reason")])
    for row in rows:
        for column, message in row.errors:
            writer.writerow([row.line, column, _safe(message)])
    for flag in plan.flags if plan else []:
        writer.writerow(
            [
                flag.line,
                "",
                _safe(_("Possible duplicate: %(who)s") % {"who": "; ".join(flag.candidates)}),
            ]
        )
    stem = run.filename.rsplit(".", 1)[0][:80]
    return f"{stem}-{_('report')}.csv", "text/csv", ("\ufeff" + out.getvalue()).encode()


def _safe(text: str) -> str:
    """A cell that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _checked(run: ImportRun, progress=None) -> tuple[ImportSpec, list[Row], Plan]:
    spec = spec_for(run.kind)
    province = _province(run)
    run.file.open("rb")
    try:
        data = run.file.read()
    finally:
        run.file.close()
    rows = parse_rows(spec, data, run.file_type, on_row=progress)
    plan = spec.check(rows, province=province, by=run.owner, decisions=run.decisions)
    return spec, rows, plan


def run_preview(job: Job) -> tuple[str, str, bytes]:
    """The preview job: parse and check every line, keep the summary on the run."""
    run = ImportRun.objects.get(pk=job.params["run"])
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.PREVIEWING)
    jobs.Progress.at(job, 5, _("Reading the file"))
    try:
        progress = jobs.Progress(job, total=max(1, run.size // 120), step=_("Checking the lines"))
        spec, rows, plan = _checked(run, progress=progress.advance)
    except FileRefused as refused:
        run.state, run.preview = ImportRun.State.REFUSED, {"refused": " ".join(refused.messages)}
        run.save(update_fields=["state", "preview"])
        return _report(run, [], None)
    jobs.Progress.at(job, 95, _("Writing the report"))
    run.preview = summary(rows, plan)
    run.state = ImportRun.State.PREVIEWED
    run.save(update_fields=["state", "preview"])
    return _report(run, rows, plan)


def summary(rows: list[Row], plan: Plan) -> dict:
    bad = [r for r in rows if r.errors]
    errors = [
        {"line": r.line, "column": column, "message": message}
        for r in bad
        for column, message in r.errors
    ]
    return {
        "lines": len(rows),
        "bad_lines": len(bad),
        "errors": errors[:ERRORS_KEPT],
        "n_errors": len(errors),
        "created": plan.created,
        "created_parts": [[str(label), n] for label, n in plan.parts if n],
        "updated": plan.updated,
        "unchanged": plan.unchanged,
        "flags": [
            {"line": f.line, "name": f.name, "candidates": f.candidates, "choices": list(f.choices)}
            for f in plan.flags[:FLAGS_KEPT]
        ],
        "n_flags": len(plan.flags),
    }


def commit_blockers(run: ImportRun) -> list[str]:
    """Why the run cannot be committed now ([] when it can)."""
    if run.state != ImportRun.State.PREVIEWED:
        return [_("This file is not ready to be imported.")]
    preview = run.preview or {}
    out = []
    if preview.get("bad_lines"):
        out.append(
            _(
                "Fix the %(n)s lines in error in the file, then upload it again: nothing is "
                "written while one line is wrong."
            )
            % {"n": preview["bad_lines"]}
        )
    undecided = [f["line"] for f in preview.get("flags", []) if str(f["line"]) not in run.decisions]
    if undecided or preview.get("n_flags", 0) > len(preview.get("flags", [])):
        out.append(_("Decide on each possible duplicate first."))
    if not (preview.get("created") or preview.get("updated") or preview.get("n_flags")):
        out.append(_("This file changes nothing: every line is already recorded as it is."))
    return out


@transaction.atomic
def import_decide(*, run: ImportRun, decisions: dict[str, str], by: User) -> ImportRun:
    """Keep the person's decisions on the flagged lines (line → one of the flag's choices)."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.owner_id != by.pk:
        raise PermissionDenied
    flags = {str(f["line"]): f["choices"] for f in (run.preview or {}).get("flags", [])}
    kept = dict(run.decisions)
    for line, choice in decisions.items():
        if line in flags and choice in flags[line]:
            kept[line] = choice
    run.decisions = kept
    run.save(update_fields=["decisions"])
    return run


@transaction.atomic
def import_commit(*, run: ImportRun, by: User) -> ImportRun:
    """Start writing the previewed file (a background job), once nothing blocks it."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.owner_id != by.pk:
        raise PermissionDenied
    blockers = commit_blockers(run)
    if blockers:
        raise ValidationError(blockers)
    run.state = ImportRun.State.COMMITTING
    run.commit_job = _job(run, COMMIT_JOB, _("Import of %(file)s"), by)
    run.save(update_fields=["state", "commit_job"])
    return run


def run_commit(job: Job) -> tuple[str, str, bytes]:
    """The commit job: check every line again (the database may have changed since the
    preview) and write everything in one transaction, or nothing."""
    run = ImportRun.objects.get(pk=job.params["run"])
    jobs.Progress.at(job, 5, _("Checking the lines again"))
    try:
        with transaction.atomic():
            spec, rows, plan = _checked(run)
            undecided = [f for f in plan.flags if str(f.line) not in run.decisions]
            if any(r.errors for r in rows) or undecided:
                raise ValidationError(_("The data changed since the preview: preview it again."))
            jobs.Progress.at(job, 40, _("Writing"))
            spec.write(plan, province=_province(run), by=run.owner, decisions=run.decisions)
            run.state, run.committed_at = ImportRun.State.COMMITTED, timezone.now()
            run.result = {"created": plan.created, "updated": plan.updated}
            run.save(update_fields=["state", "committed_at", "result"])
    except (ValidationError, FileRefused) as refused:
        run.state = ImportRun.State.PREVIEWED
        run.preview = {**run.preview, "commit_refused": " ".join(refused.messages)}
        run.save(update_fields=["state", "preview"])
        return _report(run, rows if "rows" in locals() else [], None)
    except Exception:
        ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.PREVIEWED)
        raise
    return _report(run, rows, plan)


def prune_files(*, older_than_days: int = 30) -> int:
    """Delete the uploaded spreadsheets (personal data) of the runs that are over, imported
    or refused, more than `older_than_days` ago; the runs stay, with what they did. How many
    files were deleted."""
    limit = timezone.now() - datetime.timedelta(days=older_than_days)
    over = ImportRun.objects.filter(
        state__in=[ImportRun.State.COMMITTED, ImportRun.State.REFUSED], created_at__lt=limit
    ).exclude(file="")
    n = 0
    for run in over.iterator():
        run.file.delete(save=False)
        ImportRun.objects.filter(pk=run.pk).update(file="")
        n += 1
    return n


def template_file(spec: ImportSpec) -> bytes:
    """The downloadable template: the columns' headers in the person's language, an example."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(spec.title)[:31]
    sheet.append([capfirst(str(c.label)) for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in spec.template_rows():
        sheet.append([_safe(str(v)) if isinstance(v, str) else v for v in row])
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            12, len(str(column.label)) + 2
        )
    if (translation.get_language() or "").startswith("ar"):
        sheet.sheet_view.rightToLeft = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DECISION_LABELS = {
    "update": gettext_lazy("same person: update the record with this line"),
    "create": gettext_lazy("another person: create a new record"),
    "skip": gettext_lazy("leave this line out"),
}
