"""A processed envelope's body may be NULL: the worker clears it (issue 12, receipts
are forgotten).  Envelopes processed before this migration are cleared too."""

from typing import Any

from django.db import migrations

import safepassage.crypto.fields


def clear_processed_bodies(apps: Any, _schema_editor: Any) -> None:
    """Forget the bodies (and receipts) of envelopes the worker has already handled."""
    envelope = apps.get_model("envelopes", "InboundEnvelope")
    envelope.objects.filter(status="processed").update(body=None)


class Migration(migrations.Migration):
    dependencies = [
        ("envelopes", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inboundenvelope",
            name="body",
            field=safepassage.crypto.fields.SealedField(null=True),
        ),
        migrations.RunPython(clear_processed_bodies, migrations.RunPython.noop),
    ]
