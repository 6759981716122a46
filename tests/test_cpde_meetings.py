"""CPDE committee and meetings: attendance in one go, agenda, history, the PV as a PDF."""

import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cpde.models import AgendaItem, Attendance, Committee, Meeting
from cpde.selectors import AttendanceCounts
from cpde.services import meeting_record_attendance
from cpde.views.meetings import attendance_saved_message
from tests import cpde_support as cs
from tests.conftest import client_for
from tests.factories import (
    AgendaItemFactory,
    CommitteeMemberFactory,
    GuestFactory,
    MeetingFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(users, province_a):
    """A past meeting of A with three current members, a former and a future one."""
    by = users["coord_a"]
    members = [
        CommitteeMemberFactory(province=province_a, by=by, name="Naima Ouchen", sex="F"),
        CommitteeMemberFactory(
            province=province_a, by=by, name="Rachid Ouaddi", sex="M", start_date=cs.days(-400)
        ),
        CommitteeMemberFactory(
            province=province_a, by=by, name="خديجة العلوي", sex="F", end_date=cs.days(300)
        ),
    ]
    CommitteeMemberFactory(
        province=province_a, by=by, name="Ancien Membre", sex="M", end_date=cs.days(-60)
    )
    CommitteeMemberFactory(
        province=province_a, by=by, name="Futur Membre", sex="M", start_date=cs.days(10)
    )
    meeting = MeetingFactory(
        province=province_a, by=by, date=cs.days(-7), place="Siège de la Province"
    )
    return meeting, members


def attendance_url(meeting):
    return reverse("cpde:meeting_attendance", args=[meeting.committee.province.code, meeting.pk])


def test_meeting_page_lists_every_current_member_for_attendance(users, sheet):
    meeting, members = sheet
    page = client_for(users["agent_a"]).get(meeting.get_absolute_url())
    form = page.context["attendance_form"]
    assert [m.name for m, _field in form.lines()] == sorted(m.name for m in members)
    html = page.content.decode()
    assert "Ancien Membre" not in html and "Futur Membre" not in html
    assert html.count('type="radio"') == 3 * 3


def test_attendance_is_saved_in_one_go(users, sheet):
    meeting, (naima, rachid, khadija) = sheet
    data = {f"m{naima.pk}": "present", f"m{rachid.pk}": "excused", f"m{khadija.pk}": "present"}

    response = client_for(users["agent_a"]).post(attendance_url(meeting), data)

    assert response.status_code == 302
    assert response["Location"].endswith(f"{meeting.get_absolute_url()}#attendance")
    saved = dict(Attendance.objects.filter(meeting=meeting).values_list("member__name", "status"))
    assert saved == {
        "Naima Ouchen": "present",
        "Rachid Ouaddi": "excused",
        "خديجة العلوي": "present",
    }
    assert Attendance.history.filter(meeting_id=meeting.pk).count() == 3
    assert Attendance.history.first().history_user == users["agent_a"]


def test_after_saving_the_attendance_the_page_says_what_it_now_reads_in_its_section(users, sheet):
    meeting, (naima, rachid, khadija) = sheet
    data = {f"m{naima.pk}": "present", f"m{rachid.pk}": "excused", f"m{khadija.pk}": "present"}
    agent = client_for(users["agent_a"])

    response = agent.post(attendance_url(meeting), data, follow=True)

    assert response.redirect_chain[-1][0].endswith("#attendance")
    page = response.content.decode()
    section = page[page.index('id="attendance"') : page.index('id="recommendations"')]
    assert "Présences enregistrées : 2 présents, 1 excusé, 0 absent." in section
    # Shown once, in the attendance section, not at the top of the page.
    assert page.count("Présences enregistrées") == 1
    opened = response.context["attendance_form"]["opened_versions"].value()
    again = agent.post(attendance_url(meeting), {**data, "opened_versions": opened}, follow=True)
    html = again.content.decode()
    assert "Aucun changement" in html[html.index('id="attendance"') :]
    assert "lignes enregistrées" not in page + html


@pytest.mark.parametrize(
    ("language", "counts", "expected"),
    [
        ("fr", (12, 2, 1), "Présences enregistrées : 12 présents, 2 excusés, 1 absent."),
        ("fr", (1, 0, 0), "Présences enregistrées : 1 présent, 0 excusé, 0 absent."),
        ("en", (12, 1, 0), "Attendance saved: 12 present, 1 excused, 0 absent."),
        ("ar", (12, 2, 1), "تم حفظ الحضور: 12 حاضرًا، 2 معتذران، 1 غائب."),
        ("ar", (3, 0, 11), "تم حفظ الحضور: 3 حاضرين، 0 معتذر، 11 غائبًا."),
    ],
)
def test_attendance_saved_message_counts_each_status_in_the_users_language(
    language, counts, expected
):
    present, excused, absent = counts
    totals = AttendanceCounts(present=present, excused=excused, absent=absent)
    with translation.override(language):
        assert attendance_saved_message(changed=3, counts=totals) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Aucun changement : les présences étaient déjà enregistrées ainsi."),
        ("ar", "لا تغيير: الحضور مسجل على هذا النحو من قبل."),
        ("en", "No change: the attendance was already recorded like this."),
    ],
)
def test_attendance_saved_without_change_says_so(language, expected):
    with translation.override(language):
        assert attendance_saved_message(changed=0, counts=AttendanceCounts(present=3)) == expected


