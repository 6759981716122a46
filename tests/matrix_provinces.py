"""Permission matrix of the province records: stakeholders, contacts, attachments."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from provinces.models import Attachment, Contact, Stakeholder
from tests.factories import ContactFactory, StakeholderFactory
from tests.matrix_support import Case, change, scoped, validate


def stakeholder(ctx) -> Stakeholder:
    if "stakeholder" not in ctx:
        ctx["stakeholder"] = StakeholderFactory(province=ctx["province_a"])
    return ctx["stakeholder"]


def contact(ctx) -> Contact:
    return ContactFactory(stakeholder=stakeholder(ctx))


def attachment(ctx) -> Attachment:
    # Written past the factory on purpose: the matrix's data lives in a transaction that is
    # never committed, and an attachment's file is written only once its row is committed.
    record = stakeholder(ctx)
    item = Attachment(
        province=ctx["province_a"],
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        title="PV",
    )
    item.file.save("pv.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    item.save()
    return item


def _list(ctx):
    return {"code": ctx["province_a"].code}


def _stakeholder(ctx):
    return {"code": ctx["province_a"].code, "pk": stakeholder(ctx).pk}


def _contact_parent(ctx):
    return {"code": ctx["province_a"].code, "parent_pk": stakeholder(ctx).pk}


def _contact(ctx):
    item = contact(ctx)
    return {"code": ctx["province_a"].code, "parent_pk": item.stakeholder_id, "pk": item.pk}


def _upload(ctx):
    record = stakeholder(ctx)
    return {
        "code": ctx["province_a"].code,
        "content_type_id": ContentType.objects.get_for_model(record).pk,
        "object_id": record.pk,
    }


def _upload_to_province(ctx):
    """A hand-made URL: the province itself has no page of records to attach to."""
    province = ctx["province_a"]
    return {
        "code": province.code,
        "content_type_id": ContentType.objects.get_for_model(province).pk,
        "object_id": province.pk,
    }


def _attachment(ctx):
    return {"code": ctx["province_a"].code, "pk": attachment(ctx).pk}


MATRIX = {
    "provinces:stakeholder_list": [Case(scoped(), kwargs=_list)],
    "provinces:stakeholder_create": [Case(change(), kwargs=_list)],
    "provinces:stakeholder_detail": [Case(scoped(), kwargs=_stakeholder)],
    "provinces:stakeholder_edit": [Case(change(), kwargs=_stakeholder)],
    "provinces:stakeholder_delete": [
        Case(validate(), kwargs=_stakeholder),
        Case(validate(302), method="post", kwargs=_stakeholder),
    ],
    "provinces:stakeholder_history": [Case(scoped(), kwargs=_stakeholder)],
    "provinces:contact_create": [Case(change(), kwargs=_contact_parent)],
    "provinces:contact_edit": [Case(change(), kwargs=_contact)],
    "provinces:contact_delete": [Case(change(302), method="post", kwargs=_contact)],
    "provinces:contact_history": [Case(scoped(), kwargs=_contact)],
    # An empty upload is refused with a message and a redirect back to the record.
    "provinces:attachment_upload": [
        Case(change(302), method="post", kwargs=_upload),
        # A kind of record that takes no attachments: 400 with the reason, nothing written.
        Case(change(400), method="post", kwargs=_upload_to_province),
    ],
    "provinces:attachment_download": [Case(scoped(), kwargs=_attachment)],
    "provinces:attachment_delete": [
        Case(change(), kwargs=_attachment),  # the confirmation page
        Case(change(302), method="post", kwargs=_attachment),
    ],
}
