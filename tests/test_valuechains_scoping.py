"""Value chains: another province's chains and diagnostics stay out of sight."""

import pytest
from django.http import Http404

from provinces.access import access_object
from tests.factories import ChainFactory, DiagnosticFactory, OperatorFactory
from valuechains.models import Diagnostic, Operator, Stage
from valuechains.selectors import chains_for_user, diagnostics_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_provinces(province_a, province_b):
    return (
        DiagnosticFactory(province=province_a, chain__product="Miel"),
        DiagnosticFactory(province=province_b, chain__product="Dattes"),
    )


def test_a_field_agent_sees_the_chains_of_their_province_only(two_provinces, users):
    mine, theirs = two_provinces
    ChainFactory(province=theirs.chain.province, product="Henné")
    agent = users["agent_a"]
    assert [c.product for c in chains_for_user(agent)] == ["Miel"]
    assert list(diagnostics_for_user(agent)) == [mine]
    assert set(diagnostics_for_user(users["viewer"])) == {mine, theirs}


def test_another_provinces_diagnostic_and_its_lines_answer_404(two_provinces, users):
    _mine, theirs = two_provinces
    agent = users["agent_a"]
    stage = theirs.stages.first()
    operator = OperatorFactory(stage=stage)
    for model, pk in ((Diagnostic, theirs.pk), (Stage, stage.pk), (Operator, operator.pk)):
        with pytest.raises(Http404):
            access_object(model, user=agent, pk=pk)
    assert access_object(Operator, user=users["agent_b"], pk=operator.pk) == operator
