"""Capture cards in the console: print the card due, download it, mark it sent, and the
list of every card still owed (registrar only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.models import Role
from safepassage.console.access import console_view
from safepassage.console.flash import flash
from safepassage.console.forms.register import CardSentForm, VersionForm
from safepassage.console.views.register import account_of, audit_register_view, record_url
from safepassage.register.cardpdf import CardFontMissing, render_capture_card
from safepassage.register.domain import (
    RegisterError,
    due_capture_cards,
    issue_capture_card,
    mark_capture_card_sent,
    open_card_content,
)
from safepassage.register.rules import get_card_for, get_record_for


@console_view(Role.REGISTRAR)
@require_POST
def issue_card(request: HttpRequest, number: str) -> HttpResponse:
    """Print the capture card that is due (or an extra one for a changed situation)."""
    account = account_of(request)
    record = get_record_for(account, number)
    form = VersionForm(request.POST)
    if not form.is_valid():
        flash(request, _("The form is damaged; reload the page."), level="error")
        return HttpResponseRedirect(record_url(record, "cards"))
    try:
        card = issue_capture_card(record, by=account, expected_version=form.cleaned_data["version"])
    except RegisterError as error:
        flash(request, str(error), level="error")
    else:
        flash(
            request,
            _(
                "Capture card printed: download it, have him sign it, send it, then "
                "mark it as sent."
            ),
            level="success",
        )
        return HttpResponseRedirect(record_url(record, f"card-{card.pk}"))
    return HttpResponseRedirect(record_url(record, "cards"))


@console_view(Role.REGISTRAR)
@require_GET
def card_pdf(request: HttpRequest, number: str, card_id: int) -> HttpResponse:
    """The printed capture card as a PDF (the content fixed when it was printed)."""
    account = account_of(request)
    card = get_card_for(account, number, card_id)
    content = open_card_content(card)
    if not content:
        raise Http404("This card was not printed.")
    try:
        pdf = render_capture_card(content)
    except CardFontMissing:
        flash(
            request,
            _(
                "This server lacks the fonts the capture card needs; tell the "
                "administrator (Debian packages fonts-dejavu-core and fonts-nanum)."
            ),
            level="error",
        )
        return HttpResponseRedirect(record_url(card.record, "cards"))
    audit_register_view(account, "capture_card", card.record.number, card=card.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="capture-card-{card.record.number}-{card.pk}.pdf"'
    )
    return response


@console_view(Role.REGISTRAR)
@require_POST
def card_sent(request: HttpRequest, number: str, card_id: int) -> HttpResponse:
    """Record the day a printed card was sent."""
    account = account_of(request)
    card = get_card_for(account, number, card_id)
    form = CardSentForm(request.POST)
    if form.is_valid():
        try:
            mark_capture_card_sent(card, by=account, sent_on=form.cleaned_data["sent_on"])
        except RegisterError as error:
            flash(request, str(error), level="error")
        else:
            flash(request, _("Capture card marked as sent."), level="success")
    else:
        flash(request, " ".join(str(e) for e in form.errors.get("sent_on", [])), level="error")
    return HttpResponseRedirect(record_url(card.record, f"card-{card.pk}"))


@console_view(Role.REGISTRAR)
@require_GET
def cards_due(request: HttpRequest) -> HttpResponse:
    """Every capture card still owed, earliest deadline first, overdue ones marked."""
    return render(request, "console/register/cards.html", {"cards": due_capture_cards()})
