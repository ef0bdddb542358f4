"""The landing page with the submission form, and the receipt shown once after sending."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse

from safepassage.crypto.receipts import format_receipt
from safepassage.intake import form_tokens, throttling
from safepassage.intake.forms import SubmissionForm, check_campaign_code
from safepassage.intake.submissions import AlreadySent, EnvelopeNotStored, accept_web_submission
from safepassage.intake.text import FormTooLarge, read_form
from safepassage.intake.views.common import (
    is_cross_site,
    public_page,
    refused_cross_site,
    render_page,
    retry_after,
)

CAMPAIGN_PARAM = "c"


def _campaign_from_link(request: HttpRequest) -> tuple[str, list[str]]:
    """The code carried in ``?c=`` from an appeal link, and its error if it is unknown."""
    raw = str(request.GET.get(CAMPAIGN_PARAM, ""))[:32].strip()
    try:
        check_campaign_code(raw)
    except forms.ValidationError as error:
        return raw, list(error.messages)
    return raw, []


def _form_page(
    request: HttpRequest,
    form: SubmissionForm,
    *,
    lang: str,
    status: int = 200,
    notice: str = "",
    campaign_errors: list[str] | None = None,
) -> HttpResponse:
    code = form.value("campaign")
    query = "?" + urlencode({CAMPAIGN_PARAM: code}) if code else ""
    # A form shown again after nothing was sent keeps its token; a new form gets one.
    token = form.value("form_token")
    if not form_tokens.is_well_formed(token):
        token = form_tokens.new_form_token()
    return render_page(
        request,
        "intake/form.html",
        {
            "form": form,
            "form_token": token,
            "notice": notice,
            "campaign_errors": campaign_errors or form.errors.get("campaign", []),
        },
        lang=lang,
        switch_query=query,
        status=status,
    )


@public_page("GET", "HEAD", "POST")
def submission_form(request: HttpRequest, *, lang: str) -> HttpResponse:
    """GET: the explanation and an empty form (campaign code from ``?c=``).
    POST: validate, rate-limit, seal and commit, then show the receipt."""
    if request.method != "POST":
        code, errors = _campaign_from_link(request)
        form = SubmissionForm(initial={"campaign": code})
        return _form_page(request, form, lang=lang, campaign_errors=errors)

    if is_cross_site(request):
        return refused_cross_site(request, lang=lang)
    try:
        data, unreadable = read_form(request)
    except FormTooLarge:
        return _form_page(request, SubmissionForm(), lang=lang, status=413, notice="too_large")
    form = SubmissionForm(data, unreadable=unreadable)
    # A reload of the receipt page (or a second click) sends the same token again.
    token = form.value("form_token")
    if form_tokens.is_well_formed(token):
        earlier = form_tokens.receipt_already_sent(token)
        if earlier is not None:
            return _receipt_page(request, earlier, lang=lang, again=True)
    if not form.is_valid():
        return _form_page(request, form, lang=lang, status=400, notice="invalid")
    wait = throttling.take_submission(request)
    if wait:
        response = _form_page(request, form, lang=lang, status=429, notice="busy")
        response.headers["Retry-After"] = retry_after(wait)
        return response
    try:
        receipt = accept_web_submission(
            fields=form.envelope_fields(), language=lang, form_token=token
        )
    except AlreadySent:
        # The same token arrived twice at once: the first one's receipt is committed.
        earlier = form_tokens.receipt_already_sent(token)
        if earlier is None:
            return render_page(request, "intake/already_sent.html", {}, lang=lang)
        return _receipt_page(request, earlier, lang=lang, again=True)
    except EnvelopeNotStored:
        return _form_page(request, form, lang=lang, status=503, notice="unavailable")
    # The envelope is committed: only now is the receipt shown.
    return _receipt_page(request, receipt, lang=lang, again=False)


def _receipt_page(request: HttpRequest, receipt: str, *, lang: str, again: bool) -> HttpResponse:
    """The receipt, answered to the POST itself (no redirect: the number must not reach
    a URL or the history).  ``again``: this form was sent before and nothing new was
    stored."""
    return render_page(
        request,
        "intake/receipt.html",
        {"receipt": format_receipt(receipt), "again": again},
        lang=lang,
    )
