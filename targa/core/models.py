"""The user model (custom from day one) and the reusable base for records that hold field data."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in, by username or e-mail. Roles come from province memberships."""

    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login", "submission_id"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        # Granted to programme administrators by provinces.backends.ProgrammeRoleBackend.
        permissions = [("use_admin_site", "Can use the administration site")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("Another user already has this e-mail address."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def state_field(model) -> FSMFieldMixin | None:
    """The model's workflow status field (a django-fsm field), if it has one."""
    for f in model._meta.concrete_fields:
        if isinstance(f, FSMFieldMixin):
            return f
    return None


class TrackedModel(models.Model):
    """Base for every model that holds field data.

    - `history`: every create, change and delete is kept with who and when (simple-history).
    - `version`: optimistic locking; a save that starts from an older version is refused
      (see `targa.core.records.record_update`).
    - `submission_id`: the token of the form that created the record, so that a double click
      or a resend after a dropped connection creates one record, not two.

    A subclass with many-to-many fields lists them in `_history_m2m_fields` so that their
    changes are kept too. A subclass says how it reaches its province in `province_path`
    (e.g. "province" or "stakeholder__province"), which the access layer uses.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(inherit=True, excluded_fields=["submission_id", "updated_at"])

    class Meta:
        abstract = True

    @staticmethod
    def new_submission_id() -> uuid.UUID:
        return uuid.uuid4()

    def check_write(self, *, by, before: "TrackedModel | None", m2m: dict | None) -> None:
        """The model's rules that depend on who writes and on what the record was: raise
        ValidationError to refuse. `before` is the stored record (None for a new one), `m2m`
        the many-to-many values being set. Called by `targa.core.records` for every write,
        whoever the caller (views, the admin, imports, jobs). Subclasses call super().

        Here: a workflow status changes only inside a transition (targa.core.workflow).
        """
        f = state_field(type(self))
        if f is None or before is None or getattr(self, "_in_transition", None):
            return
        if getattr(self, f.name) != getattr(before, f.name):
            raise ValidationError(
                {f.name: _("The status changes only through the actions on the record's page.")}
            )
