"""Choosing the chains of a province: the candidate chains (list, form, page, history), their
scores on the criteria, the province's ranking with its explanations and the coordinator's
choices, and the province's own weights. Every rule is in `valuechains.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from provinces.access import Perm, access_province, perms_in
from targa.core import crud, workflow
from targa.core.records import EditConflict, LineErrors
from valuechains import selectors, services
from valuechains.filters import ChainFilter
from valuechains.forms import ChainForm, ScoreSheetForm, WeightsForm
from valuechains.models import Chain, ChainScore, Diagnostic
from valuechains.resources import ChainResource


class ChainMixin:
    model = Chain
    url_base = "valuechains:chain"


class ChainListView(ChainMixin, crud.ScopedListView):
    template_name = "valuechains/chain_list.html"
    filterset_class = ChainFilter
    search_fields = ("product", "product_ar", "description", "communes__name_fr")
    resource_class = ChainResource
    ordering = ("product", "id")
    columns = (
        crud.Col("product", _("Product")),
        crud.Col("sector", _("Sector")),
        crud.Col("state", _("Status")),
        crud.Col("scope", _("Scope")),
        crud.Col("score", _("Score out of 100"), numeric=True, nowrap=True),
    )
    card_fields = ("state", "score", "sector")

    def get_queryset(self):
        qs = super().get_queryset().select_related("sector")
        return selectors.with_list_figures(qs, self.province)

    def filtered(self):
        qs, filterset, q = super().filtered()
        return (qs.distinct() if q else qs), filterset, q

    def rows_context(self, qs):
        ctx = super().rows_context(qs)
        criteria = selectors.criteria_for(self.province)
        max_points = selectors.max_points_of(criteria)
        for chain in ctx["page_obj"]:
            chain.score = selectors.out_of_100(chain.points, max_points)
            if chain.diagnostic_status:
                chain.diagnostic_label = Diagnostic.Status(chain.diagnostic_status).label
        ctx["n_criteria"] = len(criteria)
        return ctx

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["ranking_url"] = reverse("valuechains:ranking", args=[self.province.code])
        ctx["weights_url"] = reverse("valuechains:weights", args=[self.province.code])
        return ctx


class ChainFormMixin(ChainMixin):
    form_class = ChainForm


class ChainCreateView(ChainFormMixin, crud.ScopedCreateView):
    def create_record(self, instance, *, submission_id, m2m):
        return services.chain_create(
            chain=instance,
            by=self.request.user,
            cercles=m2m.get("cercles", ()),
            communes=m2m.get("communes", ()),
            submission_id=submission_id,
        )


class ChainUpdateView(ChainFormMixin, crud.ScopedUpdateView):
    pass


class ChainDeleteView(ChainMixin, crud.ScopedDeleteView):
    protected_message = _(
        "This chain has a diagnostic: it cannot be deleted. Set it aside from the ranking instead."
    )


class ChainHistoryView(ChainMixin, crud.ScopedHistoryView):
    pass


class ChainDetailView(ChainMixin, crud.ScopedDetailView):
    template_name = "valuechains/chain_detail.html"

    def get_queryset(self):
        return (
            super().get_queryset().select_related("sector").prefetch_related("cercles", "communes")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ranking = selectors.chain_ranking(self.province)
        ctx["ranked"] = next((r for r in ranking.chains if r.chain.pk == self.object.pk), None)
        ctx["ranking"] = ranking
        if ctx["ranked"] is None:  # set aside: its scores, out of the ranking
            ctx["lines"] = selectors.chain_score_lines(self.object, ranking)
        else:
            ctx["lines"] = ctx["ranked"].lines
        ctx["diagnostics"] = list(self.object.diagnostics.order_by("-number"))
        if ctx["diagnostics"]:  # the delete would be refused: its diagnostics refer to it
            ctx["can_validate"] = False
        ctx["scores_url"] = reverse(
            "valuechains:chain_scores", args=[self.province.code, self.object.pk]
        )
        ctx["may_score"] = Perm.CHANGE in self.perms_here
        return ctx


class ChainTransitionView(ChainMixin, crud.ScopedTransitionView):
    """The coordinator's choices, through the services (choosing a chain starts its
    diagnostic); from the ranking, back to the ranking."""

    SERVICES = {
        "select": services.chain_select,
        "set_aside": services.chain_set_aside,
        "restore": services.chain_restore,
    }

    def run_transition(self, *, instance, name, by, expected_version, comment):
        service = self.SERVICES.get(name)
        if service is None:
            raise ValidationError(_("This action does not exist for this record."))
        service(chain=instance, by=by, expected_version=expected_version, comment=comment)
        return Chain.objects.select_related("province").get(pk=instance.pk)

    def done_url(self) -> str:
        if self.request.POST.get("back") == "ranking":
            url = reverse("valuechains:ranking", args=[self.province.code])
            return f"{url}#chain-{self.object.pk}"
        return super().done_url()


class ChainScoresView(ChainMixin, crud.ScopedObjectMixin, TemplateView):
    """A chain's scores on every criterion, with their justification: one sheet, saved all at
    once (nothing is written if one line is wrong)."""

    template_name = "valuechains/chain_scores.html"
    required_perm = Perm.CHANGE

    def form(self, data=None):
        criteria = selectors.criteria_for(self.province)
        current = {s.criterion_id: s for s in ChainScore.objects.filter(chain=self.object)}
        return ScoreSheetForm(data, criteria=criteria, current=current)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(object=self.object, form=self.form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form(request.POST)
        if form.is_valid():
            try:
                changed = services.chain_scores_set(
                    chain=self.object, lines=form.lines(), by=request.user
                )
            except EditConflict as conflict:
                now = ChainScore.objects.filter(chain=self.object)
                form.conflicted(conflict, {s.criterion_id: s.version for s in now})
                return self.render_to_response(
                    self.get_context_data(object=self.object, form=form), status=409
                )
            except (LineErrors, ValidationError) as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Scores saved (%(n)s criteria scored, changed or cleared).") % {"n": changed},
                )
                return HttpResponseRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object, form=form))


class ProvincePageMixin:
    """A value-chain page of one province that is not a record: the province through the
    access layer, the perm the view declares."""

    required_perm = Perm.VIEW

    def dispatch(self, request, *args, **kwargs):
        self.province = access_province(user=request.user, code=kwargs["code"])
        self.perms_here = perms_in(request.user, self.province)
        if self.required_perm not in self.perms_here:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            province=self.province,
            perms_here=self.perms_here,
            can_change=Perm.CHANGE in self.perms_here,
            can_validate=Perm.VALIDATE in self.perms_here,
            list_url=reverse("valuechains:chain_list", args=[self.province.code]),
            ranking_url=reverse("valuechains:ranking", args=[self.province.code]),
            weights_url=reverse("valuechains:weights", args=[self.province.code]),
            **kwargs,
        )


class RankingView(ProvincePageMixin, TemplateView):
    """The province's chains ranked by their weighted score, each score explained, ties
    flagged, with the coordinator's choices where the person may make them."""

    template_name = "valuechains/ranking.html"

    def get_context_data(self, **kwargs):
        ranking = selectors.chain_ranking(self.province)
        user = self.request.user
        rows = [(ranked, workflow.actions_for(user, ranked.chain)) for ranked in ranking.chains]
        set_aside = [
            (chain, workflow.actions_for(user, chain))
            for chain in selectors.chains_set_aside(self.province)
        ]
        return super().get_context_data(ranking=ranking, rows=rows, set_aside=set_aside, **kwargs)


