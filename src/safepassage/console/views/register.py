"""The captured-person register in the console: records, capture cards, welfare log,
wishes (registrar); the "registered" badge (operators) and counts (analysts).

Views are thin: they fetch through ``register.access`` or ``get_case_for``, call the
register's domain functions, and put refusals back on the form that caused them.
Every page that shows personal values records a ``register.viewed`` audit event.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.accounts.models import Account, Role
from safepassage.audit.chain import record_event
from safepassage.cases.rules import CaseAction
from safepassage.console.access import console_view, current_account, get_case_for
from safepassage.console.flash import flash
from safepassage.console.forms.register import (
    CardSentForm,
    MediaConsentForm,
    RecordDetailsForm,
    WelfareEventForm,
    WishForm,
    put_errors,
)
from safepassage.register.domain import (
    RecordDetails,
    RegisterError,
    WelfareEntry,
    open_event_details,
    open_record_details,
    open_record_for_surrendered_case,
    open_value,
    record_welfare_event,
    record_wish,
    register_counts,
    registration_status,
    set_record_media_consent,
    surrendered_cases_without_record,
    today,
    update_record_details,
    wish_history,
)
from safepassage.register.domain.records import DETAIL_FIELDS, FIELD_LABELS
from safepassage.register.models import CapturedPerson
from safepassage.register.rules import get_record_for
from safepassage.register.states import OUTSTANDING_CARD_STATUSES, Health

PAGE_SIZE = 50
# Analysts see counts of 1-4 as "fewer than 5": a small cell can point at one person.
SMALL_CELL = 5


def account_of(request: HttpRequest) -> Account:
    """The signed-in account of a request ``console_view`` let through."""
    account = current_account(request)
    assert account is not None  # console_view let the request through
    return account


def audit_register_view(account: Account, what: str, ref: str, **detail: Any) -> None:
    """Record that ``account`` looked at register data (``what`` is a code, ``ref`` a number)."""
    record_event(
        "register.viewed",
        actor=account,
        object_type="captured_person" if ref.startswith("R-") else "register",
        object_ref=ref,
        detail={"what": what, **detail},
    )


def record_url(record: CapturedPerson, anchor: str = "") -> str:
    """The record page, optionally at one of its sections."""
    url = reverse("console:register-record", kwargs={"number": record.number})
    return f"{url}#{anchor}" if anchor else url


@console_view(Role.REGISTRAR)
@require_GET
def register_index(request: HttpRequest) -> HttpResponse:
    """The register: records (names opened for this page only), and surrendered cases
    still waiting for a record."""
    account = account_of(request)
    day = today()
    records = (
        CapturedPerson.objects.select_related("case")
        .annotate(
            cards_owed=Count("cards", filter=Q(cards__status__in=OUTSTANDING_CARD_STATUSES)),
            cards_late=Count(
                "cards",
                filter=Q(cards__status__in=OUTSTANDING_CARD_STATUSES, cards__due_on__lt=day),
            ),
        )
        .order_by("-opened_at", "-id")
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[dict[str, Any]] = [
        {
            "record": record,
            "surname": open_value(record.surname),
            "first_names": open_value(record.first_names),
        }
        for record in page
    ]
    if rows:
        audit_register_view(
            account, "list", "register", records=[row["record"].number for row in rows]
        )
    context = {
        "rows": rows,
        "page": page,
        "waiting": surrendered_cases_without_record()[:PAGE_SIZE],
        "counts": register_counts(on=day),
    }
    return render(request, "console/register/index.html", context)


@console_view(Role.REGISTRAR)
@require_POST
def open_record(request: HttpRequest, ref: str) -> HttpResponse:
    """Open the record of a surrendered case (cases surrendered before the register)."""
    account = account_of(request)
    case = get_case_for(account, ref, action=CaseAction.VIEW)
    try:
        record = open_record_for_surrendered_case(case, by=account)
    except RegisterError as error:
        flash(request, str(error), level="error")
        return HttpResponseRedirect(reverse("console:register"))
    flash(request, _("Record %(number)s is open.") % {"number": record.number}, level="success")
    return HttpResponseRedirect(record_url(record))


def _cards(record: CapturedPerson) -> list[Any]:
    day = today()
    cards = list(record.cards.select_related("issued_by").order_by("-created_at", "-id"))
    for card in cards:
        card.overdue = card.is_overdue(day)  # type: ignore[attr-defined]
    return cards


def _events(record: CapturedPerson) -> list[dict[str, Any]]:
    events = record.events.select_related("recorded_by").order_by("-occurred_on", "-id")
    return [{"event": event, "details": open_event_details(event)} for event in events]


def _render_record(
    request: HttpRequest, record: CapturedPerson, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The record page, with any bound form that failed put in place of a fresh one."""
    initial = {"version": record.version}
    details = open_record_details(record)
    health = details.get("health", "")
    context = {
        "record": record,
        "details": [(FIELD_LABELS[f], details[f]) for f in DETAIL_FIELDS if f != "health"],
        "health": Health(health).label if health in Health.values else "",
        "camp": details["camp"],
        "hospital": details["hospital"],
        "cards": _cards(record),
        "events": _events(record),
        "wishes": wish_history(record),
        "event_form": forms.get("event_form")
        or WelfareEventForm(initial={**initial, "occurred_on": today()}),
        "wish_form": forms.get("wish_form") or WishForm(initial={**initial, "stated_on": today()}),
        "consent_form": forms.get("consent_form")
        or MediaConsentForm(
            initial={
                **initial,
                "filming": record.filming_consent,
                "publication": record.publication_consent,
            }
        ),
        "sent_form": CardSentForm(initial={"sent_on": today()}),
        "today": today(),
    }
    audit_register_view(account_of(request), "record", record.number)
    return render(request, "console/register/record.html", context, status=status)


