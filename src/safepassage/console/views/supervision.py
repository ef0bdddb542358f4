"""The supervisor's view (shift coverage, first-response times) and canned replies.

Nothing here opens personal data: coverage and timings are counts, durations and case
references.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepassage.accounts.models import Role
from safepassage.cases.domain import CaseError, save_canned_reply
from safepassage.cases.domain.metrics import first_response_stats, shift_coverage
from safepassage.cases.models import CannedReply
from safepassage.console.access import console_view, current_account
from safepassage.console.flash import flash
from safepassage.console.forms.canned import CannedReplyForm
from safepassage.console.forms.common import language_choices, language_name

WINDOWS = {"1": 1, "7": 7, "30": 30}
DEFAULT_WINDOW = "7"


@console_view(Role.SUPERVISOR)
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    """Who is on shift, uncovered language queues, and time to first response."""
    window = request.GET.get("days", DEFAULT_WINDOW)
    if window not in WINDOWS:
        window = DEFAULT_WINDOW
    since = timezone.now() - datetime.timedelta(days=WINDOWS[window])
    coverage = shift_coverage([code for code, _name in language_choices()])
    stats = first_response_stats(since=since)
    return render(
        request,
        "console/supervision/supervision.html",
        {
            "coverage": coverage,
            "languages": [
                {"row": row, "name": language_name(row.language)} for row in coverage.languages
            ],
            "alerts": [language_name(row.language) for row in coverage.alerts],
            "stats": stats,
            "window": window,
            "windows": list(WINDOWS),
        },
    )


@console_view(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def canned_list(request: HttpRequest) -> HttpResponse:
    """All canned replies by language, and a form to add one."""
    account = current_account(request)
    assert account is not None
    form = CannedReplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save_canned_reply(by=account, **form.cleaned_data)
            except CaseError as error:
                form.add_error(None, str(error))
            else:
                flash(request, _("Canned reply saved."), level="success")
                return HttpResponseRedirect(reverse("console:canned"))
        status = 400
    replies = CannedReply.objects.order_by("language", "title")
    return render(
        request,
        "console/supervision/canned_list.html",
        {"form": form, "replies": replies},
        status=status,
    )


@console_view(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def canned_edit(request: HttpRequest, canned_id: int) -> HttpResponse:
    """Change a canned reply's text or retire it (it is kept, not deleted)."""
    account = current_account(request)
    assert account is not None
    reply = CannedReply.objects.filter(pk=canned_id).first()
    if reply is None:
        raise Http404("No such canned reply.")
    initial = {
        "language": reply.language,
        "title": reply.title,
        "body": reply.body,
        "is_active": reply.is_active,
    }
    form = CannedReplyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save_canned_reply(by=account, reply=reply, **form.cleaned_data)
            except CaseError as error:
                form.add_error(None, str(error))
            else:
                flash(request, _("Canned reply saved."), level="success")
                return HttpResponseRedirect(reverse("console:canned"))
        status = 400
    return render(
        request,
        "console/supervision/canned_edit.html",
        {"form": form, "reply": reply},
        status=status,
    )
