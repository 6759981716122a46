"""Permission matrix of the cpde pages (see tests/matrix_support.py)."""

import datetime

from cpde.models import (
    Committee,
    CommitteeMember,
    Meeting,
    Questionnaire,
    Recommendation,
    Training,
)
from tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    GuestFactory,
    MeetingFactory,
    QuestionFactory,
    QuestionnaireFactory,
    QuestionnaireResponseFactory,
    RecommendationFactory,
    RecommendationFollowUpFactory,
    RoadmapItemFactory,
    TrainingFactory,
)
from tests.matrix_support import LOGIN, Case, change, everyone, scoped, validate

PAST = datetime.date(2025, 3, 12)

# Only national administrators manage a national questionnaire.
NATIONAL_MANAGE = {
    "anonymous": LOGIN,
    "agent_a": 403,
    "coord_a": 403,
    "agent_b": 404,
    "viewer": 403,
    "admin": 200,
}


def _once(ctx, key, make):
    if key not in ctx:
        ctx[key] = make()
    return ctx[key]


def committee(ctx) -> Committee:
    return _once(ctx, "committee", lambda: CommitteeFactory(province=ctx["province_a"]))


def member(ctx) -> CommitteeMember:
    return _once(
        ctx,
        "member",
        lambda: CommitteeMemberFactory(committee=committee(ctx), name="Naima Ouchen", sex="F"),
    )


def meeting(ctx) -> Meeting:
    return _once(
        ctx,
        "meeting",
        lambda: MeetingFactory(committee=committee(ctx), kind="ordinary", date=PAST),
    )


def recommendation(ctx) -> Recommendation:
    return _once(
        ctx,
        "recommendation",
        lambda: RecommendationFactory(meeting=meeting(ctx), text="Relancer la DPA."),
    )


def national(ctx) -> Questionnaire:
    return _once(ctx, "national", lambda: QuestionnaireFactory(title="Besoins (national)"))


def provincial(ctx) -> Questionnaire:
    return _once(
        ctx,
        "provincial",
        lambda: QuestionnaireFactory(title="Besoins", province=ctx["province_a"]),
    )


def training(ctx) -> Training:
    return _once(
        ctx,
        "training",
        lambda: TrainingFactory(committee=committee(ctx), theme="ValueLinks", start_date=PAST),
    )


def code(ctx) -> dict:
    return {"code": ctx["province_a"].code}


def _pk(make):
    return lambda ctx: {**code(ctx), "pk": make(ctx).pk}


def _parent(make):
    return lambda ctx: {**code(ctx), "parent_pk": make(ctx).pk}


def _child(make_parent, make_child):
    def kwargs(ctx):
        parent = make_parent(ctx)
        return {**code(ctx), "parent_pk": parent.pk, "pk": make_child(ctx, parent).pk}

    return kwargs


def _agenda_item(ctx, parent):
    return AgendaItemFactory(meeting=parent, title="Point sur les recommandations")


def _guest(ctx, parent):
    return GuestFactory(meeting=parent, name="Ayoub Chakir", sex="M")


def _follow_up(ctx, parent):
    return RecommendationFollowUpFactory(recommendation=parent, date=PAST, note="Relance faite.")


def _question(ctx, parent):
    return QuestionFactory(questionnaire=parent, text="Maîtrise du suivi", kind="scale")


def _response(ctx, parent):
    return QuestionnaireResponseFactory(
        questionnaire=parent, committee=committee(ctx), member=member(ctx), responded_on=PAST
    )


def _roadmap_item(ctx):
    return RoadmapItemFactory(committee=committee(ctx), need="Former au suivi")


def _goto(ctx):
    return {"pk": national(ctx).pk}


def crud_cases(name, *, obj, create=None, delete=validate, list_=True):
    """The six usual pages of a record of province A."""
    cases = {
        f"cpde:{name}_detail": [Case(scoped(), kwargs=obj)],
        f"cpde:{name}_edit": [Case(change(), kwargs=obj)],
        f"cpde:{name}_delete": [
            Case(delete(), kwargs=obj),
            Case(delete(302), method="post", kwargs=obj),
        ],
        f"cpde:{name}_history": [Case(scoped(), kwargs=obj)],
    }
    if list_:
        cases[f"cpde:{name}_list"] = [Case(scoped(), kwargs=code)]
    cases[f"cpde:{name}_create"] = [Case(change(), kwargs=create or code)]
    return cases


