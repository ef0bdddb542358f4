"""Adding a contact (a channel identity) to a case: the one write every inbound path
and the console share.

The identity (chat id, phone number, user name) is sealed to the programme key here;
callers pass its blind index, computed the way that channel looks contacts up again.
"""

from __future__ import annotations

from nacl.public import PublicKey

from safepassage.cases.models import Case, Contact
from safepassage.cases.models.contact import Relation
from safepassage.cases.states import Channel
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal


def add_contact(
    case: Case,
    *,
    channel: str,
    language: str,
    relation: str = Relation.UNKNOWN,
    identity: str = "",
    identity_index: str | None = None,
    receipt_lookup_hash: str | None = None,
    applicant_key: PublicKey | None = None,
) -> Contact:
    """Create a contact of ``case`` and return it.

    ``identity`` (if any) is sealed before it is stored; web contacts carry the
    receipt's lookup hash and the applicant's public key instead.  Side effect: one
    ``Contact`` row (no audit event: inbound paths are audited by the case they open,
    the console's ``add_relative_contact`` audits its own).
    """
    return Contact.objects.create(
        case=case,
        channel=channel,
        relation=relation,
        identity=seal(identity, to=get_public_keyring()) if identity else None,
        identity_index=identity_index or None,
        receipt_lookup_hash=receipt_lookup_hash,
        applicant_public_key=bytes(applicant_key) if applicant_key is not None else None,
        language=language,
    )


def move_contact(contact: Contact, *, to: Case) -> None:
    """Attach ``contact`` to the case ``to`` (a follow-up after a merge or a renewal)."""
    Contact.objects.filter(pk=contact.pk).update(case=to)
    contact.case = to


def set_contact_language(contact_id: int, language: str) -> None:
    """The language a contact reads (bot texts and the acknowledgement follow it)."""
    Contact.objects.filter(pk=contact_id).update(language=language)


# Channels whose contacts are phone numbers, indexed alike (blind index "phone" of the
# number in +digits form): one number links across them.
PHONE_CHANNELS = (Channel.WHATSAPP, Channel.SMS, Channel.HOTLINE)


def same_number_contact(identity_index: str, *, channel: str) -> Contact | None:
    """A contact on another phone channel with the same number (the oldest), if any:
    the same person writing on WhatsApp after an SMS, or calling the hotline."""
    if channel not in PHONE_CHANNELS or not identity_index:
        return None
    return (
        Contact.objects.select_related("case")
        .filter(channel__in=PHONE_CHANNELS, identity_index=identity_index)
        .exclude(channel=channel)
        .order_by("created_at", "id")
        .first()
    )
