# The partial queue index is replaced by a full one that SQLite's planner can use.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_queue_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="case_open_queue",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["language", "assigned_to", "state", "waiting_since"], name="case_queue"
            ),
        ),
    ]
