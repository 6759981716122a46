"""Excel and CSV files of a list, written as rows stream from the database: the one writer
every export goes through (list exports, province workbooks, the admin's Excel).

Every app's django-import-export resource inherits `StreamingResource`: its rows come from
`queryset.iterator()` in chunks (prefetches included), never from LIMIT/OFFSET pages that
re-sort the table once per page, and each row can report progress. `resource.table()` gives
the rows as a `Table` of plain Python values (dates, numbers, booleans, lists), never the
widgets' strings; `write_book` and `write_table` type them:

- xlsx (openpyxl's write-only mode, so memory stays bounded): dates and datetimes are Excel
  dates read day/month/year (datetimes in Morocco's local time), numbers are numbers, a
  boolean is "yes"/"no" in the export's language, a list is one value per line, an empty
  value an empty cell; each sheet is named after its list, its header is bold, frozen and
  filtered, its columns fitted to their content, right to left in Arabic.
- csv (UTF-8 with a BOM, so Excel reads accents and Arabic): the same values as plain text,
  dates in ISO 8601 (see `_csv_text`).

A cell never holds a live formula, and never an invisible direction mark.
"""

import csv
import datetime
import enum
import functools
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice

from django.db.models import Manager, QuerySet
from django.utils import formats, timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext
from import_export import fields, resources
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

CHUNK_SIZE = 2000
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
# What a spreadsheet would read as the start of a formula (OWASP's list, and a line feed:
# a carriage return is written as one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Day/month/year and a 24-hour clock, as dates are read in Morocco in every language.
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TIME_FORMAT = "hh:mm"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
FLOAT_FORMAT = "#,##0.0#"
MONEY_FORMAT = '#,##0.00 "MAD"'
LINE_BREAK = "\n"  # between the values of a many-to-many column, inside one cell
# Column widths, in Excel's unit (the width of a "0"): fitted to the header and the first
# rows, within these bounds; longer text wraps.
MIN_WIDTH, MAX_WIDTH = 8, 60
HEADER_WIDTH = 30  # a longer header wraps rather than widening a column of short values
SAMPLE_ROWS = 500  # rows read before the sheet is started, to fit the widths
LINE_HEIGHT, ROW_HEIGHT_MAX = 15, 409  # points: a line of the default font; Excel's limit
EXCEL_CELL_MAX = 32_767  # characters Excel keeps in a cell
SHEET_TITLE_MAX = 31
# Direction marks and embeddings: Django's Arabic formats and pasted text carry them; in a
# cell they break sorting, searching and comparing, and nobody can see them.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Control characters XML (hence xlsx) cannot hold; tab and line breaks are kept.
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Field(fields.Field):
    """An export column; `number_format` replaces the one its numbers get from their type
    (`MONEY_FORMAT` for amounts in dirhams)."""

    def __init__(self, *args, number_format: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.number_format = number_format


@dataclass
class Table:
    """A sheet to write: its title, headers and rows of plain values (see `plain`)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    number_formats: Sequence[str | None] = field(default=())

    @classmethod
    def from_dataset(cls, dataset, title: str = "") -> "Table":
        return cls(title=title or dataset.title or "", headers=dataset.headers or [], rows=dataset)


class StreamingResource(resources.Resource):
    """A resource whose export streams its queryset and can report each row done.

    Columns give the values themselves: a `dehydrate_<name>` method returns a date, a number,
    a boolean or a list (one value per line) as it is, and the writer formats it.
    """

    on_row: Callable[[], None] | None = None

    def get_chunk_size(self) -> int:
        return CHUNK_SIZE

    def prepare(self, queryset):
        """The queryset with what the columns read joined or prefetched (no query per row)."""
        return queryset

    def iter_queryset(self, queryset):
        rows = queryset if not hasattr(queryset, "iterator") else queryset.iterator(CHUNK_SIZE)
        for obj in rows:
            yield obj
            if self.on_row is not None:
                self.on_row()

    def export_field(self, field, instance, **kwargs):
        """The column's value as Python has it, not the widget's string."""
        method = field.get_dehydrate_method(self.get_field_name(field))
        method = method if callable(method) else getattr(self, method, None)
        if method is not None:
            return method(instance)
        return field.get_value(instance)

    def export(self, queryset=None, **kwargs):
        """A tablib dataset, for django-import-export's own callers."""
        return super().export(queryset=self.prepare(queryset), **kwargs)

    def table(self, queryset, *, title: str) -> Table:
        """The rows of `queryset`, streamed, as a `Table` the writers take."""
        columns = self.get_export_fields()

        def rows():
            for obj in self.iter_queryset(self.prepare(queryset)):
                yield [self.export_field(f, obj) for f in columns]

        return Table(
            title=title,
            headers=self.get_export_headers(),
            rows=rows(),
            number_formats=[getattr(f, "number_format", None) for f in columns],
        )


def clean_text(text: str) -> str:
    """Text as a cell holds it: no direction marks, no control characters, \\n line breaks."""
    text = BIDI_CONTROLS.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    return ILLEGAL_CHARACTERS.sub("", text)


def plain(value):
    """A value as an export holds it: None (empty), str, int, float, Decimal, date, naive
    datetime in local time, or time. Booleans become "yes"/"no" in the current language,
    choices their label, many values one per line."""
    if value is None:
        return None
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, enum.Enum) and hasattr(value, "label"):
        return plain(value.label)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.time):
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, Manager):
        value = value.all()
    if isinstance(value, list | tuple | set | frozenset | QuerySet):
        items = (plain(v) for v in value)
        text = LINE_BREAK.join(_item_text(v) for v in items if v is not None)
        return text or None
    return clean_text(force_str(value)) or None


