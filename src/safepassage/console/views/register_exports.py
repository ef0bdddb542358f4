"""Information-bureau batches in the console: a registrar prepares, a supervisor reviews
the exact file and approves (signs) or rejects it; both may download an approved batch,
its detached signature and the programme's public signing key to check it with."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.models import Role
from safepassage.console.flash import flash
from safepassage.console.views.register import _account, audit_register_view
from safepassage.register.access import get_export_for
from safepassage.register.domain import (
    ExportRefused,
    approve_bureau_export,
    open_bureau_export,
    prepare_bureau_export,
    programme_verify_key,
    records_due_for_transmission,
    reject_bureau_export,
    signed_bureau_export,
    verify_key_fingerprint,
    verify_key_pem,
)
from safepassage.register.domain.records import FIELD_LABELS, missing_art17_fields
from safepassage.register.models import BureauExport
from safepassage.register.states import ExportStatus, Wish

_EXPORT_ROLES = (Role.REGISTRAR, Role.SUPERVISOR)


def _attachment(data: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_url(export: BureauExport) -> str:
    return reverse("console:register-export", kwargs={"batch": export.number})


@console_view_roles := None  # placeholder removed below
