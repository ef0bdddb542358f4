# InboundEnvelope moved to the envelopes app (same table): removed from this app's
# state only, after the foreign key pointing at it moved too.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        ("cases", "0005_envelope_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="InboundEnvelope")],
            database_operations=[],
        ),
    ]
