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
from safepassage.console.access import console_view
from safepassage.console.flash import flash
from safepassage.console.views.register import account_of, audit_register_view
from safepassage.register.domain import (
    ExportRefused,
    approve_bureau_export,
    open_bureau_export,
    prepare_bureau_export,
    programme_key_that_signed,
    programme_verify_key,
    records_due_for_transmission,
    reject_bureau_export,
    signed_bureau_export,
    verify_key_fingerprint,
    verify_key_pem,
)
from safepassage.register.domain.records import ART17_FIELDS, FIELD_LABELS, missing_art17_fields
from safepassage.register.models import BureauExport
from safepassage.register.rules import get_export_for
from safepassage.register.states import Health, WelfareKind

VERIFY_KEY_FILENAME = "safepassage-signing-key.pem"


def _attachment(data: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_url(export: BureauExport) -> str:
    return reverse("console:register-export", kwargs={"batch": export.number})


def _file_name(export: BureauExport) -> str:
    return f"bureau-export-{export.number}.json"


@console_view(Role.REGISTRAR, Role.SUPERVISOR)
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    """Every batch, what is due now, and the public key the bureau checks signatures with."""
    due = records_due_for_transmission()
    incomplete = sum(1 for record in due if missing_art17_fields(record))
    exports = BureauExport.objects.select_related("prepared_by", "reviewed_by").order_by("-number")
    context = {
        "exports": exports[:100],
        "due": len(due) - incomplete,
        "incomplete": incomplete,
        "fingerprint": verify_key_fingerprint(programme_verify_key()),
        "may_prepare": account_of(request).role == Role.REGISTRAR,
    }
    return render(request, "console/register/exports.html", context)


@console_view(Role.REGISTRAR)
@require_POST
def export_prepare(request: HttpRequest) -> HttpResponse:
    """Cut the next batch; it waits for a supervisor's review."""
    try:
        export = prepare_bureau_export(by=account_of(request))
    except ExportRefused as error:
        flash(request, str(error), level="error")
        return HttpResponseRedirect(reverse("console:register-exports"))
    flash(
        request,
        _("Batch %(number)d is ready for a supervisor's review.") % {"number": export.number},
        level="success",
    )
    return HttpResponseRedirect(_export_url(export))


def _kind_label(kind: str) -> str:
    return str(WelfareKind(kind).label) if kind in WelfareKind.values else kind


def _review_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The batch's records as table rows for the reviewer (labels translated)."""
    rows = []
    for entry in document.get("records", []):
        health = entry.get("health", "")
        rows.append(
            {
                "number": entry.get("register_number", ""),
                "identity": entry.get("identity", {}),
                "internment": entry.get("internment", {}),
                "health": Health(health).label if health in Health.values else health,
                "events": [
                    {**event, "kind": _kind_label(event.get("kind", ""))}
                    for event in entry.get("events", [])
                ],
            }
        )
    return rows


@console_view(Role.REGISTRAR, Role.SUPERVISOR)
@require_GET
def export_detail(request: HttpRequest, batch: int) -> HttpResponse:
    """The batch exactly as it will be sent (review table and the raw file)."""
    account = account_of(request)
    export = get_export_for(account, batch)
    payload = open_bureau_export(export)
    document = json.loads(payload)
    audit_register_view(account, "bureau_export", f"batch-{export.number}")
    held_back = [
        {
            "record": item["record"],
            "missing": ", ".join(str(FIELD_LABELS[f]) for f in item["missing"]),
        }
        for item in export.items.get("held_back", [])
    ]
    context = {
        "export": export,
        "rows": _review_rows(document),
        "raw": payload.decode("utf-8"),
        "held_back": held_back,
        "may_review": account.role == Role.SUPERVISOR and export.status == "pending",
        "identity_labels": [FIELD_LABELS[f] for f in ART17_FIELDS],
    }
    return render(request, "console/register/export.html", context)


@console_view(Role.SUPERVISOR)
@require_POST
def export_approve(request: HttpRequest, batch: int) -> HttpResponse:
    """Approve and sign the batch the supervisor reviewed."""
    account = account_of(request)
    export = get_export_for(account, batch)
    try:
        approve_bureau_export(export, by=account)
    except ExportRefused as error:
        flash(request, str(error), level="error")
    else:
        flash(
            request,
            _("Batch %(number)d is approved and signed; download it for the information bureau.")
            % {"number": export.number},
            level="success",
        )
    return HttpResponseRedirect(_export_url(export))


@console_view(Role.SUPERVISOR)
@require_POST
def export_reject(request: HttpRequest, batch: int) -> HttpResponse:
    """Reject the batch: nothing is sent and everything in it stays due."""
    account = account_of(request)
    export = get_export_for(account, batch)
    try:
        reject_bureau_export(export, by=account)
    except ExportRefused as error:
        flash(request, str(error), level="error")
    else:
        flash(
            request,
            _("Batch %(number)d is rejected; its records stay due for the next batch.")
            % {"number": export.number},
            level="info",
        )
    return HttpResponseRedirect(_export_url(export))


def _signed(request: HttpRequest, batch: int) -> tuple[BureauExport, bytes, bytes] | HttpResponse:
    account = account_of(request)
    export = get_export_for(account, batch)
    try:
        payload, signature = signed_bureau_export(export)
    except ExportRefused as error:
        flash(request, str(error), level="error")
        return HttpResponseRedirect(_export_url(export))
    audit_register_view(account, "bureau_export_download", f"batch-{export.number}")
    return export, payload, signature


@console_view(Role.REGISTRAR, Role.SUPERVISOR)
@require_GET
def export_file(request: HttpRequest, batch: int) -> HttpResponse:
    """An approved batch's JSON file, byte for byte as signed."""
    result = _signed(request, batch)
    if isinstance(result, HttpResponse):
        return result
    export, payload, _signature = result
    return _attachment(payload, _file_name(export), "application/json; charset=utf-8")


@console_view(Role.REGISTRAR, Role.SUPERVISOR)
@require_GET
def export_signature(request: HttpRequest, batch: int) -> HttpResponse:
    """The batch's detached Ed25519 signature (64 raw bytes, as OpenSSL expects)."""
    result = _signed(request, batch)
    if isinstance(result, HttpResponse):
        return result
    export, _payload, signature = result
    return _attachment(signature, _file_name(export) + ".sig", "application/octet-stream")


@console_view(Role.REGISTRAR, Role.SUPERVISOR)
@require_GET
def verify_key(request: HttpRequest) -> HttpResponse:
    """The programme's public signing key (PEM), for whoever checks the batches.

    With ``?batch=N``: the key that signed that batch, which for a batch approved before
    a signing-key rotation is the retired key (still published), not the current one.
    """
    key = programme_verify_key()
    batch = request.GET.get("batch", "")
    if batch.isascii() and batch.isdigit() and len(batch) < 10:
        export = get_export_for(account_of(request), int(batch))
        if export.signature:
            payload = open_bureau_export(export)
            key = programme_key_that_signed(payload, bytes(export.signature)) or key
    return _attachment(verify_key_pem(key), VERIFY_KEY_FILENAME, "application/x-pem-file")
