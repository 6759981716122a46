"""Permission matrix of the value chains' selection pages (see tests/matrix_support.py)."""

from tests.factories import ChainFactory
from tests.matrix_support import Case, change, scoped, validate
from valuechains.models import Chain


def code(ctx) -> dict:
    return {"code": ctx["province_a"].code}


def chain(ctx) -> Chain:
    if "vc_chain" not in ctx:
        ctx["vc_chain"] = ChainFactory(province=ctx["province_a"], product="Miel de thym")
    return ctx["vc_chain"]


def _pk(ctx) -> dict:
    return {**code(ctx), "pk": chain(ctx).pk}


def _set_aside(ctx) -> dict:
    # Everyone posts the version the page showed; each request is rolled back after it.
    return {"name": "set_aside", "version": chain(ctx).version, "comment": "Marché trop étroit."}


MATRIX = {
    "valuechains:chain_list": [Case(scoped(), kwargs=code)],
    "valuechains:chain_create": [Case(change(), kwargs=code)],
    "valuechains:chain_detail": [Case(scoped(), kwargs=_pk)],
    "valuechains:chain_edit": [Case(change(), kwargs=_pk)],
    "valuechains:chain_delete": [
        Case(validate(), kwargs=_pk),
        Case(validate(302), method="post", kwargs=_pk),
    ],
    "valuechains:chain_history": [Case(scoped(), kwargs=_pk)],
    # Only coordinators (and administrators) choose or set aside a chain.
    "valuechains:chain_transition": [
        Case(validate(302), method="post", kwargs=_pk, data=_set_aside),
    ],
    # The sheet sent empty scores nothing, and says so.
    "valuechains:chain_scores": [
        Case(change(), kwargs=_pk),
        Case(change(302), method="post", kwargs=_pk),
    ],
    "valuechains:ranking": [Case(scoped(), kwargs=code)],
    # Everyone who sees the province reads the weights; coordinators change them.
    "valuechains:weights": [
        Case(scoped(), kwargs=code),
        Case(validate(302), method="post", kwargs=code),
    ],
}
