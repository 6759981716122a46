"""Pieces shared by the CPDE views."""

from django.core.exceptions import PermissionDenied

from cpde.services import committee_ensure
from provinces.access import Perm, access_province, perms_in


class ProvincePageMixin:
    """A page of one province that is not a record list: loads the province, checks the perm."""

    required_perm = Perm.VIEW

    def dispatch(self, request, *args, **kwargs):
        self.province = access_province(user=request.user, code=kwargs["code"])
        self.perms_here = perms_in(request.user, self.province)
        if self.required_perm not in self.perms_here:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            province=self.province,
            perms_here=self.perms_here,
            can_change=Perm.CHANGE in self.perms_here,
            can_validate=Perm.VALIDATE in self.perms_here,
        )
        return ctx


class InCommitteeMixin:
    """A new record of the committee: the committee is set up on first use."""

    def prepare_instance(self, instance):
        instance.committee = committee_ensure(province=self.province, by=self.request.user)
