"""{% attachments_panel record %}: a record's photos and documents, and the upload form."""

from django import template
from django.contrib.contenttypes.models import ContentType

from provinces.access import Perm, has_perm
from provinces.forms import AttachmentForm
from provinces.models import Attachment

register = template.Library()


@register.inclusion_tag("includes/attachments.html", takes_context=True)
def attachments_panel(context, record, province):
    content_type = ContentType.objects.get_for_model(record)
    user = context["request"].user
    return {
        "record": record,
        "province": province,
        "content_type_id": content_type.pk,
        "attachments": Attachment.objects.select_related("province")
        .filter(content_type=content_type, object_id=record.pk)
        .order_by("-created_at"),
        "can_change": has_perm(user, Perm.CHANGE, province),
        "form": AttachmentForm(),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
