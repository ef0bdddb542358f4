"""The landing page with the submission form, and the receipt shown once after sending."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse

from safepassage.crypto.receipts import format_receipt
from safepassage.intake import throttling
from safepassage.intake.forms import SubmissionForm, check_campaign_code
from safepassage.intake.submissions import EnvelopeNotStored, accept_web_submission
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
    return render_page(
        request,
        "intake/form.html",
        {
            "form": form,
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
    if not form.is_valid():
        return _form_page(request, form, lang=lang, status=400, notice="invalid")
    wait = throttling.take_submission(request)
    if wait:
        response = _form_page(request, form, lang=lang, status=429, notice="busy")
        response.headers["Retry-After"] = retry_after(wait)
        return response
    try:
        receipt = accept_web_submission(fields=form.envelope_fields(), language=lang)
    except EnvelopeNotStored:
        return _form_page(request, form, lang=lang, status=503, notice="unavailable")
    # The envelope is committed: only now is the receipt shown.
    return render_page(
        request,
        "intake/receipt.html",
        {"receipt": format_receipt(receipt)},
        lang=lang,
    )
