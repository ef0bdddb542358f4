# InboundEnvelope moved from the intake app to the envelopes app (same table): the
# foreign key's target changes in Django's state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_queue_index_for_sqlite"),
        ("envelopes", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="message",
                    name="envelope",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="envelopes.inboundenvelope",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