def _item_text(value) -> str:
    """One of many values, as a line of text."""
    return value if isinstance(value, str) else clean_text(str(formats.localize(value)))


# CSV


def _csv_text(value) -> str:
    """A plain value in a CSV cell. Dates are ISO 8601 (2026-12-01, 2026-12-01 08:20): a CSV
    is read by other programs too, and day/month/year is read month first by Excel or a script
    in an English locale (1 December becomes 12 January), while ISO means one thing
    everywhere, sorts as text, and every spreadsheet opens it as a date."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")  # never an exponent
    return str(value)


def write_csv(table: Table, out: io.BufferedIOBase) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")  # so that Excel opens the accents and Arabic right
    writer = csv.writer(text)
    writer.writerow([_csv_text(plain(h)) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_text(plain(v)) for v in row])
    text.detach()


# XLSX


def write_table(table: Table, fmt: str, out: io.BufferedIOBase) -> None:
    """Write one table to `out` as xlsx or csv."""
    if fmt == "csv":
        write_csv(table, out)
    else:
        write_book([table], out, title=table.title)


def write_book(tables: Iterable[Table], out: io.BufferedIOBase, *, title: str = "") -> None:
    """Write tables as the sheets of one xlsx workbook (rows streamed, memory bounded)."""
    book = Workbook(write_only=True)
    book.properties.title = title or None
    book.properties.creator = "Targa"
    book.properties.lastModifiedBy = "Targa"
    book.properties.language = translation.get_language()
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(title=_unique(sheet_title(table.title), used))
        _write_sheet(sheet, table)
    if not used:
        book.create_sheet(title="Targa")
    book.save(out)


class _Styles:
    """The few styles of a sheet, each made once and copied into its cells."""

    def __init__(self, sheet):
        self.sheet = sheet
        self._cache: dict[tuple, object] = {}

    def cell(self, value, *, number_format=None, wrap=False, bold=False, quote=False):
        key = (number_format, wrap, bold, quote)
        style = self._cache.get(key)
        if style is None:
            proto = WriteOnlyCell(self.sheet)
            proto.alignment = Alignment(vertical="top", wrap_text=wrap)
            if number_format:
                proto.number_format = number_format
            if bold:  # the default font, in bold (a font without a name falls back to serif)
                proto.font = Font(name="Calibri", family=2, scheme="minor", sz=11, bold=True)
            if quote:
                proto.quotePrefix = True  # Excel keeps it text even when it is edited
            style = self._cache[key] = proto._style
        cell = WriteOnlyCell(self.sheet)
        cell._style = style.__copy__()
        if isinstance(value, str):
            cell._value = value
            cell.data_type = "s"  # text, even if it starts with "=": never a formula
        else:
            cell.value = value
        return cell


def _write_sheet(sheet, table: Table) -> None:
    rows = ([plain(v) for v in row] for row in table.rows)
    sample = list(islice(rows, SAMPLE_ROWS))
    headers = [plain(h) or "" for h in table.headers]
    widths = _widths(headers, sample)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    # Everything above the rows is written before the first one (write-only mode).
    sheet.sheet_view.rightToLeft = bool(translation.get_language_bidi())
    sheet.freeze_panes = "A2"
    if headers:
        sheet.print_title_rows = "1:1"  # the header on every printed page
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    styles = _Styles(sheet)
    formats_ = list(table.number_formats) + [None] * (len(headers) - len(table.number_formats))
    header_lines = max((_lines(h, w) for h, w in zip(headers, widths, strict=True)), default=1)
    header = [styles.cell(h, bold=True, wrap=True) for h in headers]
    _append(sheet, 1, header, header_lines)
    n = 1
    for row in chain(sample, rows):
        n += 1
        cells, lines = [], 1
        for value, number_format, width in zip(row, formats_, widths, strict=False):
            cell, cell_lines = _cell(styles, value, number_format, width)
            cells.append(cell)
            lines = max(lines, cell_lines)
        _append(sheet, n, cells, lines)
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n}"


def _append(sheet, n: int, cells: list, lines: int) -> None:
    """Append row `n`, `lines` lines tall: spreadsheets do not all fit a row's height to
    wrapped text when they open a file (LibreOffice does not)."""
    if lines > 1:
        sheet.row_dimensions[n].height = min(lines * LINE_HEIGHT, ROW_HEIGHT_MAX)
    sheet.append(cells)
    sheet.row_dimensions.pop(n, None)  # written: nothing of the row is kept in memory


def _lines(text: str, width: float) -> int:
    """About how many lines `text` takes once wrapped in a column `width` wide."""
    # A width counts "0"s; running text is narrower (about 1.15 letters a "0"), less the
    # cell's margins and the end of a line a word did not fit in.
    room = max(width * 1.15 - 3, 1)
    if len(text) <= room and LINE_BREAK not in text:
        return 1  # no character is wider than two, most are one: the usual short value
    return sum(max(1, math.ceil(_line_width(line) / room)) for line in text.split(LINE_BREAK))


def _cell(styles: _Styles, value, number_format, width) -> tuple[object, int]:
    """The cell of a plain value, and how many lines it takes."""
    if value is None:
        return None, 1
    if isinstance(value, str):
        if len(value) > EXCEL_CELL_MAX:
            value = value[: EXCEL_CELL_MAX - 1] + "…"
        lines = _lines(value, width)
        cell = styles.cell(value, wrap=lines > 1, quote=value.startswith(FORMULA_STARTS))
        return cell, lines
    return styles.cell(value, number_format=_number_format(value, number_format)), 1


def _number_format(value, column_format):
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    if isinstance(value, datetime.time):
        return TIME_FORMAT
    if column_format:
        return column_format
    if isinstance(value, int):
        return INTEGER_FORMAT
    if isinstance(value, Decimal):
        return DECIMAL_FORMAT
    return FLOAT_FORMAT


@functools.lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    """How wide a character shows, in "0"s: accents, Arabic vowel marks and format
    characters take no room of their own, East Asian wide characters two."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _line_width(line: str) -> int:
    return len(line) if line.isascii() else sum(map(_char_width, line))


