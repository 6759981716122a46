"""Excel and CSV files of a list, written as rows stream from the database.

Every app's django-import-export resource inherits `StreamingResource`: its rows come from
`queryset.iterator()` in chunks (prefetches included), never from LIMIT/OFFSET pages that
re-sort the table once per page, and each row can report progress. `write_table` writes the
rows with openpyxl's write-only mode (a named sheet, right to left in Arabic) or as CSV; a
cell never holds a live formula.
"""

import csv
import io
from collections.abc import Callable

from django.utils import translation
from import_export import resources
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

CHUNK_SIZE = 2000
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
# What a spreadsheet would read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class StreamingResource(resources.Resource):
    """A resource whose export streams its queryset and can report each row done."""

    on_row: Callable[[], None] | None = None

    def get_chunk_size(self) -> int:
        return CHUNK_SIZE

    def iter_queryset(self, queryset):
        rows = queryset if not hasattr(queryset, "iterator") else queryset.iterator(CHUNK_SIZE)
        for obj in rows:
            yield obj
            if self.on_row is not None:
                self.on_row()


def _safe_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_table(dataset, fmt: str, out: io.BufferedIOBase, *, title: str) -> None:
    """Write a tablib dataset (headers and rows) to `out` as xlsx or csv."""
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")  # so that Excel opens the accents and Arabic right
        writer = csv.writer(text)
        writer.writerow([_safe_text(h) for h in dataset.headers])
        for row in dataset:
            writer.writerow([_safe_text(v) if isinstance(v, str) else v for v in row])
        text.detach()
        return
    write_book([(title, dataset)], out)


def write_book(sheets, out: io.BufferedIOBase) -> None:
    """Write (title, tablib dataset) pairs as the sheets of one xlsx workbook."""
    book = Workbook(write_only=True)
    used: set[str] = set()
    for title, dataset in sheets:
        sheet = book.create_sheet(title=_unique(_sheet_title(str(title)), used))
        sheet.sheet_view.rightToLeft = bool(translation.get_language_bidi())
        sheet.append(dataset.headers)
        for row in dataset:
            sheet.append([_cell(sheet, v) for v in row])
    book.save(out)


def _unique(title: str, used: set[str]) -> str:
    """Excel refuses two sheets of the same name (case-insensitive)."""
    candidate, n = title, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _cell(sheet, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = value
        cell.data_type = "s"  # text, even if it starts with "=": never a formula
        return cell
    return value


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    if len(title) > 31:  # Excel's limit: cut at a word, and say so
        title = title[:30].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"
    return title or "Export"
