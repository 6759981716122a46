"""Pages read right in both directions and in good French: what people typed is isolated
from the page's direction (phone numbers, e-mails and figures left to right); create forms,
statuses and counts agree with their nouns; actions on a line are real buttons, the removal
last and through its confirmation page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from cpde.models import Recommendation, RoadmapItem
from provinces.models import Activity, ExecutionContract, FollowUpAction
from targa.core import crud
from targa.core.records import record_update
from tests.conftest import client_for
from tests.factories import (
    ActivityFactory,
    AgendaItemFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    FieldVisitFactory,
    FollowUpActionFactory,
    MeetingFactory,
    StakeholderFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load targa %}" + source).render(Context(context))


def page(user, url: str, language: str = "ar") -> str:
    response = client_for(user, language).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# Isolation (item 3) -----------------------------------------------------------------------


def test_bidi_filter_isolates_text_and_puts_numbers_and_addresses_left_to_right():
    assert render("{{ v|bidi }}", v="Réunion de lancement.") == "<bdi>Réunion de lancement.</bdi>"
    assert render("{{ v|bidi }}", v="0535 192031") == '<bdi dir="ltr">0535 192031</bdi>'
    assert render("{{ v|bidi }}", v="+212 (0)5 35 19 20 31") == (
        '<bdi dir="ltr">+212 (0)5 35 19 20 31</bdi>'
    )
    assert render("{{ v|bidi }}", v="dpa.khenifra@agri.gov.ma").startswith('<bdi dir="ltr">')
    assert render("{{ v|ltr }}", v="12 500 MAD") == '<bdi dir="ltr">12 500 MAD</bdi>'
    # Escaped like any value; the "—" of an empty field is left alone.
    assert render("{{ v|bidi }}", v="<b>x</b>") == "<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>"
    assert render("{{ v|bidi }}", v="—") == "—"
    assert render("{{ v|bidi }}", v="") == ""


def test_field_value_isolates_phone_email_codes_and_figures(users, province_a):
    stakeholder = StakeholderFactory(
        province=province_a,
        name="Délégation de l'Agriculture.",
        phone="0535 192031",
        email="dpa@agri.ma",
        by=users["agent_a"],
    )
    assert render("{{ s|field_value:'phone' }}", s=stakeholder) == (
        '<bdi dir="ltr">0535 192031</bdi>'
    )
    assert render("{{ s|field_value:'email' }}", s=stakeholder) == (
        '<bdi dir="ltr">dpa@agri.ma</bdi>'
    )
    assert render("{{ s|field_value:'name' }}", s=stakeholder) == (
        "<bdi>Délégation de l&#x27;Agriculture.</bdi>"
    )
    assert render("{{ s|field_value:'notes' }}", s=stakeholder) == "—"
    contract = ExecutionContract(reference="CSE/2021/05", duration_months=12)
    assert render("{{ c|field_value:'reference' }}", c=contract).startswith('<bdi dir="ltr">')
    assert render("{{ c|field_value:'duration_months' }}", c=contract) == (
        '<bdi dir="ltr">12</bdi>'
    )


def test_committee_page_isolates_the_meeting_place_next_to_its_arabic_link(users, province_a):
    committee = CommitteeFactory(province=province_a, by=users["coord_a"])
    MeetingFactory(
        committee=committee, date=crud.timezone.localdate(), place="Salle du Conseil (Province)."
    )
    CommitteeMemberFactory(
        committee=committee,
        name="Naima Ouchen",
        institution_name="Province",
        position="Chef de la Division (DAS)",
    )
    html = page(users["agent_a"], reverse("cpde:committee", args=[province_a.code]))
    assert "</a> · <bdi>Salle du Conseil (Province).</bdi></li>" in html
    assert "<bdi>Chef de la Division (DAS)</bdi>" in html


def test_members_and_meeting_pages_isolate_what_was_typed_in_arabic(users, province_a):
    committee = CommitteeFactory(province=province_a, by=users["coord_a"])
    member = CommitteeMemberFactory(
        committee=committee, name="Said Amrani", phone="0535 192031", email="s.amrani@indh.ma"
    )
    member.phone = "0661 123456"
    record_update(instance=member, expected_version=member.version, by=users["coord_a"])
    meeting = MeetingFactory(committee=committee, place="Salle de réunion.")
    AgendaItemFactory(meeting=meeting, title="Point sur les recommandations en cours.")
    list_html = page(users["agent_a"], reverse("cpde:member_list", args=[province_a.code]))
    assert "<bdi>Said Amrani</bdi>" in list_html
    detail = page(users["agent_a"], member.get_absolute_url())
    assert '<a href="tel:0661123456" dir="ltr">0661 123456</a>' in detail
    assert 'href="mailto:s.amrani@indh.ma" dir="ltr"' in detail
    history = page(
        users["agent_a"], reverse("cpde:member_history", args=[province_a.code, member.pk])
    )
    assert '<bdi dir="ltr">0535 192031</bdi>' in history
    assert '<bdi dir="ltr">0661 123456</bdi>' in history
    meeting_html = page(users["agent_a"], meeting.get_absolute_url())
    assert "<bdi>Salle de réunion.</bdi>" in meeting_html
    # The agenda is a list whose number stays on the page's side; the title is isolated.
    item = re.search(r'<li class="mb-1"><span dir="auto">([^<]*)</span>', meeting_html)
    assert item and item.group(1) == "Point sur les recommandations en cours."


def test_stakeholder_page_isolates_phone_and_address(users, province_a):
    stakeholder = StakeholderFactory(
        province=province_a, address="Avenue Hassan II, n° 12.", phone="0535 192031"
    )
    html = page(users["agent_a"], stakeholder.get_absolute_url())
    assert '<a href="tel:0535192031" dir="ltr">0535 192031</a>' in html
    assert "<bdi>Avenue Hassan II, n° 12.</bdi>" in html


# Wording (item 14) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "french", "arabic"),
    [
        ("cpde:meeting_create", "Nouvelle réunion", "اجتماع جديد"),
        ("cpde:member_create", "Nouveau membre du comité", "عضو جديد في اللجنة"),
        ("provinces:stakeholder_create", "Nouvel acteur", "فاعل جديد"),
        ("provinces:activity_create", "Nouvelle activité", "نشاط جديد"),
    ],
)
def test_create_forms_are_titled_with_their_own_agreeing_label(
    users, province_a, name, french, arabic
):
    url = reverse(name, args=[province_a.code])
    assert f'<h1 class="h3 my-2">{french}</h1>' in page(users["coord_a"], url, "fr")
    assert f'<h1 class="h3 my-2">{arabic}</h1>' in page(users["coord_a"], url, "ar")
    list_url = reverse(name.replace("_create", "_list"), args=[province_a.code])
    assert f"</i> {french}</a>" in page(users["coord_a"], list_url, "fr")


def test_every_model_created_through_the_record_kit_has_its_add_label():
    from django.urls import get_resolver

    models = set()

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
                continue
            view = getattr(p.callback, "view_class", None)
            if view is not None and issubclass(view, crud.ScopedCreateView):
                models.add(view.model)

    walk(get_resolver().url_patterns)
    assert len(models) >= 15
    missing = [m.__name__ for m in models if not getattr(m, "add_label", None)]
    assert not missing
    with translation.override("fr"):
        assert not [m.__name__ for m in models if str(crud.add_label(m)).startswith("Nouveau :")]


def test_status_labels_agree_with_their_noun():
    with translation.override("fr"):
        assert Recommendation.Status.OPEN.label == "ouverte"
        assert Recommendation.Status.DONE.label == "réalisée"
        assert Activity.Status.DONE.label == "réalisée"
        assert Activity.Status.PLANNED.label == "prévue"
        assert FollowUpAction.Status.DONE.label == "réalisée"
        assert RoadmapItem.Status.DONE.label == "réalisée"
        assert ExecutionContract.Status.SIGNED.label == "signé"
    with translation.override("ar"):
        assert Recommendation.Status.DONE.label == "منجزة"  # توصية
        assert Activity.Status.DONE.label == "منجز"  # نشاط
        assert ExecutionContract.Status.SIGNED.label == "موقع"  # عقد


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["1 activité", "2 activités", "22 activités"]),
        ("ar", ["1 نشاط", "2 نشاطان", "22 نشاطا"]),
    ],
)
def test_counts_take_their_plural(language, expected):
    with translation.override(language):
        got = [ngettext("%(n)s activity", "%(n)s activities", n) % {"n": n} for n in (1, 2, 22)]
    assert got == expected


def test_no_french_text_hedges_its_plural_with_parentheses():
    po = Path(settings.BASE_DIR, "locale", "fr", "LC_MESSAGES", "django.po").read_text("utf-8")
    assert not re.findall(r'msgstr(?:\[\d\])? ".*[a-zé]\((?:s|e|es)\)', po)


def test_activity_counts_and_training_figures_agree_with_their_number(users, province_a):
    ActivityFactory(province=province_a)
    ActivityFactory(province=province_a, title="Atelier")
    html = page(users["agent_a"], reverse("provinces:activity_list", args=[province_a.code]), "fr")
    counts = re.search(r'data-testid="activity-counts">(.*?)</p>', html, re.S).group(1)
    assert "2 activités" in counts and "0 réalisée" in counts and "(s)" not in counts
    committee = CommitteeFactory(province=province_a, by=users["coord_a"])
    training = TrainingFactory(committee=committee)
    for i in range(3):
        member = CommitteeMemberFactory(committee=committee, name=f"Membre {i}")
        training.participants.create(member=member, attended=True)
    html = page(users["agent_a"], training.get_absolute_url(), "fr")
    figures = " ".join(re.sub(r"<[^>]+>", " ", html[html.index("training-figures") :]).split())
    assert " 3 participants " in figures and " 3 présents " in figures


# Taps (item 15) ---------------------------------------------------------------------------


def test_follow_up_actions_are_buttons_with_the_removal_last_and_a_clear_done_label(
    users, province_a
):
    visit = FieldVisitFactory(province=province_a, by=users["agent_a"])
    action = FollowUpActionFactory(visit=visit, by=users["agent_a"])
    html = page(users["agent_a"], visit.get_absolute_url(), "fr")
    row = html[html.index(f'id="action-{action.pk}"') :]
    row = row[: row.index("</li>")]
    group = row[row.index('class="row-actions"') :]
    links = re.findall(r'<(?:a|button) class="([^"]*)"[^>]*>(.*?)</(?:a|button)>', group, re.S)
    labels = [re.sub(r"<[^>]+>", "", text).strip() for _cls, text in links]
    assert labels == ["Marquer comme réalisée", "Modifier", "Historique", "Retirer"]
    assert all("btn" in cls.split() for cls, _text in links)
    assert "btn-outline-danger" in links[-1][0] and "row-action-delete" in links[-1][0]
    delete_url = reverse("provinces:followup_delete", args=[province_a.code, visit.pk, action.pk])
    assert f'href="{delete_url}"' in group  # a link to the confirmation page, not a POST
    # Marked done, the same place offers to undo it.
    client = client_for(users["agent_a"])
    done = reverse("provinces:followup_done", args=[province_a.code, visit.pk, action.pk])
    response = client.post(done, {"version": action.version}, follow=True)
    html = response.content.decode()
    assert "Rouvrez-la sur sa ligne" in html or "rouvrez-la sur sa ligne" in html
    assert 'data-testid="reopen"' in html


def test_contacts_questions_and_agenda_items_use_the_same_row_actions(users, province_a):
    stakeholder = StakeholderFactory(province=province_a)
    stakeholder.contacts.create(name="Aicha")
    html = page(users["agent_a"], stakeholder.get_absolute_url(), "fr")
    assert html.count('class="row-actions"') >= 1
    assert 'class="btn btn-outline-danger btn-sm row-action-delete"' in html
    meeting = MeetingFactory(province=province_a)
    AgendaItemFactory(meeting=meeting)
    html = page(users["agent_a"], meeting.get_absolute_url(), "fr")
    agenda = html[html.index('data-testid="agenda"') : html.index('id="minutes"')]
    assert 'class="row-actions"' in agenda and " · " not in agenda


def test_removing_an_attachment_goes_through_its_confirmation_page(users, province_a):
    from tests.matrix_provinces import attachment

    item = attachment({"province_a": province_a})
    url = reverse("provinces:attachment_delete", args=[province_a.code, item.pk])
    html = page(users["agent_a"], item.record.get_absolute_url(), "fr")
    assert f'<a class="btn btn-outline-danger btn-sm" href="{url}">' in html
    confirm = page(users["agent_a"], url, "fr")
    assert '<form method="post"' in confirm and item.record.get_absolute_url() in confirm
    assert item.__class__.objects.filter(pk=item.pk).exists()  # asking deleted nothing


def test_phone_tap_targets_are_44_px_in_the_stylesheet():
    css = Path(settings.BASE_DIR, "static", "css", "targa.css").read_text("utf-8")
    rule = re.search(r"@media \(max-width: 767\.98px\), \(pointer: coarse\) \{(.*?)\n\}", css, re.S)
    assert rule and "min-height: 2.75rem" in rule.group(1)  # 44 px
    assert re.search(r"\.late-badge \{[^}]*font-size: 1rem;[^}]*\}", css)
    assert re.search(r"\.late-badge \{[^}]*min-height: 2\.25rem;", css)  # 36 px ≥ 28 px