def _text_width(text: str) -> int:
    """The width of the longest line of `text`."""
    return max(map(_line_width, text.split(LINE_BREAK)), default=0)


def _value_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return _text_width(value)
    if isinstance(value, datetime.datetime):
        return len("00/00/0000 00:00")
    if isinstance(value, datetime.date):
        return len("00/00/0000")
    if isinstance(value, datetime.time):
        return len("00:00")
    if isinstance(value, int):
        return len(f"{value:,}")
    return len(f"{value:,.2f}") + 4  # room for a unit ("MAD")


def _widths(headers: list[str], sample: list[list]) -> list[float]:
    widths = []
    for index, header in enumerate(headers):
        content = max((_value_width(row[index]) for row in sample if index < len(row)), default=0)
        # A header's filter button takes about two characters.
        wanted = max(min(_text_width(header), HEADER_WIDTH) + 3, content + 2)
        widths.append(float(min(max(wanted, MIN_WIDTH), MAX_WIDTH)))
    return widths


def sheet_title(title: str) -> str:
    """A title Excel accepts: none of []:*?/\\, no apostrophe at either end, 31 characters
    at most (cut at a word, marked with "…"), and not "History" (Excel's own)."""
    title = clean_text(str(title))
    for char in "[]:*?/\\\n\t":
        title = title.replace(char, " ")
    title = " ".join(title.split()).strip("'")
    if len(title) > SHEET_TITLE_MAX:
        cut = title[: SHEET_TITLE_MAX - 1]
        at_word = cut.rsplit(" ", 1)[0].rstrip(" ,;:-–'")
        title = (at_word if len(at_word) >= SHEET_TITLE_MAX // 2 else cut.rstrip()) + "…"
    if title.casefold() == "history":
        title += " (1)"
    return title or "Targa"  # a name, the same in every language


def _unique(title: str, used: set[str]) -> str:
    """Excel refuses two sheets of the same name (case-insensitive)."""
    candidate, n = title, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = title[: SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    used.add(candidate.casefold())
    return candidate


class TypedXLSX(base_formats.XLSX):
    """The admin's Excel export (django-import-export) through the same writer: named sheet,
    typed cells, frozen header. Importing is django-import-export's own."""

    def export_data(self, dataset, **kwargs):
        out = io.BytesIO()
        title = dataset.title or ""
        write_book([Table.from_dataset(dataset, title)], out, title=title)
        return out.getvalue()


def record_personal_export(*, user, queryset, scope_code: str, path: str, query: str, fmt: str):
    """Keep who exported which rows holding personal data (one query for the ids)."""
    from targa.core.models import PersonalDataExport

    ids = list(queryset.order_by().values_list("pk", flat=True))
    return PersonalDataExport.objects.create(
        user=user,
        scope_code=scope_code,
        model=queryset.model._meta.label_lower,
        path=path[:300],
        query=query,
        file_format=fmt,
        n_rows=len(ids),
        row_ids=ids,
    )
