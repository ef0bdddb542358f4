"""Helpers shared by the account-management verbs: name rules, languages, audit."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from safepassage.accounts.domain.errors import AccountError
from safepassage.accounts.models import Account
from safepassage.audit.chain import record_event

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


def case_languages() -> list[str]:
    """Language codes a case (and so an operator) can have: the public languages."""
    return [code for code, _name in settings.PUBLIC_LANGUAGES]


def clean_languages(languages: list[str]) -> list[str]:
    """The known codes among ``languages`` in the programme's order; AccountError if any
    is unknown."""
    known = case_languages()
    if any(code not in known for code in languages):
        raise AccountError(_("Unknown language code."))
    return [code for code in known if code in languages]


def audit_account(
    action: str, *, by: Account | None, account: Account, detail: dict[str, Any] | None = None
) -> None:
    """One audit event about ``account`` (identifiers and codes only in ``detail``)."""
    record_event(
        action, actor=by, object_type="account", object_ref=account.username, detail=detail
    )
