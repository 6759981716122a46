"""The home page: each of the user's provinces, what they may do there, and what is late."""

from django.views.generic import TemplateView

from provinces import selectors as province_selectors
from provinces.access import Perm, has_global_perm
from reports import selectors
from targa.core.access import PERM_LABELS


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        provinces = province_selectors.home_provinces(user)
        alerts = selectors.province_alerts([province.pk for province, _perms in provinces])
        ctx["provinces"] = [
            (province, [PERM_LABELS[p] for p in Perm if p in perms], alerts[province.pk])
            for province, perms in provinces
        ]
        ctx["is_admin"] = has_global_perm(user, Perm.MANAGE)
        ctx["national_roles"] = province_selectors.national_roles(user)
        return ctx
