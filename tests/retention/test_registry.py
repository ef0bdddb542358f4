"""Every sealed column is either a case's (under its key) or named here with a reason."""

from __future__ import annotations

from django.apps import apps

from safepassage.crypto.fields import SealedField
from safepassage.retention.registry import OWNED

# Sealed columns that do not belong to one case, and why they are not under a case key.
NOT_CASE_VALUES = {
    # Programme secrets, not a person's data.
    "channels.ChannelInstance": "provider credentials and webhook keys",
    "accounts.Account": "staff TOTP secrets",
    # The case keys themselves, sealed to the programme key (re-wrapped on rotation).
    "casekeys.CaseKey": "the root of the case key hierarchy",
    # Sealed by the intake, which holds no case key; deleted once processed (housekeeping).
    "envelopes.InboundEnvelope": "body cleared when processed, row deleted at the next run",
    # Sealed by the intake (no case key there): a form token's receipt, kept 30 minutes so
    # a reload shows the same number, then deleted (intake.form_tokens).
    "intake.SentForm": "reload-safe form token, deleted after 30 minutes",
    # One export covers many people; kept as the programme's record of what it sent to
    # the national information bureau (documented in docs/decisions.md, issue 13).
    "register.BureauExport": "signed multi-person export",
}


def test_every_sealed_column_is_accounted_for() -> None:
    owned = {entry.model._meta.label: set(entry.fields) for entry in OWNED}
    for model in apps.get_models():
        sealed = {f.name for f in model._meta.get_fields() if isinstance(f, SealedField)}
        if not sealed:
            continue
        label = model._meta.label
        if label in NOT_CASE_VALUES:
            continue
        assert label in owned, f"{label} has sealed columns but no case-key registration"
        assert sealed == owned[label], f"{label}: registered {owned[label]}, has {sealed}"