@console_view(Role.REGISTRAR)
@require_GET
def record_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One person's record: identity, capture cards, welfare log, wish, media consent."""
    return _render_record(request, get_record_for(account_of(request), number))


@console_view(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, number: str) -> HttpResponse:
    """Edit Art. 17 identity, further details and capture; all problems shown at once."""
    account = account_of(request)
    record = get_record_for(account, number)
    if request.method == "POST":
        form = RecordDetailsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            details = RecordDetails(
                values={field: data[field] for field in DETAIL_FIELDS},
                capture_date=data["capture_date"],
                card_language=data["card_language"],
                detaining_language=data["detaining_language"],
            )
            try:
                changed = update_record_details(
                    record, by=account, details=details, expected_version=data["version"]
                )
            except RegisterError as error:
                put_errors(form, error)
            else:
                message = _("Record saved.") if changed else _("Nothing changed.")
                flash(request, message, level="success" if changed else "info")
                return HttpResponseRedirect(record_url(record))
        status = 400
    else:
        initial: dict[str, Any] = dict(open_record_details(record))
        initial.update(
            version=record.version,
            capture_date=record.capture_date,
            card_language=record.card_language,
            detaining_language=record.detaining_language,
        )
        form = RecordDetailsForm(initial=initial)
        audit_register_view(account, "details", record.number)
        status = 200
    return render(
        request, "console/register/details.html", {"record": record, "form": form}, status=status
    )


@console_view(Role.REGISTRAR)
@require_POST
def add_event(request: HttpRequest, number: str) -> HttpResponse:
    """Add a welfare-log entry; a refused entry comes back with everything typed."""
    account = account_of(request)
    record = get_record_for(account, number)
    form = WelfareEventForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        entry = WelfareEntry(
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            place=data["place"],
            prisoner_number=data["prisoner_number"],
            note=data["note"],
        )
        try:
            record_welfare_event(record, by=account, entry=entry, expected_version=data["version"])
        except RegisterError as error:
            put_errors(form, error)
        else:
            flash(request, _("Entry added to the welfare log."), level="success")
            return HttpResponseRedirect(record_url(record, "log"))
    record.refresh_from_db()
    return _render_record(request, record, status=400, event_form=form)


@console_view(Role.REGISTRAR)
@require_POST
def add_wish(request: HttpRequest, number: str) -> HttpResponse:
    """Record his wish for the end of the war (the previous one stays in the history)."""
    account = account_of(request)
    record = get_record_for(account, number)
    form = WishForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_wish(
                record,
                by=account,
                wish=data["wish"],
                stated_on=data["stated_on"],
                expected_version=data["version"],
            )
        except RegisterError as error:
            put_errors(form, error)
        else:
            flash(request, _("Wish recorded."), level="success")
            return HttpResponseRedirect(record_url(record, "wish"))
    record.refresh_from_db()
    return _render_record(request, record, status=400, wish_form=form)


@console_view(Role.REGISTRAR)
@require_POST
def media_consent(request: HttpRequest, number: str) -> HttpResponse:
    """Record his consent to filming and publication (the default is none)."""
    account = account_of(request)
    record = get_record_for(account, number)
    form = MediaConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            set_record_media_consent(
                record,
                by=account,
                filming=data["filming"],
                publication=data["publication"],
                expected_version=data["version"],
            )
        except RegisterError as error:
            put_errors(form, error)
        else:
            flash(request, _("Media consent saved."), level="success")
            return HttpResponseRedirect(record_url(record, "consent"))
    record.refresh_from_db()
    return _render_record(request, record, status=400, consent_form=form)


def _shown(value: int, *, suppress: bool) -> str:
    if suppress and 0 < value < SMALL_CELL:
        return _("fewer than %(n)d") % {"n": SMALL_CELL}
    return str(value)


@console_view(Role.REGISTRAR, Role.SUPERVISOR, Role.ANALYST)
@require_GET
def register_counts_page(request: HttpRequest) -> HttpResponse:
    """Counts only: no record can be opened from here; analysts get small cells hidden."""
    counts = register_counts()
    suppress = account_of(request).role == Role.ANALYST
    rows = [
        (_("People in the register"), counts.records),
        (_("Interned"), counts.interned),
        (_("Released"), counts.released),
        (_("Repatriated"), counts.repatriated),
        (_("Died in captivity"), counts.deceased),
        (_("Capture cards owed"), counts.cards_outstanding),
        (_("Capture cards overdue"), counts.cards_overdue),
        (_("Capture cards sent"), counts.cards_sent),
        (_("Batches approved for the information bureau"), counts.exports_approved),
    ]
    context = {
        "rows": [(label, _shown(value, suppress=suppress)) for label, value in rows],
        "suppressed": suppress,
        "overdue": counts.cards_overdue,
    }
    return render(request, "console/register/counts.html", context)


@console_view(Role.OPERATOR, Role.SUPERVISOR)
@require_GET
def case_status(request: HttpRequest, ref: str) -> HttpResponse:
    """Whether a case's person is in the register — and nothing else (for the case page)."""
    case = get_case_for(account_of(request), ref, action=CaseAction.VIEW)
    status = registration_status(case)
    return render(request, "console/register/_case_status.html", {"case": case, "status": status})
