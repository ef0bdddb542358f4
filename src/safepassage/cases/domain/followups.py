"""Where a returning contact's new message goes: merges followed, closed cases reopened
or renewed as the state machine says.  Shared by every inbound path (web follow-ups,
messenger chats, logged hotline calls)."""

from __future__ import annotations

from safepassage.cases.domain.contacts import move_contact
from safepassage.cases.domain.flags import flag_case
from safepassage.cases.domain.transitions import open_case, transition_case
from safepassage.cases.models import Case, Contact
from safepassage.cases.states import REOPENABLE_REASONS, CaseState


def current_case(case: Case) -> Case:
    """Follow merges to the case that now carries this one's contacts."""
    seen = set()
    while case.merged_into_id is not None and case.pk not in seen:
        seen.add(case.pk)
        case = Case.objects.get(pk=case.merged_into_id)
    return case


def reopen_or_renew(case: Case, contact: Contact) -> Case:
    """The case a contact's new message belongs to, per the state machine.

    An open case takes it as is.  A case closed as withdrawn or unreachable is reopened
    (the person came back).  A case closed for any other reason stays closed, and a new
    case is opened for the contact, flagged with the previous reference.
    """
    if case.state != CaseState.CLOSED:
        if contact.case_id != case.pk:
            move_contact(contact, to=case)
        return case
    if case.close_reason in REOPENABLE_REASONS:
        return transition_case(case, to=CaseState.ENGAGED, by=None)
    fresh = open_case(
        channel=contact.channel, language=case.language, inquiry_type=case.inquiry_type
    )
    move_contact(contact, to=fresh)
    flag_case(fresh, f"previous_case:{case.reference}")
    return fresh
