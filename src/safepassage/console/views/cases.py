"""The case workspace and everything posted from it.

Each POST view fetches the case through ``get_case_for`` with the action it performs,
validates its form, calls one domain function and redirects back (post/redirect/get).
A refused or stale submission re-renders the workspace with the submitted form bound,
so nothing typed is lost, and a message that names no personal data.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.models import Account, Role
from safepassage.cases.domain import (
    CaseError,
    IdentityUpdate,
    StaleCase,
    add_note,
    add_relative_contact,
    assign_case,
    claim_case,
    post_reply,
    release_case,
    set_media_consent,
    transition_case,
    update_identity,
)
from safepassage.cases.domain.identity import IDENTITY_FIELDS
from safepassage.cases.models import Case, Message, Note
from safepassage.cases.rules import CaseAction
from safepassage.cases.states import CaseState, allowed_targets
from safepassage.console.access import console_view, current_account, get_case_for
from safepassage.console.flash import flash
from safepassage.console.forms.cases import (
    AssignForm,
    IdentityForm,
    MediaConsentForm,
    NoteForm,
    RelativeForm,
    ReplyForm,
    TransitionForm,
    VersionOnlyForm,
)
from safepassage.console.views.workspace import assign_candidates, render_workspace

CASE_ROLES = (Role.OPERATOR, Role.SUPERVISOR)


def _account(request: HttpRequest) -> Account:
    account = current_account(request)
    assert account is not None  # console_view let the request through
    return account


def case_url(case: Case, anchor: str = "") -> str:
    """The workspace URL of ``case``, optionally at an anchor (``#reply``)."""
    url = reverse("console:case", args=[case.reference])
    return f"{url}#{anchor}" if anchor else url


def stale_message(case: Case) -> str:
    """What a stale form is told (the case moved on; nothing was changed)."""
    return _(
        "Case %(reference)s changed while you were working on it (it is now %(state)s). "
        "Nothing was changed; check the page and submit again."
    ) % {"reference": case.reference, "state": CaseState(case.state).label}


def _refused(
    request: HttpRequest,
    account: Account,
    reference: str,
    *,
    name: str,
    form: forms.Form,
    error: CaseError | None = None,
) -> HttpResponse:
    """Re-render the workspace with ``form`` bound (and the error), fetched afresh."""
    case = get_case_for(account, reference, action=CaseAction.VIEW)
    if isinstance(error, StaleCase):
        return render_workspace(request, account, case, errors=[stale_message(case)], status=409)
    errors = [str(error)] if error is not None else []
    return render_workspace(request, account, case, bound={name: form}, errors=errors, status=400)


def _idempotency_key(kind: str, case: Case, account: Account, token: str) -> str:
    # Scoped to case and author, so a token copied into another case's form cannot
    # point at someone else's message.
    return f"{kind}:{case.pk}:{account.pk}:{token}"


@console_view(Role.OPERATOR, Role.SUPERVISOR, Role.REGISTRAR)
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The workspace: conversation, identity, contacts and what the account may do."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.VIEW)
    return render_workspace(request, account, case)


@console_view(*CASE_ROLES)
@require_POST
def case_reply(request: HttpRequest, reference: str) -> HttpResponse:
    """Send a reply through the chosen contact's channel.

    An operator answering a case nobody works takes it, so two colleagues do not answer
    the same person.  A form submitted twice stores (and sends) one reply.
    """
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.REPLY)
    contacts = list(case.contacts.all())
    form = ReplyForm(request.POST, contacts=contacts)
    if not form.is_valid():
        return _refused(request, account, reference, name="reply", form=form)
    key = _idempotency_key("reply", case, account, form.cleaned_data["token"])
    repeated = Message.objects.filter(idempotency_key=key, case=case).exists()
    contact = next(c for c in contacts if c.pk == form.cleaned_data["contact"])
    try:
        if case.assigned_to_id is None and account.role == Role.OPERATOR:
            case = claim_case(case, by=account)
        post_reply(
            case, by=account, text=form.cleaned_data["text"], contact=contact, idempotency_key=key
        )
    except CaseError as error:
        return _refused(request, account, reference, name="reply", form=form, error=error)
    if repeated:
        flash(request, _("This reply had already been sent; it was not sent again."))
    else:
        flash(request, _("Reply sent."), level="success")
    return HttpResponseRedirect(case_url(case, "conversation"))


@console_view(*CASE_ROLES)
@require_POST
def case_note(request: HttpRequest, reference: str) -> HttpResponse:
    """Add an internal note (sealed; never shown to the applicant)."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.NOTE)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, account, reference, name="note", form=form)
    key = _idempotency_key("note", case, account, form.cleaned_data["token"])
    repeated = Note.objects.filter(idempotency_key=key, case=case).exists()
    try:
        add_note(case, by=account, text=form.cleaned_data["text"], idempotency_key=key)
    except CaseError as error:
        return _refused(request, account, reference, name="note", form=form, error=error)
    if repeated:
        flash(request, _("This note had already been saved; it was not saved again."))
    else:
        flash(request, _("Note saved."), level="success")
    return HttpResponseRedirect(case_url(case, "conversation"))


@console_view(*CASE_ROLES)
@require_POST
def case_transition(request: HttpRequest, reference: str) -> HttpResponse:
    """Move the case per the state machine; closing asks for the supervisor's right."""
    account = _account(request)
    closing = request.POST.get("to") == CaseState.CLOSED
    case = get_case_for(
        account, reference, action=CaseAction.CLOSE if closing else CaseAction.TRANSITION
    )
    form = TransitionForm(
        request.POST, targets=allowed_targets(case.state, str(account.role)), state=case.state
    )
    if not form.is_valid():
        if form.data.get("version") != str(case.version):
            # The choices were built for the state the page showed; it has moved on.
            return _refused(
                request, account, reference, name="transition", form=form, error=StaleCase("")
            )
        return _refused(request, account, reference, name="transition", form=form)
    try:
        case = transition_case(
            case,
            to=form.cleaned_data["to"],
            by=account,
            reason=form.cleaned_data["reason"] if closing else "",
            expected_version=form.cleaned_data["version"],
        )
    except CaseError as error:
        return _refused(request, account, reference, name="transition", form=form, error=error)
    flash(
        request,
        _("Case %(reference)s is now %(state)s.")
        % {"reference": case.reference, "state": CaseState(case.state).label},
        level="success",
    )
    return HttpResponseRedirect(case_url(case))


