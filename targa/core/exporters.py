"""Exporters: the files an app offers for a whole province, declared in its AppConfig.

An app lists `Exporter` objects in its `Contributions.exporters`; the province's Exports
page (`views_exports`) shows those the person may use, and each runs as a background job
with a progress bar: the worker asks the access layer again for the job's owner, so a file
never holds more than its owner may read. `ListsWorkbook` is the common case: one sheet per
record-kit list of the app, with the list's own columns (its export resource) and rows.

pretix's exporters were read for the shape (an identifier, a name, a description, the
formats, a render method given the scope), not copied.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from targa.core import exports, jobs, registry
from targa.core.access import Perm, access_province, perms_in

Render = tuple[str, str, bytes]  # filename, content type, content


@dataclass(frozen=True)
class Exporter:
    """A province-wide file. Subclasses implement `render`."""

    identifier: str  # unique across apps: "<app>.<name>"
    verbose_name: Any  # lazy translations
    description: Any = ""
    formats: tuple[str, ...] = ("xlsx",)
    required_perm: Perm = Perm.VIEW
    order: int = 100

    def available_to(self, user, province) -> bool:
        return self.required_perm in perms_in(user, province)

    def render(self, *, province, user, fmt: str, on_row: Callable[[], None]) -> Render:
        raise NotImplementedError

    def count(self, *, province, user) -> int:
        """Units of work, for the progress bar (rows, pages…)."""
        return 1


@dataclass(frozen=True)
class Sheet:
    """A sheet of a workbook: a record-kit list, named by its URL (kwargs: the province code)."""

    list_url_name: str
    title: Any = ""  # the list's model's plural name when empty


@dataclass(frozen=True)
class ListsWorkbook(Exporter):
    """One xlsx workbook with a sheet per list, each with the list's export columns."""

    sheets: tuple[Sheet, ...] = field(default=())
    filename_stem: str = "export"

    def _views(self, province, user):
        from targa.core.crud import list_view_for  # the record kit sits above the exports

        for sheet in self.sheets:
            path = reverse(sheet.list_url_name, kwargs={"code": province.code})
            yield sheet, list_view_for(user, path)

    def count(self, *, province, user) -> int:
        return sum(view.filtered()[0].count() for _sheet, view in self._views(province, user))

    def _tables(self, province, user, on_row):
        """A table per sheet, each streamed from its list's rows as the book is written."""
        for sheet, view in self._views(province, user):
            resource = view.resource_class()
            resource.on_row = on_row
            title = capfirst(str(sheet.title)) if sheet.title else view.export_title()
            yield resource.table(view.filtered()[0], title=title)

    def render(self, *, province, user, fmt: str, on_row: Callable[[], None]) -> Render:
        out = io.BytesIO()
        title = f"{self.verbose_name} · {province.name}"
        exports.write_book(self._tables(province, user, on_row), out, title=title)
        content_type, ext = exports.FORMATS["xlsx"]
        name = f"{self.filename_stem}-{province.code}-{timezone.localdate()}.{ext}"
        return name, content_type, out.getvalue()


def exporters() -> dict[str, Exporter]:
    """Every registered exporter by identifier, in display order."""
    found = sorted(registry.exporters(), key=lambda e: (e.order, e.identifier))
    return {e.identifier: e for e in found}


def available(user, province) -> list[Exporter]:
    return [e for e in exporters().values() if e.available_to(user, province)]


def export_start(*, exporter: Exporter, province, fmt: str, by, language: str):
    """Queue the file as a background job of `by`'s (refused if they may not use it)."""
    if not exporter.available_to(by, province):
        raise PermissionDenied
    if fmt not in exporter.formats:
        raise ValidationError(gettext("This file is not offered in that format."))
    return jobs.job_start(
        kind="export",
        label=f"{exporter.verbose_name} · {province.name} ({fmt.upper()})",
        owner=by,
        scope_code=province.code,
        params={
            "exporter": exporter.identifier,
            "code": province.code,
            "format": fmt,
            "language": language,
        },
    )


def run_export(job) -> Render:
    """The worker's side: the exporter, for the job's owner, as they may see it now."""
    exporter = exporters()[job.params["exporter"]]
    province = access_province(user=job.owner, code=job.params["code"], perm=exporter.required_perm)
    progress = jobs.Progress(
        job, total=exporter.count(province=province, user=job.owner), step=gettext("Writing")
    )
    return exporter.render(
        province=province, user=job.owner, fmt=job.params["format"], on_row=progress.advance
    )
