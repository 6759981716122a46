"""Dates around today and the text of PDFs, for the CPDE tests (records are built with
tests/factories.py)."""

import datetime
import subprocess

from django.utils import timezone

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def pdf_text(content: bytes, tmp_path, *args: str) -> str:
    """The text of a PDF as poppler's pdftotext reads it."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdf_info(content: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
