"""Permission matrix of the value chains' diagnostic pages (see tests/matrix_support.py)."""

from tests.factories import DiagnosticFactory, OperatorFactory
from tests.matrix_support import Case, change, scoped, validate
from valuechains.models import Diagnostic


def _once(ctx, key, make):
    if key not in ctx:
        ctx[key] = make()
    return ctx[key]


def _diagnostic(state):
    def make(ctx) -> Diagnostic:
        return _once(
            ctx,
            f"diagnostic_{state}",
            lambda: DiagnosticFactory(province=ctx["province_a"], state=state),
        )

    return make


def draft(ctx) -> Diagnostic:
    """A draft with an operator described, so that it may be submitted."""

    def make():
        diagnostic = DiagnosticFactory(province=ctx["province_a"])
        OperatorFactory(stage=diagnostic.stages.order_by("order").first())
        diagnostic.refresh_from_db()
        return diagnostic

    return _once(ctx, "diagnostic_draft", make)


submitted = _diagnostic(Diagnostic.Status.SUBMITTED)
delivered = _diagnostic(Diagnostic.Status.DELIVERED)


def code(ctx):
    return {"code": ctx["province_a"].code}


def _pk(make):
    return lambda ctx: {"code": ctx["province_a"].code, "pk": make(ctx).pk}


def _section(ctx):
    return {"code": ctx["province_a"].code, "pk": draft(ctx).pk, "key": "swot"}


def _empty_swot(ctx):
    """The SWOT section saved with no line: the smallest save there is."""
    section = draft(ctx).sections.get(key="swot")
    return {
        "s-swot-version": section.version,
        "s-swot-swot-TOTAL_FORMS": 0,
        "s-swot-swot-INITIAL_FORMS": 0,
    }


MATRIX = {
    "valuechains:diagnostic_list": [Case(scoped(), kwargs=code)],
    "valuechains:action_list": [Case(scoped(), kwargs=code)],
    "valuechains:diagnostic_detail": [
        Case(scoped(), kwargs=_pk(draft)),
        Case(scoped(), kwargs=_pk(delivered)),
    ],
    "valuechains:diagnostic_history": [Case(scoped(), kwargs=_pk(draft))],
    # A section's save: whoever may change the diagnostic now (its own rule).
    "valuechains:diagnostic_section": [
        Case(change(302), method="post", kwargs=_section, data=_empty_swot),
        Case(scoped(405), kwargs=_section),
    ],
    # A transition is a POST; its own permission decides (CHANGE to submit, VALIDATE to return).
    "valuechains:diagnostic_transition": [
        Case(
            change(302),
            method="post",
            kwargs=_pk(draft),
            data=lambda ctx: {"name": "submit", "version": draft(ctx).version},
        ),
        Case(
            validate(302),
            method="post",
            kwargs=_pk(submitted),
            data=lambda ctx: {
                "name": "send_back",
                "version": submitted(ctx).version,
                "comment": "Compléter les prix.",
            },
        ),
    ],
    "valuechains:diagnostic_new_version": [
        Case(change(302), method="post", kwargs=_pk(delivered)),
        Case(change(405), kwargs=_pk(delivered)),
    ],
}