MATRIX = {
    "cpde:committee": [Case(scoped(), kwargs=code)],
    "cpde:committee_create": [Case(change(), kwargs=code)],
    "cpde:committee_edit": [Case(change(), kwargs=lambda ctx: committee(ctx) and code(ctx))],
    "cpde:committee_history": [Case(scoped(), kwargs=lambda ctx: committee(ctx) and code(ctx))],
    **crud_cases("member", obj=_pk(member)),
    **crud_cases("meeting", obj=_pk(meeting)),
    # With no member on the committee yet, the sheet is empty: saving it records nothing.
    "cpde:meeting_attendance": [
        Case(change(), kwargs=_pk(meeting)),
        Case(change(302), method="post", kwargs=_pk(meeting)),
    ],
    "cpde:meeting_pv": [Case(scoped(), kwargs=_pk(meeting))],
    "cpde:agenda_item_create": [Case(change(), kwargs=_parent(meeting))],
    "cpde:agenda_item_edit": [Case(change(), kwargs=_child(meeting, _agenda_item))],
    "cpde:agenda_item_delete": [
        Case(change(302), method="post", kwargs=_child(meeting, _agenda_item))
    ],
    "cpde:agenda_item_history": [Case(scoped(), kwargs=_child(meeting, _agenda_item))],
    "cpde:guest_create": [Case(change(), kwargs=_parent(meeting))],
    "cpde:guest_edit": [Case(change(), kwargs=_child(meeting, _guest))],
    "cpde:guest_delete": [Case(change(302), method="post", kwargs=_child(meeting, _guest))],
    "cpde:guest_history": [Case(scoped(), kwargs=_child(meeting, _guest))],
    **crud_cases("recommendation", obj=_pk(recommendation), create=_parent(meeting)),
    "cpde:recommendation_overdue": [Case(scoped(), kwargs=code)],
    "cpde:recommendation_follow_up": [Case(change(), kwargs=_pk(recommendation))],
    "cpde:recommendation_close": [
        Case(validate(), kwargs=_pk(recommendation)),
        # An empty closing form is answered with its errors; nothing is closed.
        Case(validate(), method="post", kwargs=_pk(recommendation)),
    ],
    "cpde:follow_up_edit": [Case(change(), kwargs=_child(recommendation, _follow_up))],
    "cpde:follow_up_delete": [
        Case(validate(), kwargs=_child(recommendation, _follow_up)),
        Case(validate(302), method="post", kwargs=_child(recommendation, _follow_up)),
    ],
    "cpde:follow_up_history": [Case(scoped(), kwargs=_child(recommendation, _follow_up))],
    "cpde:questionnaire_goto": [Case(everyone(302), kwargs=_goto)],
    "cpde:questionnaire_list": [Case(scoped(), kwargs=code)],
    "cpde:questionnaire_create": [Case(validate(), kwargs=code)],
    "cpde:questionnaire_detail": [
        Case(scoped(), kwargs=_pk(provincial)),
        Case(scoped(), kwargs=_pk(national)),
    ],
    "cpde:questionnaire_edit": [
        Case(validate(), kwargs=_pk(provincial)),
        Case(NATIONAL_MANAGE, kwargs=_pk(national)),
    ],
    "cpde:questionnaire_delete": [
        Case(validate(), kwargs=_pk(provincial)),
        Case(validate(302), method="post", kwargs=_pk(provincial)),
        Case(NATIONAL_MANAGE, kwargs=_pk(national)),
    ],
    "cpde:questionnaire_history": [Case(scoped(), kwargs=_pk(national))],
    "cpde:questionnaire_results": [
        Case(scoped(), kwargs=_pk(provincial)),
        Case(scoped(), kwargs=_pk(national)),
    ],
    "cpde:question_create": [
        Case(validate(), kwargs=_parent(provincial)),
        Case(NATIONAL_MANAGE, kwargs=_parent(national)),
    ],
    "cpde:question_edit": [
        Case(validate(), kwargs=_child(provincial, _question)),
        Case(NATIONAL_MANAGE, kwargs=_child(national, _question)),
    ],
    "cpde:question_delete": [
        Case(validate(), kwargs=_child(provincial, _question)),
        Case(validate(302), method="post", kwargs=_child(provincial, _question)),
        Case(NATIONAL_MANAGE, kwargs=_child(national, _question)),
    ],
    "cpde:question_history": [Case(scoped(), kwargs=_child(national, _question))],
    "cpde:response_list": [Case(scoped(), kwargs=_parent(national))],
    "cpde:response_create": [Case(change(), kwargs=_parent(national))],
    "cpde:response_detail": [Case(scoped(), kwargs=_child(national, _response))],
    "cpde:response_edit": [Case(change(), kwargs=_child(national, _response))],
    "cpde:response_delete": [
        Case(validate(), kwargs=_child(national, _response)),
        Case(validate(302), method="post", kwargs=_child(national, _response)),
    ],
    "cpde:response_history": [Case(scoped(), kwargs=_child(national, _response))],
    **crud_cases("training", obj=_pk(training)),
    "cpde:training_participants": [Case(change(), kwargs=_pk(training))],
    **crud_cases("roadmap_item", obj=_pk(_roadmap_item)),
}