def test_attendance_sheet_opens_until_recorded_then_folds_under_the_names(users, sheet):
    meeting, (naima, rachid, khadija) = sheet
    agent = client_for(users["agent_a"])
    fresh = agent.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="attendance-sheet" open' in fresh
    assert 'data-testid="attendance-names"' not in fresh
    meeting_record_attendance(
        meeting=meeting,
        statuses={naima.pk: "present", rachid.pk: "excused", khadija.pk: "absent"},
        by=users["agent_a"],
    )
    page = agent.get(meeting.get_absolute_url())
    html = page.content.decode()
    assert 'data-testid="attendance-sheet">' in html  # folded
    groups = page.context["by_status"]
    assert [(status, [m.name for m in members]) for status, _label, members in groups] == [
        ("present", ["Naima Ouchen"]),
        ("excused", ["Rachid Ouaddi"]),
        ("absent", ["خديجة العلوي"]),
    ]


def test_attendance_with_one_line_left_blank_saves_nothing(users, sheet):
    meeting, (naima, rachid, khadija) = sheet
    meeting_record_attendance(meeting=meeting, statuses={naima.pk: "absent"}, by=users["coord_a"])
    data = {f"m{naima.pk}": "present", f"m{rachid.pk}": "present"}

    response = client_for(users["agent_a"]).post(attendance_url(meeting), data)

    assert response.status_code == 200
    assert "خديجة العلوي" in response.context["form"].non_field_errors()[0]
    assert list(Attendance.objects.filter(meeting=meeting).values_list("status", flat=True)) == [
        "absent"
    ]


def test_attendance_saved_again_changes_only_what_changed(users, sheet):
    meeting, (naima, rachid, khadija) = sheet
    first = {naima.pk: "present", rachid.pk: "present", khadija.pk: "absent"}
    assert meeting_record_attendance(meeting=meeting, statuses=first, by=users["agent_a"]) == 3
    again = {**first, khadija.pk: "excused"}
    assert meeting_record_attendance(meeting=meeting, statuses=again, by=users["agent_a"]) == 1
    line = Attendance.objects.get(meeting=meeting, member=khadija)
    assert line.status == "excused" and line.version == 2


def test_stale_attendance_sheet_is_refused_and_keeps_the_input(users, sheet):
    meeting, (naima, rachid, khadija) = sheet
    agent = client_for(users["agent_a"])
    opened = agent.get(attendance_url(meeting)).context["form"]["opened_versions"].value()
    first = {naima.pk: "present", rachid.pk: "present", khadija.pk: "present"}
    meeting_record_attendance(
        meeting=meeting, statuses=first, by=users["coord_a"], versions_opened={}
    )
    stale = {
        f"m{naima.pk}": "absent",
        f"m{rachid.pk}": "excused",
        f"m{khadija.pk}": "present",
        "opened_versions": opened,
    }

    response = agent.post(attendance_url(meeting), stale)

    assert response.status_code == 409
    assert f"modifié par {users['coord_a']}" in response.content.decode()
    assert set(Attendance.objects.filter(meeting=meeting).values_list("status", flat=True)) == {
        "present"
    }
    refreshed = response.context["form"].data["opened_versions"]
    assert refreshed != opened
    # Saving again from the refreshed sheet is a deliberate choice, and it goes through.
    assert (
        agent.post(attendance_url(meeting), {**stale, "opened_versions": refreshed}).status_code
        == 302
    )
    assert Attendance.objects.get(meeting=meeting, member=naima).status == "absent"


def test_attendance_cannot_be_recorded_before_the_meeting(users, province_a):
    by = users["coord_a"]
    naima = CommitteeMemberFactory(province=province_a, by=by, name="Naima Ouchen")
    coming = MeetingFactory(province=province_a, by=by, date=cs.days(5))
    with pytest.raises(ValidationError):
        meeting_record_attendance(meeting=coming, statuses={naima.pk: "present"}, by=by)
    page = client_for(by).get(coming.get_absolute_url())
    assert "attendance_form" not in page.context


