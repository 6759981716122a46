"""Stakeholders, contacts and attachments: the first records built on the scoped-records kit."""

import io
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from provinces.models import Attachment, Commune, Contact, Stakeholder
from targa.core.records import record_create, record_update
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def create_url(province):
    return reverse("provinces:stakeholder_create", args=[province.code])


def stakeholder_data(province, **extra):
    communes = list(Commune.objects.filter(province=province).order_by("code")[:2])
    return {
        "name": "Association Tiwizi",
        "acronym": "AT",
        "kind": Stakeholder.Kind.ASSOCIATION,
        "communes": [c.pk for c in communes],
        "phone": "+212 535 000 000",
        "submission_id": str(uuid.uuid4()),
        **extra,
    }


def test_field_agent_records_a_stakeholder_in_their_province(users, province_a):
    client = client_for(users["agent_a"])
    response = client.post(create_url(province_a), stakeholder_data(province_a))
    stakeholder = Stakeholder.objects.get(name="Association Tiwizi")
    assert response.status_code == 302
    assert response["Location"] == stakeholder.get_absolute_url()
    assert stakeholder.province == province_a
    assert stakeholder.communes.count() == 2
    assert stakeholder.history.first().history_user == users["agent_a"]


def test_commune_of_another_province_is_refused(users, province_a, province_b):
    figuig_commune = Commune.objects.filter(province=province_b).first()
    data = stakeholder_data(province_a, communes=[figuig_commune.pk])
    response = client_for(users["agent_a"]).post(create_url(province_a), data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Stakeholder.objects.exists()


def test_only_a_youth_platform_has_a_managing_association(users, province_a):
    association = Stakeholder.objects.create(
        province=province_a, name="Association Amal", kind=Stakeholder.Kind.ASSOCIATION
    )
    client = client_for(users["agent_a"])
    bad = stakeholder_data(
        province_a,
        name="ANAPEC Khénifra",
        kind=Stakeholder.Kind.AGENCY,
        managing_association=association.pk,
    )
    response = client.post(create_url(province_a), bad)
    assert (
        "Seule une plateforme des jeunes a une association gestionnaire."
        in response.content.decode()
    )
    good = stakeholder_data(
        province_a,
        name="Plateforme des jeunes de Khénifra",
        kind=Stakeholder.Kind.YOUTH_PLATFORM,
        managing_association=association.pk,
    )
    assert client.post(create_url(province_a), good).status_code == 302
    platform = Stakeholder.objects.get(kind=Stakeholder.Kind.YOUTH_PLATFORM)
    page = client.get(association.get_absolute_url()).content.decode()
    assert "Plateforme des jeunes de Khénifra" in page
    assert platform.managing_association == association


def test_association_running_a_youth_platform_is_not_deleted_and_says_why(users, province_a):
    by = users["coord_a"]
    association = record_create(
        instance=Stakeholder(
            province=province_a, name="Association Amal", kind=Stakeholder.Kind.ASSOCIATION
        ),
        by=by,
    ).instance
    record_create(
        instance=Stakeholder(
            province=province_a,
            name="Plateforme des jeunes de Khénifra",
            kind=Stakeholder.Kind.YOUTH_PLATFORM,
            managing_association=association,
        ),
        by=by,
    )
    url = reverse("provinces:stakeholder_delete", args=[province_a.code, association.pk])
    response = client_for(by).post(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == association.get_absolute_url()
    page = response.content.decode()
    assert "ne peut pas être supprimée tant que d’autres fiches y renvoient" in page
    assert "1 × acteurs" in page
    assert Stakeholder.objects.filter(pk=association.pk).exists()


def test_duplicate_name_in_the_province_is_explained(users, province_a):
    Stakeholder.objects.create(province=province_a, name="Association Tiwizi", kind="association")
    response = client_for(users["agent_a"]).post(
        create_url(province_a), stakeholder_data(province_a)
    )
    assert response.status_code == 200
    assert "Cette province a déjà un acteur de ce nom." in response.content.decode()


def test_history_keeps_changes_of_communes(users, province_a):
    communes = list(Commune.objects.filter(province=province_a).order_by("code")[:3])
    stakeholder = record_create(
        instance=Stakeholder(
            province=province_a, name="Coopérative Tighanimine", kind="cooperative"
        ),
        by=users["agent_a"],
    ).instance
    stakeholder.communes.set(communes[:1])
    stakeholder.communes.set(communes[1:3])
    page = client_for(users["coord_a"]).get(
        reverse("provinces:stakeholder_history", args=[province_a.code, stakeholder.pk])
    )
    html = page.content.decode()
    assert "Communes couvertes" in html
    assert communes[0].name_fr in html and communes[2].name_fr in html


def test_list_filters_searches_and_paginates(users, province_a, province_b):
    commune = Commune.objects.filter(province=province_a).first()
    for i in range(30):
        s = Stakeholder.objects.create(
            province=province_a, name=f"Coopérative {i:02d}", kind="cooperative"
        )
        if i < 3:
            s.communes.add(commune)
    Stakeholder.objects.create(province=province_a, name="ANAPEC Khénifra", kind="agency")
    Stakeholder.objects.create(province=province_b, name="ANAPEC Figuig", kind="agency")
    client = client_for(users["agent_a"])
    url = reverse("provinces:stakeholder_list", args=[province_a.code])
    assert client.get(url).context["page_obj"].paginator.count == 31
    assert client.get(url, {"kind": "agency"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"commune": commune.pk}).context["page_obj"].paginator.count == 3
    assert client.get(url, {"q": "anapec"}).context["page_obj"].paginator.count == 1
    assert len(client.get(url).context["page_obj"].object_list) == 25


def test_list_query_count_is_pinned(users, province_a, django_assert_max_num_queries):
    communes = list(Commune.objects.filter(province=province_a)[:3])
    for i in range(40):
        s = Stakeholder.objects.create(
            province=province_a, name=f"Association {i}", kind="association"
        )
        s.communes.set(communes)
        Contact.objects.create(stakeholder=s, name=f"Contact {i}")
    client = client_for(users["agent_a"])
    with django_assert_max_num_queries(11):
        response = client.get(reverse("provinces:stakeholder_list", args=[province_a.code]))
    assert len(response.context["page_obj"].object_list) == 25


def test_detail_query_count_is_pinned(users, province_a, django_assert_max_num_queries):
    s = Stakeholder.objects.create(province=province_a, name="Association Amal", kind="association")
    s.communes.set(Commune.objects.filter(province=province_a))
    for i in range(20):
        Contact.objects.create(stakeholder=s, name=f"Contact {i}")
    client = client_for(users["agent_a"])
    with django_assert_max_num_queries(13):
        response = client.get(s.get_absolute_url())
    assert response.content.decode().count('id="contact-') == 20


def test_export_to_excel_and_csv_holds_the_filtered_rows(users, province_a, province_b):
    s = Stakeholder.objects.create(
        province=province_a, name="Coopérative Azrou", kind="cooperative"
    )
    Contact.objects.create(stakeholder=s, name="Fatima Zahra", phone="0600000000")
    Stakeholder.objects.create(province=province_a, name="ANAPEC Khénifra", kind="agency")
    Stakeholder.objects.create(province=province_b, name="ANAPEC Figuig", kind="agency")
    client = client_for(users["viewer"])
    url = reverse("provinces:stakeholder_list", args=[province_a.code])
    xlsx = client.get(url, {"export": "xlsx", "kind": "cooperative"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][:3] == ("Nom", "Sigle", "Type")
    assert [r[0] for r in rows[1:]] == ["Coopérative Azrou"]
    assert "Fatima Zahra" in rows[1][-1]
    csv = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert "ANAPEC Khénifra" in csv and "ANAPEC Figuig" not in csv


def test_contacts_are_added_edited_and_removed_under_their_stakeholder(users, province_a):
    s = Stakeholder.objects.create(
        province=province_a, name="DPA Khénifra", kind="sector_department"
    )
    client = client_for(users["agent_a"])
    add = reverse("provinces:contact_create", args=[province_a.code, s.pk])
    response = client.post(
        add,
        {
            "name": "Mohamed Alami",
            "role": "Chef de service",
            "sex": "M",
            "submission_id": str(uuid.uuid4()),
        },
    )
    contact = Contact.objects.get(name="Mohamed Alami")
    assert response["Location"] == f"{s.get_absolute_url()}#contact-{contact.pk}"
    edit = reverse("provinces:contact_edit", args=[province_a.code, s.pk, contact.pk])
    client.post(edit, {"name": "Mohamed Alami", "role": "Directeur", "sex": "M", "version": 1})
    contact.refresh_from_db()
    assert contact.role == "Directeur"
    client.post(reverse("provinces:contact_delete", args=[province_a.code, s.pk, contact.pk]))
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_contact_of_another_stakeholder_is_not_reachable_through_a_wrong_parent(users, province_a):
    s1 = Stakeholder.objects.create(province=province_a, name="A", kind="association")
    s2 = Stakeholder.objects.create(province=province_a, name="B", kind="association")
    contact = Contact.objects.create(stakeholder=s1, name="X")
    url = reverse("provinces:contact_edit", args=[province_a.code, s2.pk, contact.pk])
    assert client_for(users["agent_a"]).get(url).status_code == 404


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def upload_url(province, record):
    ct = ContentType.objects.get_for_model(record)
    return reverse("provinces:attachment_upload", args=[province.code, ct.pk, record.pk])


def test_photo_is_attached_and_downloaded_through_the_access_layer(users, province_a):
    s = Stakeholder.objects.create(province=province_a, name="Coopérative", kind="cooperative")
    client = client_for(users["agent_a"])
    photo = SimpleUploadedFile("visite.png", png_bytes(), content_type="image/png")
    client.post(upload_url(province_a, s), {"file": photo, "title": "Visite de la coopérative"})
    attachment = Attachment.objects.get()
    assert attachment.record == s and attachment.size > 0
    page = client.get(s.get_absolute_url()).content.decode()
    assert "Visite de la coopérative" in page
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes()
    assert client_for(users["agent_b"]).get(attachment.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ", "ne sont pas acceptés"),
        ("photo.jpg", b"not an image", "endommagé"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(users, province_a, name, content, message):
    s = Stakeholder.objects.create(province=province_a, name="Coopérative", kind="cooperative")
    client = client_for(users["agent_a"])
    response = client.post(
        upload_url(province_a, s), {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_too_large_upload_is_refused(users, province_a, settings):
    settings.MAX_UPLOAD_MB = 0
    s = Stakeholder.objects.create(province=province_a, name="Coopérative", kind="cooperative")
    response = client_for(users["agent_a"]).post(
        upload_url(province_a, s),
        {"file": SimpleUploadedFile("pv.pdf", b"%PDF-1.4 x")},
        follow=True,
    )
    assert "trop volumineux" in response.content.decode()
    assert not Attachment.objects.exists()


def test_cannot_attach_to_a_record_of_another_province(users, province_a, province_b):
    s = Stakeholder.objects.create(province=province_b, name="Coopérative", kind="cooperative")
    photo = SimpleUploadedFile("visite.png", png_bytes())
    response = client_for(users["agent_a"]).post(upload_url(province_a, s), {"file": photo})
    assert response.status_code == 404


def test_stale_stakeholder_edit_is_refused(users, province_a):
    s = Stakeholder.objects.create(province=province_a, name="Association", kind="association")
    s.name = "Association Amal"
    record_update(instance=s, expected_version=1, by=users["coord_a"])
    url = reverse("provinces:stakeholder_edit", args=[province_a.code, s.pk])
    response = client_for(users["agent_a"]).post(
        url, {"name": "Association renommée", "kind": "association", "version": 1}
    )
    assert response.status_code == 409
    s.refresh_from_db()
    assert s.name == "Association Amal"


def test_a_submission_id_of_another_province_saves_a_new_record_there(
    users, province_a, province_b
):
    # The token of a form saved in Khénifra, sent again by Figuig's agent: not a resend of
    # their own form. Their input is saved in Figuig; they are not sent to Khénifra's record.
    data_a = stakeholder_data(province_a)
    client_for(users["agent_a"]).post(create_url(province_a), data_a)
    khenifra = Stakeholder.objects.get()
    data_b = stakeholder_data(province_b, name="Coopérative Figuig", communes=[])
    data_b["submission_id"] = data_a["submission_id"]

    response = client_for(users["agent_b"]).post(create_url(province_b), data_b)

    figuig = Stakeholder.objects.get(name="Coopérative Figuig")
    assert response.status_code == 302 and response["Location"] == figuig.get_absolute_url()
    assert figuig.province == province_b and str(figuig.submission_id) != data_a["submission_id"]
    khenifra.refresh_from_db()
    assert (khenifra.name, khenifra.province) == ("Association Tiwizi", province_a)


def test_the_same_person_resending_their_form_still_gets_one_record(users, province_a):
    data = stakeholder_data(province_a)
    client = client_for(users["agent_a"])
    first = client.post(create_url(province_a), data)
    again = client.post(create_url(province_a), data)
    assert first["Location"] == again["Location"]
    assert Stakeholder.objects.count() == 1


def test_saving_a_record_deleted_meanwhile_keeps_the_input_and_says_who(users, province_a):
    agent, coordinator = client_for(users["agent_a"]), client_for(users["coord_a"])
    agent.post(create_url(province_a), stakeholder_data(province_a))
    stakeholder = Stakeholder.objects.get()
    edit = reverse("provinces:stakeholder_edit", args=[province_a.code, stakeholder.pk])
    opened = agent.get(edit).context["form"]["version"].value()
    delete = reverse("provinces:stakeholder_delete", args=[province_a.code, stakeholder.pk])
    assert coordinator.post(delete).status_code == 302

    data = stakeholder_data(province_a, name="Association Tiwizi (corrigée)", version=opened)
    response = agent.post(edit, data)

    assert response.status_code == 409
    page = response.content.decode()
    assert f"Cette fiche a été supprimée par {users['coord_a']} le" in page
    assert "Association Tiwizi (corrigée)" in page  # the input is still there
    form = response.context["form"]
    assert response.context["form_action"] == create_url(province_a)
    saved_again = agent.post(create_url(province_a), {**form.data, "version": ""})
    assert saved_again.status_code == 302
    assert Stakeholder.objects.get().name == "Association Tiwizi (corrigée)"


def test_a_record_of_another_province_deleted_is_still_a_plain_404(users, province_a, province_b):
    client_for(users["agent_a"]).post(create_url(province_a), stakeholder_data(province_a))
    stakeholder = Stakeholder.objects.get()
    client_for(users["coord_a"]).post(
        reverse("provinces:stakeholder_delete", args=[province_a.code, stakeholder.pk])
    )
    # Figuig's agent, through Figuig's URL, learns nothing of Khénifra's deletion.
    edit_in_b = reverse("provinces:stakeholder_edit", args=[province_b.code, stakeholder.pk])
    response = client_for(users["agent_b"]).post(edit_in_b, stakeholder_data(province_b))
    assert response.status_code == 404


def _opened_edit(client, stakeholder):
    url = reverse("provinces:stakeholder_edit", args=[stakeholder.province.code, stakeholder.pk])
    form = client.get(url).context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        if value not in (None, ""):
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    return url, data


def test_a_stale_save_keeps_the_other_person_s_changes_to_fields_it_did_not_touch(
    users, province_a
):
    agent, coordinator = client_for(users["agent_a"]), client_for(users["coord_a"])
    agent.post(create_url(province_a), stakeholder_data(province_a))
    stakeholder = Stakeholder.objects.get()
    url, opened = _opened_edit(agent, stakeholder)
    _url, theirs = _opened_edit(coordinator, stakeholder)
    assert coordinator.post(url, {**theirs, "phone": "+212 600 111 222"}).status_code == 302

    # The agent changes only the notes, on the page opened before the coordinator's save.
    response = agent.post(url, {**opened, "notes": "Rencontrée le 3 mars"}, follow=True)

    stakeholder.refresh_from_db()
    assert (stakeholder.phone, stakeholder.notes) == ("+212 600 111 222", "Rencontrée le 3 mars")
    assert stakeholder.version == 3
    messages = [str(m) for m in response.context["messages"]]
    assert any(str(users["coord_a"]) in m and "Téléphone" in m for m in messages), messages


def test_only_a_real_clash_is_asked_about_with_both_values(users, province_a):
    agent, coordinator = client_for(users["agent_a"]), client_for(users["coord_a"])
    agent.post(create_url(province_a), stakeholder_data(province_a))
    stakeholder = Stakeholder.objects.get()
    url, opened = _opened_edit(agent, stakeholder)
    _url, theirs = _opened_edit(coordinator, stakeholder)
    coordinator.post(url, {**theirs, "phone": "+212 600 111 222", "acronym": "ATZ"})

    response = agent.post(url, {**opened, "phone": "+212 700 333 444", "notes": "Vu"})

    assert response.status_code == 409
    clashes = response.context["conflict_clashes"]
    assert [(label, t, y) for label, t, y in clashes] == [
        ("Téléphone", "+212 600 111 222", "+212 700 333 444")
    ]
    assert [label for label, _v in response.context["conflict_taken"]] == ["Sigle"]
    form = response.context["form"]
    # The form holds the merge: the agent's phone and notes, the coordinator's acronym.
    assert (form["phone"].value(), form["notes"].value(), form["acronym"].value()) == (
        "+212 700 333 444",
        "Vu",
        "ATZ",
    )
    assert form["version"].value() == 2
    stakeholder.refresh_from_db()
    assert stakeholder.phone == "+212 600 111 222"  # nothing saved until the agent chooses
