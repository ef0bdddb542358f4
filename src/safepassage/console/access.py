"""Default-deny access control for the console.

Every console view is wrapped by :func:`console_view` (naming the roles that may open
it) or marked :func:`console_public` (the sign-in pages).  The authorisation-matrix test
walks the console URLconf and fails on any view that carries neither mark, so a new view
cannot be added without a rule.

Cases are fetched only through :func:`get_case_for`, which applies the one rule of
``cases.rules`` and answers "not found" in the same way whether the case does not exist
or the account may not touch it, so a forged or guessed reference learns nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from safepassage.accounts.models import Account, Role
from safepassage.accounts.sessions import is_verified_session
from safepassage.audit.chain import record_event
from safepassage.cases.models import Case
from safepassage.cases.rules import CaseAction, may, visible_cases

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

View = TypeVar("View", bound=Callable[..., HttpResponse])

ALL_ROLES = frozenset(Role.values)


def sign_in_redirect(request: HttpRequest) -> HttpResponse:
    """Send an anonymous (or no longer verified) request to the sign-in page.

    Only the path travels in ``next``, never the query string: a search form's query
    could hold a name, and the sign-in URL ends up in browser history.  An htmx request
    (a polling queue, say) gets an ``HX-Redirect`` so the whole page moves, instead of
    the sign-in form being swapped into a fragment.
    """
    target = reverse("console:sign-in") + "?" + urlencode({"next": request.path})
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=401)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


def forbidden(request: HttpRequest) -> HttpResponse:
    """The 403 page: says the role may not open this page and shows nothing else."""
    return render(request, "console/forbidden.html", status=403)


def current_account(request: HttpRequest) -> Account | None:
    """The signed-in, fully verified (password + second factor) account, or None."""
    user: Account | AnonymousUser = request.user
    if not isinstance(user, Account) or not user.is_authenticated or not user.is_active:
        return None
    if not is_verified_session(request.session, user):
        return None
    return user


def console_view(*roles: str) -> Callable[[View], View]:
    """Declare which roles may open a console view; every other role is refused.

    Anonymous (or half-signed-in) requests are redirected to the sign-in page; a signed-in
    account with another role gets a 403 page that shows no content.  An account that must
    still replace its initial password is sent to the password page first.  The decorated
    view carries ``console_roles`` (a frozenset) for the authorisation-matrix test.
    """
    unknown = set(roles) - ALL_ROLES
    if unknown or not roles:
        raise ValueError(f"console_view needs known roles, got {sorted(roles)}")
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            account = current_account(request)
            if account is None:
                return sign_in_redirect(request)
            # Read at call time: the flag is set on this wrapper after decoration.
            if account.must_change_password and not getattr(
                wrapper, "console_allows_password_pending", False
            ):
                return HttpResponseRedirect(reverse("console:password"))
            if account.role not in allowed:
                return forbidden(request)
            return view(request, *args, **kwargs)

        wrapper.console_roles = allowed  # type: ignore[attr-defined]
        return cast(View, wrapper)

    return decorate


def console_public(view: View) -> View:
    """Mark a view that anonymous visitors may open (the sign-in steps, the language
    switch).  Such a view must show nothing from the database to an anonymous visitor."""
    view.console_public = True  # type: ignore[attr-defined]
    return view


def get_case_for(user: Account, reference: str, *, action: CaseAction) -> Case:
    """The only way a console view gets a case (through ``cases.rules``).

    Raises ``Http404`` — the same response whether the reference is unknown, malformed
    or belongs to a case the account may not ``action`` — so probing references tells
    nothing.  The exception carries no reference (it may reach a log line).
    """
    action = CaseAction(action)
    normalised = reference.strip().upper()
    case = (
        visible_cases(user)
        .select_related("assigned_to", "campaign")
        .filter(reference=normalised)
        .first()
    )
    if case is None or not may(user, action):
        raise Http404("No such case.")
    return case


def audit_view(user: Account, case: Case, what: str) -> None:
    """Record that ``user`` looked at personal data of ``case``.

    ``what`` names the part viewed (``"conversation"``, ``"identity"``, ``"export"``…);
    it must be a code, never personal data.  Side effect: one ``case.viewed`` audit event.
    """
    record_event(
        "case.viewed",
        actor=user,
        object_type="case",
        object_ref=case.reference,
        detail={"what": what},
    )