@console_view(*CASE_ROLES)
@require_POST
def case_claim(request: HttpRequest, reference: str) -> HttpResponse:
    """Take a case from the queue and open it."""
    account = _account(request)
    try:
        case = get_case_for(account, reference, action=CaseAction.CLAIM)
        claim_case(case, by=account)
    except Http404:
        # Same words whether it never existed or a colleague just took it.
        flash(
            request,
            _("That case is not available to you; a colleague may have taken it."),
            level="warning",
        )
        return HttpResponseRedirect(reverse("console:queue"))
    except CaseError as error:
        flash(request, str(error), level="warning")
        return HttpResponseRedirect(reverse("console:queue"))
    return HttpResponseRedirect(case_url(case))


@console_view(*CASE_ROLES)
@require_POST
def case_release(request: HttpRequest, reference: str) -> HttpResponse:
    """Put the case back into its language queue."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.CLAIM)
    form = VersionOnlyForm(request.POST)
    if not form.is_valid():
        return _refused(request, account, reference, name="release", form=form)
    try:
        release_case(case, by=account, expected_version=form.cleaned_data["version"])
    except CaseError as error:
        return _refused(request, account, reference, name="release", form=form, error=error)
    flash(
        request,
        _("Case %(reference)s is back in the queue.") % {"reference": case.reference},
        level="success",
    )
    return HttpResponseRedirect(reverse("console:queue"))


@console_view(Role.SUPERVISOR)
@require_POST
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    """A supervisor assigns or reassigns the case."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.ASSIGN)
    form = AssignForm(request.POST, candidates=assign_candidates(case))
    if not form.is_valid():
        return _refused(request, account, reference, name="assign", form=form)
    target: Account = form.cleaned_data["account"]
    try:
        assign_case(case, to=target, by=account, expected_version=form.cleaned_data["version"])
    except CaseError as error:
        return _refused(request, account, reference, name="assign", form=form, error=error)
    flash(
        request,
        _("Case %(reference)s is now with %(name)s.")
        % {"reference": case.reference, "name": target.display_name},
        level="success",
    )
    return HttpResponseRedirect(case_url(case))


@console_view(*CASE_ROLES)
@require_POST
def case_identity(request: HttpRequest, reference: str) -> HttpResponse:
    """Save the structured identity (sealed, blind-indexed)."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.IDENTITY)
    form = IdentityForm(request.POST)
    if not form.is_valid():
        return _refused(request, account, reference, name="identity", form=form)
    data = form.cleaned_data
    update = IdentityUpdate(
        values={field: data[field] for field in IDENTITY_FIELDS},
        group_size=data["group_size"],
    )
    try:
        changed = update_identity(case, by=account, update=update, expected_version=data["version"])
    except StaleCase:
        # Keep what was typed, now against the current version, beside the warning.
        fresh = get_case_for(account, reference, action=CaseAction.VIEW)
        retry = IdentityForm({**request.POST.dict(), "version": str(fresh.version)})
        retry.is_valid()
        return render_workspace(
            request,
            account,
            fresh,
            bound={"identity": retry},
            errors=[stale_message(fresh)],
            status=409,
        )
    except CaseError as error:
        return _refused(request, account, reference, name="identity", form=form, error=error)
    flash(
        request,
        _("Identity saved.") if changed else _("Nothing to change."),
        level="success" if changed else "info",
    )
    return HttpResponseRedirect(case_url(case, "identity"))


@console_view(*CASE_ROLES)
@require_POST
def case_media_consent(request: HttpRequest, reference: str) -> HttpResponse:
    """Set or clear "no filming, no publication"."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.IDENTITY)
    form = MediaConsentForm(request.POST)
    if not form.is_valid():
        return _refused(request, account, reference, name="media", form=form)
    try:
        set_media_consent(
            case,
            by=account,
            no_filming=form.cleaned_data["no_filming"],
            expected_version=form.cleaned_data["version"],
        )
    except CaseError as error:
        return _refused(request, account, reference, name="media", form=form, error=error)
    flash(request, _("Media consent saved."), level="success")
    return HttpResponseRedirect(case_url(case, "identity"))


@console_view(*CASE_ROLES)
@require_POST
def case_add_relative(request: HttpRequest, reference: str) -> HttpResponse:
    """Add a relative (or another way to reach the person) as a contact."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.IDENTITY)
    form = RelativeForm(request.POST)
    if not form.is_valid():
        return _refused(request, account, reference, name="relative", form=form)
    try:
        add_relative_contact(
            case,
            by=account,
            channel=form.cleaned_data["channel"],
            identity=form.cleaned_data["identity"],
            relation=form.cleaned_data["relation"],
        )
    except CaseError as error:
        return _refused(request, account, reference, name="relative", form=form, error=error)
    flash(request, _("Contact added."), level="success")
    return HttpResponseRedirect(case_url(case, "contacts"))