def test_attendance_refuses_someone_of_another_committee(users, province_a, province_b):
    meeting = MeetingFactory(province=province_a, by=users["coord_a"])
    stranger = CommitteeMemberFactory(
        province=province_b, by=users["agent_b"], name="Karim Benali", sex="M"
    )
    with pytest.raises(ValidationError):
        meeting_record_attendance(
            meeting=meeting, statuses={stranger.pk: "present"}, by=users["coord_a"]
        )
    assert not Attendance.objects.exists()


def test_first_meeting_sets_up_the_committee_with_its_agenda(users, province_a):
    client = client_for(users["agent_a"])
    data = {
        "kind": "launch",
        "date": "2025-03-12",
        "start_time": "10:00",
        "place": "Siège de la Province",
        "subject": "Lancement",
        "agenda": "Mot d'ouverture\n\nPrésentation de la convention\nDivers\n",
        "submission_id": str(uuid.uuid4()),
    }
    response = client.post(reverse("cpde:meeting_create", args=[province_a.code]), data)
    again = client.post(reverse("cpde:meeting_create", args=[province_a.code]), data)

    assert response.status_code == 302 and again.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.committee.province == province_a
    assert meeting.committee.name == ""  # named "CPDE of <province>" in each language
    with translation.override("fr"):
        assert str(meeting.committee) == gettext("CPDE of %(province)s") % {"province": "Khénifra"}
    assert list(meeting.agenda_items.values_list("order", "title")) == [
        (1, "Mot d'ouverture"),
        (2, "Présentation de la convention"),
        (3, "Divers"),
    ]
    assert AgendaItem.history.count() == 3


def test_committee_is_set_up_once_then_its_set_up_page_edits_it(users, province_a):
    create_url = reverse("cpde:committee_create", args=[province_a.code])
    edit_url = reverse("cpde:committee_edit", args=[province_a.code])
    agent, viewer = client_for(users["agent_a"]), client_for(users["viewer"])
    assert viewer.get(create_url).status_code == 403
    data = {"name": "CPDE de Khénifra", "submission_id": str(uuid.uuid4())}
    assert agent.post(create_url, data).status_code == 302
    assert Committee.objects.get(province=province_a).name == "CPDE de Khénifra"

    assert agent.get(create_url)["Location"] == edit_url
    resent = agent.post(create_url, {**data, "submission_id": str(uuid.uuid4())})
    assert resent["Location"] == edit_url
    assert viewer.get(create_url).status_code == 403  # no detour for who cannot edit it
    assert Committee.objects.filter(province=province_a).count() == 1


