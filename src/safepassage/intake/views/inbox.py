"""The applicant's inbox: receipt sign-in, the conversation, follow-ups, sign-out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from safepassage.intake import throttling
from safepassage.intake.applicant_session import (
    ApplicantSession,
    end_session,
    has_session_cookie,
    new_session,
    read_session,
    write_session,
)
from safepassage.intake.forms import FollowupForm, ReceiptForm
from safepassage.intake.inbox import conversation, find_web_contact, sign_in
from safepassage.intake.submissions import (
    EnvelopeNotStored,
    accept_web_followup,
    note_signin_waiting,
)
from safepassage.intake.text import FormTooLarge, read_form
from safepassage.intake.views.common import (
    CLEAR_SITE_DATA,
    is_cross_site,
    public_page,
    refused_cross_site,
    render_page,
    retry_after,
)


def _signin_page(
    request: HttpRequest,
    form: ReceiptForm,
    *,
    lang: str,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    response = render_page(
        request,
        "intake/signin.html",
        {"form": form, "notice": notice},
        lang=lang,
        switch_to="intake:inbox",
        status=status,
    )
    if has_session_cookie(request):
        # An expired or unreadable cookie is useless; do not leave it on the phone.
        end_session(response)
    return response


def _inbox_page(
    request: HttpRequest,
    session: ApplicantSession,
    *,
    lang: str,
    form: FollowupForm | None = None,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    contact = find_web_contact(session.lookup_hash)
    if contact is None:
        # Cannot happen for a session made by sign-in, unless the contact was removed.
        return _signin_page(request, ReceiptForm(), lang=lang, notice="ended")
    if request.method == "GET" and request.GET.get("sent") == "1":
        notice = notice or "sent"
    response = render_page(
        request,
        "intake/inbox.html",
        {
            "messages": conversation(contact, session.private_key),
            "form": form or FollowupForm(),
            "token": session.form_token,
            "notice": notice,
        },
        lang=lang,
        switch_to="intake:inbox",
        status=status,
    )
    write_session(response, session)
    return response


@public_page("GET", "HEAD", "POST")
def inbox(request: HttpRequest, *, lang: str) -> HttpResponse:
    """GET: the conversation if signed in, else the receipt form.  POST: sign in."""
    if request.method != "POST":
        session = read_session(request)
        if session is None:
            notice = "ended" if has_session_cookie(request) else ""
            return _signin_page(request, ReceiptForm(), lang=lang, notice=notice)
        return _inbox_page(request, session, lang=lang)

    if is_cross_site(request):
        return refused_cross_site(request, lang=lang)
    try:
        data, unreadable = read_form(request)
    except FormTooLarge:
        return _signin_page(request, ReceiptForm(), lang=lang, status=413, notice="too_large")
    form = ReceiptForm(data, unreadable=unreadable)
    if not form.is_valid():
        # Malformed: refused before any Argon2id work.
        return _signin_page(request, form, lang=lang, status=400)
    wait = throttling.take_signin(request)
    if wait:
        response = _signin_page(request, form, lang=lang, status=429, notice="busy")
        response.headers["Retry-After"] = retry_after(wait)
        return response
    try:
        keys = sign_in(form.cleaned_data["receipt"])
    except throttling.Busy:
        response = _signin_page(request, form, lang=lang, status=429, notice="busy")
        response.headers["Retry-After"] = "5"
        return response
    if keys is None:
        # Perhaps still queued behind a flood: ask the worker to serve it first.
        note_signin_waiting(form.cleaned_data["receipt"])
        # Identical for every well-formed receipt that is not (yet) registered.
        return _signin_page(request, form, lang=lang, status=400, notice="not_found")
    session = new_session(private_key=keys.private_key, lookup_hash=keys.lookup_hash)
    pending = form.cleaned_data.get("pending", "")
    if pending:
        # A follow-up typed before the session ended: offer it again, unsent.
        return _inbox_page(
            request, session, lang=lang, form=FollowupForm({"message": pending}), notice="resend"
        )
    response = HttpResponseRedirect(reverse("intake:inbox", kwargs={"lang": lang}))
    response.status_code = 303
    write_session(response, session)
    return response


@public_page("POST")
def send_followup(request: HttpRequest, *, lang: str) -> HttpResponse:
    """Seal and commit a follow-up, then show the inbox with a confirmation."""
    if is_cross_site(request):
        return refused_cross_site(request, lang=lang)
    try:
        data, unreadable = read_form(request)
    except FormTooLarge:
        session = read_session(request)
        if session is None:
            return _signin_page(request, ReceiptForm(), lang=lang, status=413, notice="too_large")
        return _inbox_page(request, session, lang=lang, status=413, notice="too_large")
    session = read_session(request)
    if session is None:
        # Keep what was typed: it comes back in the inbox after signing in again.
        kept = ReceiptForm(initial={"pending": data.get("message", "")})
        return _signin_page(request, kept, lang=lang, status=401, notice="ended")
    form = FollowupForm(data, unreadable=unreadable)
    if not session.token_matches(data.get("token", "")):
        # Same site, but the form is from an earlier session: show it again, text kept.
        return _inbox_page(request, session, lang=lang, form=form, status=400, notice="stale")
    if not form.is_valid():
        return _inbox_page(request, session, lang=lang, form=form, status=400)
    wait = throttling.take_submission(request)
    if wait:
        response = _inbox_page(request, session, lang=lang, form=form, status=429, notice="busy")
        response.headers["Retry-After"] = retry_after(wait)
        return response
    try:
        accept_web_followup(
            lookup_hash=session.lookup_hash, language=lang, message=form.cleaned_data["message"]
        )
    except EnvelopeNotStored:
        return _inbox_page(request, session, lang=lang, form=form, status=503, notice="unavailable")
    # Committed.  Redirect so that reloading the page cannot send the message twice; the
    # fragment replaces the form's "#write", so the page opens at its top.
    response = HttpResponseRedirect(reverse("intake:inbox", kwargs={"lang": lang}) + "?sent=1#top")
    response.status_code = 303
    write_session(response, session)
    return response


@public_page("POST")
def sign_out(request: HttpRequest, *, lang: str) -> HttpResponse:
    """End the session: delete the cookie and ask the browser to clear this site's data."""
    if is_cross_site(request):
        return refused_cross_site(request, lang=lang)
    response = render_page(request, "intake/signed_out.html", {}, lang=lang)
    end_session(response)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
