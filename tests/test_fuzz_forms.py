"""Hostile and clumsy input on every form of the app: no 500, whatever is posted.

Every URL of the permission matrix whose page shows a form is posted, as an administrator
(who may open them all), first with every field set to each hostile value at once, then with
each date and number field alone set to out-of-range values while the others keep their
initial values (so that the field's own checks, not another field's, answer). The client
raises any exception a view lets through, so a 500 fails the test with its traceback.
"""

import pytest
from django import forms
from django.db import transaction
from django.urls import reverse

from tests.conftest import client_for
from tests.test_permission_matrix import MATRIX, no_pdf_writing  # noqa: F401 (a fixture)

HOSTILE = [
    "",
    "   ",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "0001-01-01",
    "31/02/2021",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://example.org","x")',
    "nul\x00byte",
    "١٢٣٤",  # Arabic-Indic digits
    "😀" * 50,
    "x" * 20_000,
]
OUT_OF_RANGE = ["0001-01-01", "9999-12-31", "99999999999999999999", "-99999999999"]
TYPED = (forms.DateField, forms.DateTimeField, forms.IntegerField, forms.DecimalField)

FORM_PAGES = sorted(
    name
    for name, cases in MATRIX.items()
    if any(case.method == "get" for case in cases)
    and name.split(":")[-1].endswith(("create", "edit", "_participants", "_attendance"))
    or name.endswith(("_close", "_follow_up", "programme_create", "programme_edit"))
)


def _initial(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def _post(client, url, data) -> int:
    savepoint = transaction.savepoint()
    try:
        return client.post(url, data).status_code
    finally:
        transaction.savepoint_rollback(savepoint)


def test_the_list_of_form_pages_is_not_empty():
    assert len(FORM_PAGES) >= 25, FORM_PAGES


@pytest.mark.parametrize("name", FORM_PAGES)
def test_no_hostile_value_answers_500(name, world, db, no_pdf_writing):  # noqa: F811
    case = next(case for case in MATRIX[name] if case.method == "get")
    ctx = {**world, "created": []}
    url = reverse(name, kwargs=case.kwargs(ctx))
    client = client_for(world["users"]["admin"])
    page = client.get(url)
    form = page.context.get("form") if page.context else None
    if page.status_code != 200 or not isinstance(form, forms.BaseForm):
        pytest.skip(f"{name} shows no form to an administrator here")
    initial = _initial(form)
    names = [bound.html_name for bound in form]
    for value in HOSTILE:
        status = _post(client, url, {n: value for n in names})
        assert status < 500, (name, value[:40], status)
    for bound in form:
        if isinstance(bound.field, TYPED):
            for value in OUT_OF_RANGE:
                status = _post(client, url, {**initial, bound.html_name: value})
                assert status < 500, (name, bound.html_name, value, status)
