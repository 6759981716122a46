"""Run in a subprocess by tests/test_backup.py, against the database of its DATABASE_URL:
`python -m tests.backup_support seed|more|snapshot`. Data goes through the real services, so
history rows, workflow logs and attachment files are there as in production."""

import hashlib
import io
import json
import sys
from pathlib import Path


def _users():
    from provinces.models import Membership, Province, ProvinceProgramme, Role
    from targa.core.models import User
    from targa.core.records import record_create

    province = Province.objects.get(code="05.301")
    admin = User.objects.create_user(username="admin.backup", email="admin.backup@example.org")
    Membership.objects.create(user=admin, role=Role.ADMIN)
    record_create(instance=ProvinceProgramme(province=province, operator="TARGA-AIDE"), by=admin)
    coord = User.objects.create_user(username="coord.backup", first_name="Salma")
    role = Membership(user=coord, province=province, role=Role.COORDINATOR)
    record_create(instance=role, by=admin)
    return province, admin, coord


def _attach(record, province, by, name: str, content: bytes, title: str):
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    from provinces.models import Attachment
    from targa.core.records import record_create

    item = Attachment(
        province=province,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        title=title,
        size=len(content),
    )
    item.file.save(name, ContentFile(content), save=False)
    return record_create(instance=item, by=by).instance


def seed() -> None:
    """Territories, two users, CPDE members and a meeting with recommendations moved through
    their workflow, a stakeholder edited then deleted, and three attached files."""
    from PIL import Image

    from cpde.models import Recommendation
    from cpde.services import recommendation_close, recommendation_update_status
    from provinces.models import Stakeholder
    from provinces.territories import load_territories
    from targa.core.records import record_create, record_delete, record_update
    from tests.cpde_support import days
    from tests.factories import CommitteeMemberFactory, MeetingFactory, RecommendationFactory

    load_territories()
    province, admin, coord = _users()
    president = CommitteeMemberFactory(
        province=province, by=coord, name="Fatima Zahra Alaoui", role="president"
    )
    CommitteeMemberFactory(province=province, by=coord, name="Youssef Amrani", sex="M")
    president.phone = "+212 600 000 000"
    record_update(instance=president, expected_version=president.version, by=coord)
    held = MeetingFactory(province=province, by=coord, place="Siège de la Province")
    first = RecommendationFactory(
        meeting=held, by=coord, text="Relancer la DPA.", due_date=days(20)
    )
    second = RecommendationFactory(
        meeting=held, by=coord, text="تنظيم ورشة مع التعاونيات", due_date=days(40)
    )
    first = recommendation_update_status(
        recommendation=first,
        status=Recommendation.Status.IN_PROGRESS,
        by=coord,
        expected_version=first.version,
        note="Courrier envoyé.",
    )
    recommendation_close(
        recommendation=second, outcome="done", by=coord, expected_version=second.version
    )
    association = record_create(
        instance=Stakeholder(province=province, name="Association Atlas", kind="association"),
        by=coord,
    ).instance
    gone = record_create(
        instance=Stakeholder(province=province, name="Coopérative Tighza", kind="cooperative"),
        by=coord,
    ).instance
    gone.acronym = "CT"
    record_update(instance=gone, expected_version=gone.version, by=coord)
    record_delete(instance=gone, by=coord)

    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(photo, format="PNG")
    _attach(association, province, coord, "visite.png", photo.getvalue(), "Photo de la visite")
    _attach(held, province, coord, "محضر الاجتماع.pdf", b"%PDF-1.4 pv\n" * 500, "PV")
    _attach(association, province, coord, "statuts.txt", "Statuts – été 2026\n".encode(), "")


def more() -> None:
    """One more record: made after a backup, a restore removes it; made after a restore, it
    takes the next id (the sequences came back with the rows)."""
    from provinces.models import Province, Stakeholder
    from targa.core.models import User
    from targa.core.records import record_create

    record_create(
        instance=Stakeholder(
            province=Province.objects.get(code="05.301"), name="Après restauration", kind="other"
        ),
        by=User.objects.get(username="coord.backup"),
    )


def _cell(value):
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    return value if isinstance(value, str | int | float | type(None)) else str(value)


def snapshot() -> dict:
    """Every model's row count and a digest of all its rows; every media file's digest."""
    from django.apps import apps
    from django.conf import settings

    rows = {}
    for model in apps.get_models(include_auto_created=True):
        fields = [f.attname for f in model._meta.concrete_fields]
        values = [
            [_cell(v) for v in row]
            for row in model._base_manager.order_by("pk").values_list(*fields)
        ]
        digest = hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()
        rows[model._meta.label] = [len(values), digest]
    media = Path(settings.MEDIA_ROOT)
    files = {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }
    return {"rows": rows, "files": files}


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "targa.settings")
    django.setup()
    command = sys.argv[1]
    if command == "snapshot":
        print(json.dumps(snapshot()))
    else:
        {"seed": seed, "more": more}[command]()
