"""URLs of the CPDE, under a province: /provinces/<code>/cpde/…"""

from django.urls import path

from cpde.views import committee, meetings, questionnaires, recommendations, trainings
from targa.core import crud

app_name = "cpde"

base = "<str:code>/cpde"
urlpatterns = [
    path(f"{base}/", committee.CommitteeView.as_view(), name="committee"),
    path(
        f"{base}/committee/new/", committee.CommitteeCreateView.as_view(), name="committee_create"
    ),
    path(f"{base}/committee/edit/", committee.CommitteeUpdateView.as_view(), name="committee_edit"),
    path(
        f"{base}/committee/history/",
        committee.CommitteeHistoryView.as_view(),
        name="committee_history",
    ),
    *crud.crud_urls(
        "cpde/members",
        "member",
        list_view=committee.MemberListView,
        create_view=committee.MemberCreateView,
        detail_view=committee.MemberDetailView,
        update_view=committee.MemberUpdateView,
        delete_view=committee.MemberDeleteView,
        history_view=committee.MemberHistoryView,
    ),
    # Meetings, their agenda and guests, attendance and PV.
    *crud.crud_urls(
        "cpde/meetings",
        "meeting",
        list_view=meetings.MeetingListView,
        create_view=meetings.MeetingCreateView,
        detail_view=meetings.MeetingDetailView,
        update_view=meetings.MeetingUpdateView,
        delete_view=meetings.MeetingDeleteView,
        history_view=meetings.MeetingHistoryView,
    ),
    path(
        f"{base}/meetings/<int:pk>/attendance/",
        meetings.MeetingAttendanceView.as_view(),
        name="meeting_attendance",
    ),
    path(f"{base}/meetings/<int:pk>/pv.pdf", meetings.MeetingPvView.as_view(), name="meeting_pv"),
    *crud.crud_urls(
        "cpde/meetings/<int:parent_pk>/agenda",
        "agenda_item",
        create_view=meetings.AgendaItemCreateView,
        update_view=meetings.AgendaItemUpdateView,
        delete_view=meetings.AgendaItemDeleteView,
        history_view=meetings.AgendaItemHistoryView,
    ),
    *crud.crud_urls(
        "cpde/meetings/<int:parent_pk>/guests",
        "guest",
        create_view=meetings.GuestCreateView,
        update_view=meetings.GuestUpdateView,
        delete_view=meetings.GuestDeleteView,
        history_view=meetings.GuestHistoryView,
    ),
    # Recommendations: added from a meeting, followed up, closed; the late ones.
    path(
        f"{base}/recommendations/late/",
        recommendations.OverdueListView.as_view(),
        name="recommendation_overdue",
    ),
    *crud.crud_urls(
        "cpde/meetings/<int:parent_pk>/recommendations",
        "recommendation",
        create_view=recommendations.RecommendationCreateView,
    ),
    *crud.crud_urls(
        "cpde/recommendations",
        "recommendation",
        list_view=recommendations.RecommendationListView,
        detail_view=recommendations.RecommendationDetailView,
        update_view=recommendations.RecommendationUpdateView,
        delete_view=recommendations.RecommendationDeleteView,
        history_view=recommendations.RecommendationHistoryView,
    ),
    path(
        f"{base}/recommendations/<int:pk>/follow-up/",
        recommendations.RecommendationFollowUpView.as_view(),
        name="recommendation_follow_up",
    ),
    path(
        f"{base}/recommendations/<int:pk>/close/",
        recommendations.RecommendationCloseView.as_view(),
        name="recommendation_close",
    ),
    *crud.crud_urls(
        "cpde/recommendations/<int:parent_pk>/follow-ups",
        "follow_up",
        update_view=recommendations.FollowUpUpdateView,
        delete_view=recommendations.FollowUpDeleteView,
        history_view=recommendations.FollowUpHistoryView,
    ),
    # Capacity-needs questionnaires, their questions, responses and results.
    path(
        "cpde/questionnaires/<int:pk>/",
        questionnaires.QuestionnaireGotoView.as_view(),
        name="questionnaire_goto",
    ),
    *crud.crud_urls(
        "cpde/questionnaires",
        "questionnaire",
        list_view=questionnaires.QuestionnaireListView,
        create_view=questionnaires.QuestionnaireCreateView,
        detail_view=questionnaires.QuestionnaireDetailView,
        update_view=questionnaires.QuestionnaireUpdateView,
        delete_view=questionnaires.QuestionnaireDeleteView,
        history_view=questionnaires.QuestionnaireHistoryView,
    ),
    path(
        f"{base}/questionnaires/<int:pk>/results/",
        questionnaires.QuestionnaireResultsView.as_view(),
        name="questionnaire_results",
    ),
    *crud.crud_urls(
        "cpde/questionnaires/<int:parent_pk>/questions",
        "question",
        create_view=questionnaires.QuestionCreateView,
        update_view=questionnaires.QuestionUpdateView,
        delete_view=questionnaires.QuestionDeleteView,
        history_view=questionnaires.QuestionHistoryView,
    ),
    *crud.crud_urls(
        "cpde/questionnaires/<int:parent_pk>/responses",
        "response",
        list_view=questionnaires.ResponseListView,
        create_view=questionnaires.ResponseCreateView,
        detail_view=questionnaires.ResponseDetailView,
        update_view=questionnaires.ResponseUpdateView,
        delete_view=questionnaires.ResponseDeleteView,
        history_view=questionnaires.ResponseHistoryView,
    ),
    # Trainings and the capacity-building roadmap.
    *crud.crud_urls(
        "cpde/trainings",
        "training",
        list_view=trainings.TrainingListView,
        create_view=trainings.TrainingCreateView,
        detail_view=trainings.TrainingDetailView,
        update_view=trainings.TrainingUpdateView,
        delete_view=trainings.TrainingDeleteView,
        history_view=trainings.TrainingHistoryView,
    ),
    path(
        f"{base}/trainings/<int:pk>/participants/",
        trainings.TrainingParticipantsView.as_view(),
        name="training_participants",
    ),
    *crud.crud_urls(
        "cpde/roadmap",
        "roadmap_item",
        list_view=trainings.RoadmapItemListView,
        create_view=trainings.RoadmapItemCreateView,
        detail_view=trainings.RoadmapItemDetailView,
        update_view=trainings.RoadmapItemUpdateView,
        delete_view=trainings.RoadmapItemDeleteView,
        history_view=trainings.RoadmapItemHistoryView,
    ),
]
