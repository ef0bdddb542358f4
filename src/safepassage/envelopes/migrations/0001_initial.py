# The model moved here from the intake app; its table stays as it was, so this
# migration changes Django's state only.

import safepassage.crypto.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("intake", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InboundEnvelope",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("web_submission", "Website form"),
                                    ("web_followup", "Website follow-up"),
                                    ("provider_webhook", "Messenger webhook"),
                                    ("hotline_call", "Hotline call log"),
                                ],
                                max_length=24,
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("web", "Website"),
                                    ("telegram", "Telegram"),
                                    ("whatsapp", "WhatsApp"),
                                    ("sms", "SMS"),
                                    ("hotline", "Hotline"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("received_at", models.DateTimeField(db_index=True)),
                        ("body", safepassage.crypto.fields.SealedField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("processed", "Processed"),
                                    ("failed", "Failed"),
                                    ("skipped", "Skipped (flood)"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("processed_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("retry_at", models.DateTimeField(blank=True, null=True)),
                        ("error_code", models.CharField(blank=True, max_length=64)),
                    ],
                    options={
                        "db_table": "intake_inboundenvelope",
                        "ordering": ["id"],
                        "indexes": [
                            models.Index(
                                fields=["status", "id"], name="intake_inbo_status_6389bf_idx"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
