"""{% attachments_panel record province %}: a record's photos and documents, and the upload form."""

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured

from provinces.access import Perm, has_perm
from provinces.models import Attachment, accepts_attachments
from targa.core import workflow

register = template.Library()


@register.inclusion_tag("includes/attachments.html", takes_context=True)
def attachments_panel(context, record, province):
    if not accepts_attachments(type(record)):
        # The panel and the rule agree: a page that shows it declares its model Attachable.
        raise ImproperlyConfigured(f"{type(record).__name__} is not Attachable.")
    content_type = ContentType.objects.get_for_model(record)
    user = context["request"].user
    return {
        "record": record,
        "province": province,
        "content_type_id": content_type.pk,
        "attachments": Attachment.objects.select_related("province")
        .filter(content_type=content_type, object_id=record.pk)
        .order_by("-created_at"),
        # Not in a state that freezes the record (its files are frozen with it).
        "can_change": has_perm(user, Perm.CHANGE, province)
        and not workflow.is_locked(record)
        and not workflow.edit_refusal(user, record),
        **upload_settings(),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


def upload_settings() -> dict:
    """What an upload form says and accepts (includes/attachment_form.html)."""
    extensions = Attachment.IMAGE_EXTENSIONS + Attachment.DOCUMENT_EXTENSIONS
    return {
        "accept": ",".join(f".{ext}" for ext in extensions),
        "max_mb": settings.MAX_UPLOAD_MB,
    }
