"""Supervisors merge two cases of one person, after comparing them side by side, and
can undo a merge from either case's history."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.models import Account, Role
from safepassage.cases.domain import CaseError, merge_cases, open_identity, undo_merge
from safepassage.cases.domain.search import normalise_reference
from safepassage.cases.models import Case, Merge
from safepassage.cases.rules import CaseAction
from safepassage.console.access import audit_view, console_view, current_account, get_case_for
from safepassage.console.flash import flash
from safepassage.console.forms.cases import MergeForm
from safepassage.console.forms.common import language_name
from safepassage.console.views.cases import case_url
from safepassage.console.views.workspace import render_workspace


def _summary(case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "identity": open_identity(case),
        "language_name": language_name(case.language),
        "messages": case.messages.count(),
        "contacts": case.contacts.count(),
        "notes": case.notes.count(),
    }


def _other_case(account: Account, form: MergeForm) -> Case | None:
    try:
        return get_case_for(
            account, normalise_reference(form.cleaned_data["other"]), action=CaseAction.MERGE
        )
    except Http404:
        form.add_error("other", _("There is no case with this reference."))
        return None


@console_view(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def case_merge(request: HttpRequest, reference: str) -> HttpResponse:
    """GET: compare this case with the duplicate named in ``other``; POST: merge it in.

    The case in the URL is kept; the other one is closed as a duplicate and its
    messages, contacts and notes move here.
    """
    account = current_account(request)
    assert account is not None
    case = get_case_for(account, reference, action=CaseAction.MERGE)
    form = MergeForm(request.POST if request.method == "POST" else request.GET)
    other = _other_case(account, form) if form.is_valid() else None
    if other is not None and other.pk == case.pk:
        form.add_error("other", _("A case cannot be merged into itself."))
        other = None
    if other is None:
        return render_workspace(request, account, case, bound={"merge": form}, status=400)
    if request.method == "POST":
        try:
            merge_cases(keep=case, absorb=other, by=account)
        except CaseError as error:
            form.add_error("other", str(error))
            return render_workspace(request, account, case, bound={"merge": form}, status=400)
        flash(
            request,
            _("Case %(other)s was merged into %(reference)s.")
            % {"other": other.reference, "reference": case.reference},
            level="success",
        )
        return HttpResponseRedirect(case_url(case, "merges"))
    audit_view(account, case, "merge-preview")
    audit_view(account, other, "merge-preview")
    return render(
        request,
        "console/cases/merge_preview.html",
        {"kept": _summary(case), "absorbed": _summary(other), "other": other.reference},
    )


@console_view(Role.SUPERVISOR)
@require_POST
def merge_undo(request: HttpRequest, reference: str, merge_id: int) -> HttpResponse:
    """Undo a merge listed in this case's history (kept or absorbed side)."""
    account = current_account(request)
    assert account is not None
    case = get_case_for(account, reference, action=CaseAction.MERGE)
    merge = Merge.objects.filter(Q(kept=case) | Q(absorbed=case), pk=merge_id).first()
    if merge is None:
        raise Http404("No such merge.")
    try:
        undo_merge(merge, by=account)
    except CaseError as error:
        flash(request, str(error), level="error")
    else:
        flash(
            request,
            _("The merge was undone: %(absorbed)s is a case of its own again.")
            % {"absorbed": merge.absorbed.reference},
            level="success",
        )
    return HttpResponseRedirect(case_url(case, "merges"))
