"""Builders for CPDE tests, on the real services (history and validation are exercised)."""

import datetime
import subprocess

from django.utils import timezone

from cpde.models import (
    CommitteeMember,
    Meeting,
    Question,
    QuestionChoice,
    Questionnaire,
    Recommendation,
    Training,
)
from cpde.services import committee_ensure
from targa.core.records import record_create

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def create(instance, by):
    return record_create(instance=instance, by=by).instance


def member(province, by, name, sex="F", **fields) -> CommitteeMember:
    committee = committee_ensure(province=province, by=by)
    return create(CommitteeMember(committee=committee, name=name, sex=sex, **fields), by)


def meeting(province, by, date=None, kind=Meeting.Kind.ORDINARY, **fields) -> Meeting:
    committee = committee_ensure(province=province, by=by)
    return create(Meeting(committee=committee, kind=kind, date=date or days(-10), **fields), by)


def recommendation(at: Meeting, by, text="Relancer la DPA.", due=None, **fields):
    return create(Recommendation(meeting=at, text=text, due_date=due, **fields), by)


def questionnaire(by, province=None, title="Besoins des membres") -> Questionnaire:
    return create(Questionnaire(title=title, province=province), by)


def question(form: Questionnaire, by, text, kind, order=1, choices=()) -> Question:
    q = create(Question(questionnaire=form, text=text, kind=kind, order=order), by)
    for i, label in enumerate(choices, start=1):
        create(QuestionChoice(question=q, order=i, label_fr=label), by)
    return q


def training(province, by, theme="ValueLinks", start=None) -> Training:
    committee = committee_ensure(province=province, by=by)
    return create(Training(committee=committee, theme=theme, start_date=start or days(-5)), by)


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
