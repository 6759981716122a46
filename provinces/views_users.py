"""User management for administrators: users, their roles in provinces, and their history."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView

from provinces import services
from provinces.access import Perm, require_global_perm
from provinces.forms import MembershipForm
from provinces.models import Membership
from targa.core import lockout
from targa.core import services as core_services
from targa.core.editing import HistoryMixin, SafeCreateMixin, SafeUpdateMixin
from targa.core.forms import UserCreateForm, UserForm
from targa.core.models import User


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
        until = lockout.user_locked_until(self.object)
        ctx["locked_until"] = lockout.when_text(until) if until else None
        return ctx

    def get_success_url(self):
        return reverse("users:detail", args=[self.object.pk])


class UserUnlockView(UserObjectMixin, View):
    """Let a user locked out by failed logins log in again at once."""

    http_method_names = ["post"]

    def post(self, request, pk):
        member = self.get_object()
        if core_services.user_unlock(user=member, by=request.user):
            messages.success(request, _("%(user)s can log in again.") % {"user": member})
        else:
            messages.info(request, _("%(user)s had no failed logins to clear.") % {"user": member})
        return HttpResponseRedirect(reverse("users:detail", args=[member.pk]))


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
