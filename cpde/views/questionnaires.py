"""Capacity-needs questionnaires: national or provincial, their questions, the responses of
the province's members and institutions, and the results."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from cpde import selectors
from cpde.access import access_questionnaire, can_manage_questionnaire, questionnaires_in
from cpde.filters import ResponseFilter
from cpde.forms import QuestionForm, QuestionnaireForm, ResponseForm
from cpde.models import Question, Questionnaire, QuestionnaireResponse
from cpde.resources import QuestionnaireResource, response_resource_for
from cpde.services import (
    committee_ensure,
    next_order,
    question_create,
    question_update,
    response_create,
    response_update,
)
from provinces.access import Perm, has_global_perm, provinces_for_user
from provinces.selectors import pick_current
from targa.core import crud
from targa.core.editing import form_invalid_with
from targa.core.ordering import NaturalName
from targa.core.records import EditConflict


class QuestionnaireMixin:
    """Questionnaire pages: national ones are reached from every province (cpde.access)."""

    model = Questionnaire
    url_base = "cpde:questionnaire"

    def base_queryset(self):
        return questionnaires_in(self.province).select_related("province")

    def get_object(self, queryset=None):
        return access_questionnaire(
            user=self.request.user,
            province=self.province,
            pk=self.kwargs["pk"],
            perm=self.required_perm,
        )

    def get_success_url(self):
        return self.object.url_in(self.province)


class QuestionnaireListView(QuestionnaireMixin, crud.ScopedListView):
    template_name = "cpde/questionnaire_list.html"
    search_fields = ("title", "title_ar")
    resource_class = QuestionnaireResource
    ordering = ("province", "-created_at", "-id")
    columns = (
        crud.Col("title", _("Title")),
        crud.Col("scope", _("Scope")),
        crud.Col("n_questions", _("Questions"), numeric=True),
        crud.Col("n_responses", _("Responses here"), numeric=True),
        crud.Col("results", ""),
    )
    card_fields = ("scope", "n_responses", "results")

    def get_queryset(self):
        return selectors.questionnaires_with_counts(self.base_queryset(), self.province)

    def get_create_url(self):
        if Perm.VALIDATE not in self.perms_here:
            return None
        return reverse("cpde:questionnaire_create", args=[self.province.code])


class QuestionnaireDetailView(QuestionnaireMixin, crud.ScopedDetailView):
    template_name = "cpde/questionnaire_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = self.object
        ctx.update(
            questions=list(q.questions.prefetch_related("choices")),
            can_manage=can_manage_questionnaire(self.request.user, q, self.province),
            n_responses=QuestionnaireResponse.objects.filter(
                questionnaire=q, committee__province=self.province
            ).count(),
        )
        return ctx


class QuestionnaireCreateView(QuestionnaireMixin, crud.ScopedCreateView):
    form_class = QuestionnaireForm
    required_perm = Perm.VALIDATE

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["can_make_national"] = has_global_perm(self.request.user, Perm.MANAGE)
        return kwargs

    def form_valid(self, form):
        self.national = form.cleaned_data.get("national", False)
        return super().form_valid(form)

    def prepare_instance(self, instance):
        instance.province = None if getattr(self, "national", False) else self.province


class QuestionnaireUpdateView(QuestionnaireMixin, crud.ScopedUpdateView):
    form_class = QuestionnaireForm


class QuestionnaireDeleteView(QuestionnaireMixin, crud.ScopedDeleteView):
    protected_message = _(
        "This questionnaire has responses: close it for answers instead of deleting it."
    )

    def after_delete_url(self):
        return reverse("cpde:questionnaire_list", args=[self.province.code])


class QuestionnaireHistoryView(QuestionnaireMixin, crud.ScopedHistoryView):
    pass


class QuestionnaireResultsView(QuestionnaireMixin, crud.ScopedObjectMixin, TemplateView):
    """Results per question, counted and averaged by the database, with bar charts."""

    template_name = "cpde/questionnaire_results.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        can_see_everywhere = self.object.is_national and has_global_perm(request.user, Perm.VIEW)
        everywhere = can_see_everywhere and request.GET.get("scope") == "all"
        n_responses, results = selectors.questionnaire_results(
            self.object, None if everywhere else self.province
        )
        return self.render_to_response(
            self.get_context_data(
                object=self.object,
                n_responses=n_responses,
                results=results,
                everywhere=everywhere,
                can_see_everywhere=can_see_everywhere,
            )
        )


class QuestionnaireGotoView(View):
    """A national questionnaire's address without a province: open it in the user's own."""

    def get(self, request, pk):
        provinces = list(provinces_for_user(request.user).order_by(NaturalName())[:100])
        province = pick_current(provinces, request.session)
        questionnaire = get_object_or_404(Questionnaire, pk=pk, province__isnull=True)
        if province is None:
            raise Http404
        return HttpResponseRedirect(questionnaire.url_in(province))


# Questions -------------------------------------------------------------------------------


class QuestionnaireChildMixin:
    """Records under a questionnaire, which may be national: loaded through cpde.access."""

    parent_model = Questionnaire
    parent_field = "questionnaire"
    parent_perm = Perm.VIEW

    def get_parent(self, pk):
        return access_questionnaire(
            user=self.request.user, province=self.province, pk=pk, perm=self.parent_perm
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["list_url"] = self.parent.url_in(self.province)
        return ctx


class QuestionMixin(QuestionnaireChildMixin):
    model = Question
    url_base = "cpde:question"
    parent_perm = Perm.VALIDATE  # only who manages the questionnaire changes its questions

    def base_queryset(self):
        return Question.objects.filter(questionnaire=self.parent)

    def get_object(self, queryset=None):
        return get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])

    def get_success_url(self):
        return f"{self.parent.url_in(self.province)}#question-{self.object.pk}"


class QuestionCreateView(QuestionMixin, crud.ScopedCreateView):
    form_class = QuestionForm
    required_perm = Perm.VALIDATE

    def get_initial(self):
        return {"order": next_order(self.parent.questions.all())}

    def form_valid(self, form):
        question = form.save(commit=False)
        question.questionnaire = self.parent
        try:
            result = question_create(
                question=question,
                choices=form.choice_lines,
                by=self.request.user,
                submission_id=form.cleaned_data.get("submission_id"),
            )
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        self.object = result.instance
        messages.success(
            self.request, self.success_message if result.created else self.already_saved_message
        )
        return HttpResponseRedirect(self.get_success_url())


class QuestionUpdateView(QuestionMixin, crud.ScopedUpdateView):
    form_class = QuestionForm
    merge_without_asking = False  # its save is question_update, choices included

    def form_valid(self, form):
        try:
            self.object = question_update(
                question=form.save(commit=False),
                choices=form.choice_lines,
                expected_version=form.cleaned_data["version"],
                by=self.request.user,
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class QuestionDeleteView(QuestionMixin, crud.ScopedDeleteView):
    protected_message = _("This question has answers: it cannot be deleted.")

    def after_delete_url(self):
        return self.parent.url_in(self.province)


class QuestionHistoryView(QuestionMixin, crud.ScopedHistoryView):
    parent_perm = Perm.VIEW


# Responses -------------------------------------------------------------------------------


class ResponseMixin(QuestionnaireChildMixin):
    model = QuestionnaireResponse
    url_base = "cpde:response"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["questionnaire"] = self.parent
        return kwargs


class ResponseListView(ResponseMixin, crud.ScopedListView):
    template_name = "cpde/response_list.html"
    filterset_class = ResponseFilter
    search_fields = ("member__name", "institution__name", "institution_name")
    ordering = ("-responded_on", "-id")
    columns = (
        crud.Col("respondent", _("Respondent")),
        crud.Col("institution", _("Institution")),
        crud.Col("responded_on", _("Answered on")),
        crud.Col("n_answers", _("Answers"), numeric=True),
    )
    card_fields = ("responded_on", "institution", "n_answers")

    def get_queryset(self):
        return selectors.responses_of(self.parent, self.province)

    @property
    def resource_class(self):
        return response_resource_for(self.parent)

    def export_stem(self) -> str:
        return f"questionnaire-{self.parent.pk}-{self.province.code}"

    def get_create_url(self):
        return super().get_create_url() if self.parent.is_open else None


class ResponseDetailView(ResponseMixin, crud.ScopedDetailView):
    template_name = "cpde/response_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("member__institution", "institution", "questionnaire")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["lines"] = selectors.response_lines(self.object)
        return ctx


class ResponseCreateView(ResponseMixin, crud.ScopedCreateView):
    form_class = ResponseForm
    template_name = "cpde/response_form.html"

    def get(self, request, *args, **kwargs):
        if not self.parent.is_open:
            messages.info(request, _("This questionnaire is closed for answers."))
            return HttpResponseRedirect(self.parent.url_in(self.province))
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"member": self.request.GET.get("member"), "responded_on": selectors.today()}

    def form_valid(self, form):
        response = form.save(commit=False)
        response.questionnaire = self.parent
        response.committee = committee_ensure(province=self.province, by=self.request.user)
        try:
            result = response_create(
                response=response,
                answers=form.answers(),
                by=self.request.user,
                submission_id=form.cleaned_data.get("submission_id"),
            )
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        self.object = result.instance
        messages.success(
            self.request, self.success_message if result.created else self.already_saved_message
        )
        return HttpResponseRedirect(self.get_success_url())


class ResponseUpdateView(ResponseMixin, crud.ScopedUpdateView):
    form_class = ResponseForm
    template_name = "cpde/response_form.html"
    merge_without_asking = False  # its save is response_update, answers included

    def form_valid(self, form):
        try:
            self.object = response_update(
                response=form.save(commit=False),
                answers=form.answers(),
                expected_version=form.cleaned_data["version"],
                by=self.request.user,
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class ResponseDeleteView(ResponseMixin, crud.ScopedDeleteView):
    pass


class ResponseHistoryView(ResponseMixin, crud.ScopedHistoryView):
    pass
