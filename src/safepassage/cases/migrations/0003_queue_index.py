# Generated for the console's language queues.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_console_workspace"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("state__in", ["new", "engaged", "verified", "planning"])),
                fields=["language", "assigned_to", "waiting_since"],
                name="case_open_queue",
            ),
        ),
    ]
