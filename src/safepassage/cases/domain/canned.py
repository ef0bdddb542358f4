"""Canned replies: supervisors keep them per language, operators fill them per case.

Placeholders are written ``{name}``; the known ones are listed in ``PLACEHOLDERS``.  A
value that is not known for a case (no name recorded yet) is left as the placeholder in
the text, so the operator sees it and fills it in — the console refuses to send a reply
that still contains one.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.models import CannedReply, Case

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

PLACEHOLDERS = {
    "name": gettext_lazy("the person's name as recorded on the case"),
    "reference": gettext_lazy("the case reference"),
    "operator": gettext_lazy("your display name"),
}
MAX_BODY_LENGTH = 4000


class InvalidCannedReply(CaseError):
    """The template cannot be saved (unknown placeholder, stray brace, empty)."""


def template_fields(body: str) -> list[str]:
    """The placeholder names used in ``body``; ``InvalidCannedReply`` if malformed.

    Only bare names are allowed (``{name}``), no attribute access, indexing, format
    specs or conversions: the template is filled with ``str.format`` and must not be
    able to reach anything but the values offered.
    """
    fields: list[str] = []
    try:
        parsed = list(string.Formatter().parse(body))
    except ValueError:
        raise InvalidCannedReply(
            _("A brace is not closed; write placeholders as {name}.")
        ) from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise InvalidCannedReply(
                _("Unknown placeholder {%(field)s}; use one of: %(known)s.")
                % {"field": field, "known": ", ".join("{" + key + "}" for key in PLACEHOLDERS)}
            )
        fields.append(field)
    return fields


def unfilled_placeholders(text: str) -> list[str]:
    """Known placeholders (``{name}``…) still present in a reply about to be sent."""
    return [key for key in PLACEHOLDERS if "{" + key + "}" in text]


@dataclass(frozen=True)
class PlaceholderValues:
    """What a canned reply may be filled with for one case."""

    name: str
    reference: str
    operator: str


def render_canned_reply(reply: CannedReply, *, values: PlaceholderValues) -> str:
    """The reply's text with the placeholders filled; unknown values stay visible."""
    template_fields(reply.body)
    mapping = {
        "name": values.name or "{name}",
        "reference": values.reference,
        "operator": values.operator or "{operator}",
    }
    return reply.body.format_map(mapping)


def canned_replies_for(case: Case) -> list[CannedReply]:
    """Active canned replies in the case's language."""
    return list(CannedReply.objects.filter(language=case.language, is_active=True))


def save_canned_reply(
    *,
    by: Account,
    language: str,
    title: str,
    body: str,
    is_active: bool = True,
    reply: CannedReply | None = None,
) -> CannedReply:
    """Create a canned reply, or update ``reply``; return it.

    Side effects: one ``CannedReply`` row written and one ``canned.saved`` audit event.
    """
    title = title.strip()
    body = body.strip()
    if not title or not body:
        raise InvalidCannedReply(_("A canned reply needs a title and a text."))
    if len(body) > MAX_BODY_LENGTH:
        raise InvalidCannedReply(
            _("A canned reply can be at most %(limit)d characters long.")
            % {"limit": MAX_BODY_LENGTH}
        )
    template_fields(body)
    target = reply if reply is not None else CannedReply(created_by=by)
    target.language = language
    target.title = title
    target.body = body
    target.is_active = is_active
    try:
        with transaction.atomic():
            target.save()
            record_event(
                "canned.saved",
                actor=by,
                object_type="canned_reply",
                object_ref=str(target.pk),
                detail={"language": language, "active": is_active},
            )
    except IntegrityError:
        raise InvalidCannedReply(
            _("There is already a canned reply with this title in this language.")
        ) from None
    return target
