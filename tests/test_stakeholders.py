"""Stakeholders, contacts and attachments: the first records built on the scoped-records kit."""

import functools
import html
import io
import random
import struct
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from PIL import Image, ImageFile

from provinces.models import Attachment, Cercle, Commune, Contact, Stakeholder, accepts_attachments
from provinces.services import attachment_create
from targa.core.records import record_delete, record_update
from targa.core.uploads import check_upload
from tests.conftest import client_for
from tests.factories import ContactFactory, StakeholderFactory

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
    association = StakeholderFactory(
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
    association = StakeholderFactory(
        province=province_a, name="Association Amal", kind=Stakeholder.Kind.ASSOCIATION, by=by
    )
    StakeholderFactory(
        province=province_a,
        name="Plateforme des jeunes de Khénifra",
        kind=Stakeholder.Kind.YOUTH_PLATFORM,
        managing_association=association,
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
    StakeholderFactory(province=province_a, name="Association Tiwizi", kind="association")
    response = client_for(users["agent_a"]).post(
        create_url(province_a), stakeholder_data(province_a)
    )
    assert response.status_code == 200
    assert "Cette province a déjà un acteur de ce nom." in response.content.decode()


def test_history_keeps_changes_of_communes(users, province_a):
    communes = list(Commune.objects.filter(province=province_a).order_by("code")[:3])
    stakeholder = StakeholderFactory(
        province=province_a, name="Coopérative Tighanimine", kind="cooperative", by=users["agent_a"]
    )
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
        StakeholderFactory(
            province=province_a,
            name=f"Coopérative {i:02d}",
            kind="cooperative",
            communes=[commune] if i < 3 else [],
        )
    StakeholderFactory(province=province_a, name="ANAPEC Khénifra", kind="agency")
    StakeholderFactory(province=province_b, name="ANAPEC Figuig", kind="agency")
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
        s = StakeholderFactory(province=province_a, name=f"Association {i}", communes=communes)
        ContactFactory(stakeholder=s, name=f"Contact {i}")
    client = client_for(users["agent_a"])
    with django_assert_max_num_queries(11):
        response = client.get(reverse("provinces:stakeholder_list", args=[province_a.code]))
    assert len(response.context["page_obj"].object_list) == 25


def test_detail_query_count_is_pinned(users, province_a, django_assert_max_num_queries):
    s = StakeholderFactory(
        province=province_a,
        name="Association Amal",
        communes=Commune.objects.filter(province=province_a),
    )
    for i in range(20):
        ContactFactory(stakeholder=s, name=f"Contact {i}")
    client = client_for(users["agent_a"])
    with django_assert_max_num_queries(13):
        response = client.get(s.get_absolute_url())
    assert response.content.decode().count('id="contact-') == 20


def test_export_to_excel_and_csv_holds_the_filtered_rows(users, province_a, province_b):
    s = StakeholderFactory(province=province_a, name="Coopérative Azrou", kind="cooperative")
    ContactFactory(stakeholder=s, name="Fatima Zahra", phone="0600000000")
    StakeholderFactory(province=province_a, name="ANAPEC Khénifra", kind="agency")
    StakeholderFactory(province=province_b, name="ANAPEC Figuig", kind="agency")
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
    s = StakeholderFactory(province=province_a, name="DPA Khénifra", kind="sector_department")
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
    s1 = StakeholderFactory(province=province_a, name="A", kind="association")
    s2 = StakeholderFactory(province=province_a, name="B", kind="association")
    contact = ContactFactory(stakeholder=s1, name="X")
    url = reverse("provinces:contact_edit", args=[province_a.code, s2.pk, contact.pk])
    assert client_for(users["agent_a"]).get(url).status_code == 404


# Attachments. Files are made here, small and real: Pillow writes the PDF, PNG and JPEG,
# openpyxl the xlsx; the docx and odt are the smallest packages Word and LibreOffice open.


def png_bytes(size=(8, 8)) -> bytes:
    """A PNG of noise (so that it does not compress to nothing), the same at each call."""
    noise = random.Random(7).randbytes(size[0] * size[1] * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, noise).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


@functools.cache  # one file: Pillow stamps each PDF with the second it was made
def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, "PDF")
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            kind = zipfile.ZIP_STORED if name == stored_first else zipfile.ZIP_DEFLATED
            package.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx_bytes(main_type: str = WORD_MAIN) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/><Override '
                f'PartName="/word/document.xml" ContentType="{main_type}"/></Types>'
            ).encode(),
            "_rels/.rels": (
                b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'officeDocument" Target="word/document.xml"/></Relationships>'
            ),
            "word/document.xml": (
                b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                b'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                b"Compte rendu</w:t></w:r></w:p></w:body></w:document>"
            ),
        }
    )


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["Commune", "Jeunes"])
    workbook.save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    return zip_bytes(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b'<?xml version="1.0" encoding="UTF-8"?><office:document-content/>',
        },
        stored_first="mimetype",
    )


