"""Stakeholders and contacts are listed in dictionary order ("Délégation" before "Division")."""

import targa.core.ordering
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("provinces", "0007_attachment_file_after_commit")]

    operations = [
        migrations.AlterModelOptions(
            name="contact",
            options={
                "ordering": [targa.core.ordering.Natural("name"), "id"],
                "verbose_name": "contact",
                "verbose_name_plural": "contacts",
            },
        ),
        migrations.AlterModelOptions(
            name="stakeholder",
            options={
                "ordering": [targa.core.ordering.Natural("name"), "id"],
                "verbose_name": "stakeholder",
                "verbose_name_plural": "stakeholders",
            },
        ),
    ]