def test_meeting_form_explains_errors_in_french_and_saves_nothing(users, province_a):
    response = client_for(users["agent_a"]).post(
        reverse("cpde:meeting_create", args=[province_a.code]),
        {"kind": "launch", "date": "31/02/2025", "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    assert "Saisissez une date valide" in response.content.decode()
    assert not Meeting.objects.exists() and not Committee.objects.exists()


def test_history_of_a_meeting_keeps_changes(users, province_a):
    meeting = MeetingFactory(province=province_a, by=users["agent_a"], decisions="Première version")
    client = client_for(users["coord_a"])
    data = {
        "kind": meeting.kind,
        "date": meeting.date.isoformat(),
        "place": "Salle de la DAS",
        "decisions": "Adopter le plan d'action",
        "version": meeting.version,
    }
    assert (
        client.post(
            reverse("cpde:meeting_edit", args=[province_a.code, meeting.pk]), data
        ).status_code
        == 302
    )
    page = client.get(reverse("cpde:meeting_history", args=[province_a.code, meeting.pk]))
    html = page.content.decode()
    assert "Première version" in html and "Adopter le plan d&#x27;action" in html
    assert "Salle de la DAS" in html
    assert [e.kind for e in page.context["entries"]] == ["~", "+"]
    assert page.context["entries"][0].user == users["coord_a"]


def test_user_of_province_b_gets_404_on_a_meeting_of_a(users, sheet):
    meeting, (naima, *_rest) = sheet
    client = client_for(users["agent_b"])
    code = meeting.committee.province.code
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(reverse("cpde:meeting_pv", args=[code, meeting.pk])).status_code == 404
    post = client.post(attendance_url(meeting), {f"m{naima.pk}": "present"})
    assert post.status_code == 404
    # Nor through B's own address with A's meeting id.
    other = reverse("cpde:meeting_detail", args=["02.251", meeting.pk])
    assert client.get(other).status_code == 404
    assert not Attendance.objects.exists()


def test_guests_count_in_the_attendance_by_sex(users, sheet):
    meeting, (naima, rachid, khadija) = sheet
    meeting_record_attendance(
        meeting=meeting,
        statuses={naima.pk: "present", rachid.pk: "present", khadija.pk: "absent"},
        by=users["agent_a"],
    )
    GuestFactory(meeting=meeting, name="Ayoub Chakir", sex="M", by=users["agent_a"])
    page = client_for(users["agent_a"]).get(meeting.get_absolute_url())
    counts = page.context["counts"]
    assert (counts.present, counts.present_women, counts.present_men) == (2, 1, 1)
    assert (counts.absent, counts.guests, counts.women, counts.men) == (1, 1, 1, 2)


# The PV -----------------------------------------------------------------------------------


def title_box(content: bytes, tmp_path) -> tuple[float, float]:
    """Left and right edges of the largest words on the first page: the PV's title."""
    xml = cs.pdf_text(content, tmp_path, "-bbox", "-f", "1", "-l", "1")
    words = [
        tuple(float(v) for v in m)
        for m in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', xml)
    ]
    tallest = max(y2 - y1 for _x1, y1, _x2, y2 in words)
    title = [w for w in words if w[3] - w[1] > tallest - 0.5]
    return min(w[0] for w in title), max(w[2] for w in title)


@pytest.fixture
def held(users, sheet):
    meeting, (naima, rachid, khadija) = sheet
    meeting_record_attendance(
        meeting=meeting,
        statuses={naima.pk: "present", rachid.pk: "excused", khadija.pk: "present"},
        by=users["agent_a"],
    )
    AgendaItemFactory(
        meeting=meeting, order=1, title="Point sur la filière miel", by=users["agent_a"]
    )
    RecommendationFactory(
        meeting=meeting, by=users["agent_a"], text="Organiser une visite des coopératives."
    )
    return meeting


def pv(client, meeting, lang):
    code = meeting.committee.province.code
    return client.get(reverse("cpde:meeting_pv", args=[code, meeting.pk]), {"lang": lang})


def test_pv_pdf_downloads_in_french_with_the_attendance(users, held, tmp_path):
    response = pv(client_for(users["viewer"]), held, "fr")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(cs.pdf_text(response.content, tmp_path).split())
    with translation.override("fr"):
        title = gettext("Minutes of the meeting")
    assert title in text
    for name in ("Naima Ouchen", "Rachid Ouaddi", "Point sur la filière miel"):
        assert name in text
    assert "Organiser une visite des coopératives." in text
    left, _right = title_box(response.content, tmp_path)
    assert left < 80  # a French page starts on the left


def test_pv_pdf_in_arabic_is_right_to_left_with_its_arabic_title(users, held, tmp_path):
    # The person's own pages are in French: the language of the PDF is the one asked for.
    response = pv(client_for(users["coord_a"], "fr"), held, "ar")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with translation.override("ar"):
        title = gettext("Minutes of the meeting")
        committee = str(held.committee)
    # The document's title (PDF metadata) is the Arabic title of the PV.
    info = cs.pdf_info(response.content, tmp_path)
    assert f"{title} · {committee}" in info
    assert "خنيفرة" in committee
    text = cs.pdf_text(response.content, tmp_path)
    # The Arabic text can be searched and copied from the PDF (Amiri keeps letters apart).
    words = " ".join(re.sub("[\u202a-\u202e\u200e\u200f]", "", text).split())
    assert title in words
    assert "خنيفرة" in words
    assert "Naima Ouchen" in text and "Rachid Ouaddi" in text
    _left, right = title_box(response.content, tmp_path)
    assert right > 520  # the title sits against the right margin of the A4 page


def test_pv_language_defaults_to_the_pages_language(users, held):
    response = client_for(users["agent_a"], "ar").get(
        reverse("cpde:meeting_pv", args=[held.committee.province.code, held.pk])
    )
    assert response["Content-Disposition"].endswith('-ar.pdf"')


def test_current_member_rule_and_its_database_twin_agree_on_every_case(users, province_a):
    """`CommitteeMember.is_current` and `current_member_condition` are one rule written twice
    (for a loaded member and for a query): they must agree on every kind of dates."""
    from cpde.models import CommitteeMember, current_member_condition

    today = cs.TODAY
    dates = [None, cs.days(-30), cs.days(-1), today, cs.days(1), cs.days(30)]
    members = []
    for i, start in enumerate(dates):
        for j, end in enumerate(dates):
            if start is not None and end is not None and end < start:
                continue  # refused by the model: an end before the start
            members.append(
                CommitteeMemberFactory(
                    province=province_a,
                    by=users["coord_a"],
                    name=f"M {i}-{j}",
                    start_date=start,
                    end_date=end,
                )
            )
    in_db = set(
        CommitteeMember.objects.filter(pk__in=[m.pk for m in members])
        .filter(current_member_condition(today))
        .values_list("pk", flat=True)
    )
    in_python = {m.pk for m in members if m.is_current(today)}
    assert in_db == in_python
    assert 0 < len(in_db) < len(members)  # both kinds are among the cases
