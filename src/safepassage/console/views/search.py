"""Case search: by reference, by exact identity (blind indexes), by case facts.

The form is posted, not sent in the URL, so a typed name never lands in browser
history or a proxy log.  Results show references and case facts only, nothing opened,
and are paged without a total count (a count over a million cases costs more than
the page).  A search by identity writes an audit event naming the criteria used.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts.models import Role
from safepassage.audit.chain import record_event
from safepassage.cases.domain import CaseError
from safepassage.cases.domain.search import search_cases
from safepassage.cases.rules import visible_cases
from safepassage.console.access import console_view, current_account
from safepassage.console.forms.search import SearchForm
from safepassage.console.views.queue import queue_languages

PAGE_SIZE = 50


@console_view(Role.OPERATOR, Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The search form and, after a POST, one page of matching cases, newest first."""
    account = current_account(request)
    assert account is not None
    languages = queue_languages(account)
    form = SearchForm(request.POST if request.method == "POST" else None, languages=languages)
    context: dict[str, object] = {"form": form, "searched": False}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            criteria = form.criteria()
            if criteria.is_empty():
                form.add_error(None, _("Give at least one thing to search by."))
                status = 400
            else:
                page = form.cleaned_data.get("page") or 1
                try:
                    found = search_cases(criteria, within=visible_cases(account))
                    start = (page - 1) * PAGE_SIZE
                    rows = list(
                        found.select_related("campaign", "assigned_to", "merged_into")[
                            start : start + PAGE_SIZE + 1
                        ]
                    )
                except CaseError as error:
                    form.add_error(None, str(error))
                    status = 400
                else:
                    if criteria.identity_criteria():
                        record_event(
                            "case.searched",
                            actor=account,
                            object_type="search",
                            detail={
                                "criteria": criteria.identity_criteria(),
                                "results_on_page": min(len(rows), PAGE_SIZE),
                            },
                        )
                    context.update(
                        searched=True,
                        results=rows[:PAGE_SIZE],
                        page=page,
                        has_next=len(rows) > PAGE_SIZE,
                    )
        else:
            status = 400
    return render(request, "console/search/search.html", context, status=status)