class WeightsView(ProvincePageMixin, TemplateView):
    """The coordinator's weights for the province, beside the national ones; empty (or
    "national weight") goes back to the national one. The ranking follows at once."""

    template_name = "valuechains/weights.html"
    required_perm = Perm.VIEW

    def form(self, data=None):
        return WeightsForm(
            data,
            criteria=selectors.criteria_for(self.province),
            versions=selectors.weight_versions(self.province),
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        if Perm.VALIDATE not in self.perms_here:
            raise PermissionDenied
        form = self.form(request.POST)
        valid = form.is_valid()
        opened = None  # a reset says what it resets: it is not refused for a stale page
        if "reset_all" in request.POST:
            weights = {c: (None, "") for c in form.criteria}
        elif request.POST.get("reset"):
            weights = {c: (None, "") for c in form.criteria if str(c.pk) == request.POST["reset"]}
        elif valid:
            weights, opened = form.weights(), form.versions_opened()
        else:
            return self.render_to_response(self.get_context_data(form=form))
        try:
            changed = services.province_weights_set(
                province=self.province,
                weights=weights,
                by=request.user,
                versions_opened=opened,
            )
        except EditConflict as conflict:
            form.conflicted(conflict, selectors.weight_versions(self.province))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ValidationError as error:
            if isinstance(error, LineErrors):
                for key, line in error.lines.items():
                    form.add_error(f"w{key}" if f"w{key}" in form.fields else None, line.messages)
            else:
                form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            _("Weights saved (%(n)s criteria changed). The ranking follows them at once.")
            % {"n": changed},
        )
        return HttpResponseRedirect(reverse("valuechains:ranking", args=[self.province.code]))