def ole2_bytes(stream: str) -> bytes:
    """The start of a compound file holding a stream of that name (a .doc holds
    "WordDocument", a .xls "Workbook"): the signature, then a directory entry."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
    entry = stream.encode("utf-16-le").ljust(64, b"\0") + bytes(64)
    return header + entry


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(100) + b"PE\0\0"


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height pixels, with next to no data: decoding
    it would claim width × height × 3 bytes of memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(1000)))
        + chunk(b"IEND", b"")
    )


def corrupt(data: bytes, at: int) -> bytes:
    damaged = bytearray(data)
    damaged[at] ^= 0xFF
    return bytes(damaged)


def media_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def upload_url(province, record, content_type=None):
    ct = content_type or ContentType.objects.get_for_model(record)
    return reverse("provinces:attachment_upload", args=[province.code, ct.pk, record.pk])


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def stakeholder(province_a):
    return StakeholderFactory(province=province_a, name="Coopérative", kind="cooperative")


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the test's transaction never commits) when the block
    ends: files are written or removed then, exactly as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_photo_is_attached_and_downloaded_through_the_access_layer(
    users, stakeholder, province_a, after_commit
):
    client = client_for(users["agent_a"])
    photo = SimpleUploadedFile("visite.png", png_bytes(), content_type="image/png")
    with after_commit():
        client.post(
            upload_url(province_a, stakeholder),
            {"file": photo, "title": "Photo du local"},
        )
    attachment = Attachment.objects.get()
    assert attachment.record == stakeholder and attachment.size == len(png_bytes())
    page = client.get(stakeholder.get_absolute_url()).content.decode()
    assert "Photo du local" in page
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes()
    assert client_for(users["agent_b"]).get(attachment.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pv.pdf", pdf_bytes()),
        ("photo.png", png_bytes()),
        # Over FILE_UPLOAD_MAX_MEMORY_SIZE: the upload waits in a temporary file on disk.
        ("grande.png", png_bytes((1000, 1000))),
        ("photo.jpg", jpeg_bytes()),
        ("photo.JPEG", jpeg_bytes()),
        ("rapport.docx", docx_bytes()),
        ("budget.xlsx", xlsx_bytes()),
        ("compte-rendu.odt", odt_bytes()),
        ("ancien.doc", ole2_bytes("WordDocument")),
        ("ancien.xls", ole2_bytes("Workbook")),
        ("liste.csv", "commune;jeunes\nAguelmous;120\nأجلموس;120\n".encode()),
        ("notes.txt", "Réunion du CPDE\r\n".encode("utf-16")),
    ],
)
def test_real_files_are_accepted_and_written_after_commit(
    users, stakeholder, province_a, settings, after_commit, name, content
):
    client = client_for(users["agent_a"])
    with after_commit():
        response = client.post(
            upload_url(province_a, stakeholder),
            {"file": SimpleUploadedFile(name, content)},
            follow=True,
        )
        assert not media_files(settings)  # nothing on disk before the commit
    assert "Fichier joint." in page_text(response)
    attachment = Attachment.objects.get()
    assert attachment.size == len(content)
    (written,) = media_files(settings)
    assert written.name == name and written.read_bytes() == content


REFUSED_TYPE = "Les fichiers de type « exe » ne sont pas acceptés."
NOT_WHAT_IT_SAYS = "Le contenu de ce fichier n'est pas celui d'un fichier « .{} »."
DAMAGED = "Ce fichier image est endommagé ou n'est pas une image."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", EXE, REFUSED_TYPE),
        ("facture.pdf", EXE, NOT_WHAT_IT_SAYS.format("pdf")),
        ("rapport.docx", EXE, NOT_WHAT_IT_SAYS.format("docx")),
        ("notes.txt", EXE, NOT_WHAT_IT_SAYS.format("txt")),
        ("photo.jpg", png_bytes(), NOT_WHAT_IT_SAYS.format("jpg")),
        ("photo.png", b"not an image", DAMAGED),
        ("photo.png", png_bytes((64, 64))[:600], DAMAGED),  # truncated
        ("photo.png", corrupt(png_bytes((64, 64)), 100), DAMAGED),  # a checksum fails
        ("photo.jpg", jpeg_bytes()[:200], DAMAGED),
        ("archive.docx", zip_bytes({"setup.exe": EXE}), NOT_WHAT_IT_SAYS.format("docx")),
        ("budget.docx", xlsx_bytes(), NOT_WHAT_IT_SAYS.format("docx")),
        (
            "macros.docx",
            docx_bytes("application/vnd.ms-word.document.macroEnabled.main+xml"),
            NOT_WHAT_IT_SAYS.format("docx"),
        ),
        ("ancien.xls", ole2_bytes("WordDocument"), NOT_WHAT_IT_SAYS.format("xls")),
        ("tableur.ods", odt_bytes(), NOT_WHAT_IT_SAYS.format("ods")),
        ("vide.pdf", b"", "Le fichier soumis est vide."),
    ],
)
def test_files_whose_content_is_not_what_their_name_says_are_refused(
    users, stakeholder, province_a, settings, after_commit, name, content, message
):
    with after_commit():
        response = client_for(users["agent_a"]).post(
            upload_url(province_a, stakeholder),
            {"file": SimpleUploadedFile(name, content)},
            follow=True,
        )
    assert message in page_text(response)
    assert not Attachment.objects.exists()
    assert not media_files(settings)


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        # Above the limit (64 million pixels): refused from the header, nothing decoded.
        (10_000, 10_000, "Cette image est trop grande : 10 000 × 10 000 pixels ;"),
        # Far above it: Pillow itself stops at the header.
        (40_000, 40_000, "Cette image est trop grande ; la limite est de 64 millions de pixels."),
    ],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_decompression_bomb_is_refused_before_it_is_decoded(
    users, stakeholder, province_a, monkeypatch, width, height, message
):
    def no_decoding(image):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)  # it would say "damaged"
    response = client_for(users["agent_a"]).post(
        upload_url(province_a, stakeholder),
        {"file": SimpleUploadedFile("bombe.png", png_header(width, height))},
        follow=True,
    )
    text = page_text(response).replace("\u202f", " ").replace("\xa0", " ")
    assert message in text
    assert "la limite est de 64 millions de pixels." in text
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("language", "size", "message"),
    [
        ("fr", 1_300_000, "Le fichier fait 1,3 Mo ; la limite est de 1 Mo."),
        # One byte over the limit never reads as the limit itself.
        ("fr", 1024 * 1024 + 1, "Le fichier fait 1,1 Mo ; la limite est de 1 Mo."),
        ("ar", 1_300_000, "حجم الملف 1,3 ميغابايت، والحد الأقصى 1 ميغابايت."),
    ],
)
def test_oversize_message_gives_both_sizes_in_the_users_language(
    users, stakeholder, province_a, settings, language, size, message
):
    settings.MAX_UPLOAD_MB = 1
    response = client_for(users["agent_a"], language).post(
        upload_url(province_a, stakeholder),
        {"file": SimpleUploadedFile("pv.pdf", b"%PDF-1.4\n" + bytes(size - 9))},
        follow=True,
    )
    assert message in page_text(response)
    assert not Attachment.objects.exists()


def test_oversize_message_in_english():
    upload = SimpleUploadedFile("pv.pdf", bytes(12_400_000))
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            check_upload(upload, allowed=["pdf"], max_mb=10, max_pixels=1)
        assert refused.value.messages == ["The file is 11.9 MB; the limit is 10 MB."]


def programme_of(province):
    return province.programme


def cercle_of(province):
    return Cercle.objects.filter(province=province).first()


def commune_of(province):
    return Commune.objects.filter(province=province).first()


@pytest.mark.parametrize("record_of", [lambda p: p, cercle_of, commune_of, programme_of])
def test_hand_made_url_for_a_record_without_a_page_is_refused_and_writes_nothing(
    users, province_a, settings, after_commit, record_of
):
    record = record_of(province_a)
    with after_commit():
        response = client_for(users["agent_a"]).post(
            upload_url(province_a, record),
            {"file": SimpleUploadedFile("visite.png", png_bytes())},
        )
    assert response.status_code == 400
    assert "ne se joignent qu'à un enregistrement qui a sa propre page" in page_text(response)
    assert not Attachment.objects.exists()
    assert not media_files(settings)


def test_hand_made_url_with_an_unknown_kind_of_record_answers_404(users, province_a):
    url = reverse("provinces:attachment_upload", args=[province_a.code, 999_999, 1])
    response = client_for(users["agent_a"]).post(
        url, {"file": SimpleUploadedFile("visite.png", png_bytes())}
    )
    assert response.status_code == 404


def test_the_service_refuses_a_record_without_a_page_whoever_calls_it(users, province_a):
    with pytest.raises(ValidationError) as refused:
        attachment_create(
            record=province_a,
            province=province_a,
            upload=SimpleUploadedFile("visite.png", png_bytes()),
            by=users["admin"],
        )
    assert [e.code for e in refused.value.error_dict[NON_FIELD_ERRORS]] == ["not_attachable"]


def test_the_service_refuses_a_record_of_another_province(users, province_a, province_b):
    elsewhere = StakeholderFactory(province=province_b, name="B", kind="association")
    with pytest.raises(ValidationError) as refused:
        attachment_create(
            record=elsewhere,
            province=province_a,
            upload=SimpleUploadedFile("visite.png", png_bytes()),
            by=users["admin"],
        )
    assert "object_id" in refused.value.message_dict


def test_admin_meets_the_same_rules(users, stakeholder, province_a, settings, after_commit):
    url = reverse("admin:provinces_attachment_add")
    data = {
        "province": province_a.pk,
        "content_type": ContentType.objects.get_for_model(stakeholder).pk,
        "object_id": stakeholder.pk,
        "title": "",
    }
    client = client_for(users["admin"])
    with after_commit():
        refused = client.post(url, {**data, "file": SimpleUploadedFile("facture.pdf", EXE)})
    assert refused.status_code == 200
    assert NOT_WHAT_IT_SAYS.format("pdf") in page_text(refused)
    assert not Attachment.objects.exists() and not media_files(settings)
    with after_commit():
        done = client.post(url, {**data, "file": SimpleUploadedFile("pv.pdf", pdf_bytes())})
    assert done.status_code == 302
    assert Attachment.objects.get().size == len(pdf_bytes())
    assert [p.read_bytes() for p in media_files(settings)] == [pdf_bytes()]


def test_a_file_replaced_in_the_admin_removes_the_old_one_after_commit(
    users, stakeholder, province_a, settings, after_commit
):
    with after_commit():
        attachment = attachment_create(
            record=stakeholder,
            province=province_a,
            upload=SimpleUploadedFile("ancien.png", png_bytes()),
            by=users["admin"],
        )
    url = reverse("admin:provinces_attachment_change", args=[attachment.pk])
    data = {
        "province": province_a.pk,
        "content_type": attachment.content_type_id,
        "object_id": stakeholder.pk,
        "title": "PV signé",
        "opened_version": attachment.version,
        "file": SimpleUploadedFile("pv.pdf", pdf_bytes()),
    }
    with after_commit():
        assert client_for(users["admin"]).post(url, data).status_code == 302
    attachment.refresh_from_db()
    assert attachment.size == len(pdf_bytes()) and attachment.filename == "pv.pdf"
    assert [p.name for p in media_files(settings)] == ["pv.pdf"]


def test_a_database_error_after_the_row_is_written_leaves_no_file(
    users, stakeholder, province_a, settings, after_commit, monkeypatch
):
    saved = Attachment.save

    def save_then_fail(self, *args, **kwargs):
        saved(self, *args, **kwargs)
        raise DatabaseError("forced failure after the INSERT")

    monkeypatch.setattr(Attachment, "save", save_then_fail)
    with after_commit(), pytest.raises(DatabaseError):
        client_for(users["agent_a"]).post(
            upload_url(province_a, stakeholder),
            {"file": SimpleUploadedFile("visite.png", png_bytes())},
        )
    assert not Attachment.objects.exists()
    assert not media_files(settings)


def test_a_transaction_rolled_back_after_the_attachment_leaves_no_file(
    users, stakeholder, province_a, settings, after_commit
):
    with after_commit(), pytest.raises(RuntimeError), transaction.atomic():
        attachment_create(
            record=stakeholder,
            province=province_a,
            upload=SimpleUploadedFile("visite.png", png_bytes()),
            by=users["agent_a"],
        )
        assert Attachment.objects.exists()
        raise RuntimeError("something later in the same transaction failed")
    assert not Attachment.objects.exists()
    assert not media_files(settings)


def test_removing_an_attachment_removes_its_file_after_commit_and_keeps_its_history(
    users, stakeholder, province_a, settings, after_commit
):
    with after_commit():
        attachment = attachment_create(
            record=stakeholder,
            province=province_a,
            upload=SimpleUploadedFile("visite.png", png_bytes()),
            by=users["agent_a"],
        )
    assert len(media_files(settings)) == 1
    url = reverse("provinces:attachment_delete", args=[province_a.code, attachment.pk])
    with after_commit():
        response = client_for(users["agent_a"]).post(url)
        assert len(media_files(settings)) == 1  # still there until the delete commits
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not media_files(settings)
    assert Attachment.history.filter(id=attachment.pk).first().history_type == "-"


def test_a_delete_rolled_back_keeps_the_file(
    users, stakeholder, province_a, settings, after_commit
):
    with after_commit():
        attachment = attachment_create(
            record=stakeholder,
            province=province_a,
            upload=SimpleUploadedFile("visite.png", png_bytes()),
            by=users["agent_a"],
        )
    pk = attachment.pk
    with after_commit(), pytest.raises(RuntimeError), transaction.atomic():
        record_delete(instance=attachment, by=users["agent_a"])
        raise RuntimeError("rolled back")
    assert Attachment.objects.filter(pk=pk).exists()
    assert len(media_files(settings)) == 1


def test_only_records_with_a_page_accept_attachments():
    attachable = {m for m in apps.get_models() if accepts_attachments(m)}
    assert {m.__name__ for m in attachable} == {
        "Stakeholder",
        "ExecutionContract",
        "Activity",
        "FieldVisit",
        "Meeting",
        "Training",
        "FieldObservation",  # a value-chain diagnostic's interviews and focus groups
    }
    assert all(hasattr(m, "get_absolute_url") for m in attachable)


def test_the_panel_is_refused_on_a_record_that_takes_no_attachments(users, province_a):
    request = RequestFactory().get("/")
    request.user = users["admin"]
    panel = Template("{% load attachments %}{% attachments_panel record province %}")
    with pytest.raises(ImproperlyConfigured):
        panel.render(Context({"request": request, "record": province_a, "province": province_a}))


def test_cannot_attach_to_a_record_of_another_province(users, province_a, province_b):
    s = StakeholderFactory(province=province_b, name="Coopérative", kind="cooperative")
    photo = SimpleUploadedFile("visite.png", png_bytes())
    response = client_for(users["agent_a"]).post(upload_url(province_a, s), {"file": photo})
    assert response.status_code == 404


def test_stale_stakeholder_edit_is_refused(users, province_a):
    s = StakeholderFactory(province=province_a, name="Association", kind="association")
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
