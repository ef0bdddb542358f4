"""Supervisor: retention rules, what each would purge now, legal holds, purge requests.

The page shows counts and case references only: never a name or a message.  Changing a
case's hold or bringing its purge forward is a POST that redirects back with a notice;
both are audited by ``retention.holds``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.models import Account, Role
from safepassage.cases.models import Case
from safepassage.cases.rules import CaseAction
from safepassage.console.access import console_view, current_account, get_case_for
from safepassage.console.flash import flash
from safepassage.retention.holds import (
    RetentionRefused,
    bring_purge_forward,
    set_legal_hold,
    status_of,
)
from safepassage.retention.rules import summaries

RULE_LABELS = {
    "no_contact": gettext_lazy("Closed without ever being answered"),
    "withdrawn": gettext_lazy("Closed: withdrawn"),
    "unreachable": gettext_lazy("Closed: unreachable"),
    "ineligible": gettext_lazy("Closed: ineligible"),
    "provocation": gettext_lazy("Closed: suspected provocation"),
    "duplicate": gettext_lazy("Merged away as a duplicate"),
    "surrendered": gettext_lazy("Surrendered: conversation once the register record is closed"),
    "register": gettext_lazy("Register record after release or repatriation"),
    "brought_forward": gettext_lazy("Purge brought forward by a supervisor"),
}


def _account(request: HttpRequest) -> Account:
    account = current_account(request)
    assert account is not None
    return account


def _back(reference: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('console:retention')}?{urlencode({'case': reference})}")


@console_view(Role.SUPERVISOR)
@require_GET
def retention_overview(request: HttpRequest) -> HttpResponse:
    """The rules with their periods and due counts, and one case's retention status."""
    wanted = request.GET.get("case", "").strip().upper()
    case = Case.objects.filter(reference=wanted).first() if wanted else None
    rules = [{"summary": line, "label": RULE_LABELS[line.rule]} for line in summaries()]
    context = {
        "rules": rules,
        "wanted": wanted,
        "status": status_of(case) if case is not None else None,
        "not_found": bool(wanted) and case is None,
    }
    return render(request, "console/retention/overview.html", context)


@console_view(Role.SUPERVISOR)
@require_POST
def retention_hold(request: HttpRequest, reference: str) -> HttpResponse:
    """Set (``hold=1``) or lift (``hold=0``) a case's legal hold."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.VIEW)
    hold = request.POST.get("hold") == "1"
    try:
        set_legal_hold(case, hold=hold, by=account)
    except RetentionRefused as refusal:
        flash(request, str(refusal), level="error")
        return _back(case.reference)
    message = (
        _("Case %(reference)s is under a legal hold and will not be purged.")
        if hold
        else _("The legal hold on case %(reference)s was lifted.")
    )
    flash(request, message % {"reference": case.reference}, level="success")
    return _back(case.reference)


@console_view(Role.SUPERVISOR)
@require_POST
def retention_purge_forward(request: HttpRequest, reference: str) -> HttpResponse:
    """Have the worker purge this case at its next run, whatever the rule's period."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.VIEW)
    try:
        bring_purge_forward(case, by=account)
    except RetentionRefused as refusal:
        flash(request, str(refusal), level="error")
        return _back(case.reference)
    flash(
        request,
        _("Case %(reference)s will be purged at the worker's next retention run.")
        % {"reference": case.reference},
        level="success",
    )
    return _back(case.reference)
