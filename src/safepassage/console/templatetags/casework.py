"""Template filters of the cases console: waiting times and durations in words."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.cases.domain.metrics import first_response_target
from safepassage.floods.display import flood_flag_text

register = template.Library()


def duration_text(delta: datetime.timedelta) -> str:
    """A short, translated duration: "under a minute", "12 min", "3 h 05 min", "4 d 2 h"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 1:
        return _("under a minute")
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


@register.filter
def duration(delta: datetime.timedelta | None) -> str:
    """``duration_text`` for a timedelta; "—" for None."""
    return "—" if delta is None else duration_text(delta)


@register.filter
def waited(moment: datetime.datetime | None) -> str:
    """How long ago ``moment`` was, as a duration; "—" when it is None (nobody waits)."""
    return "—" if moment is None else duration_text(timezone.now() - moment)


@register.filter
def waiting_class(moment: datetime.datetime | None) -> str:
    """``late`` once a wait passes the first-response target, else ``""``."""
    if moment is None:
        return ""
    return "late" if timezone.now() - moment > first_response_target() else ""


def _same_person_text(rest: str) -> str:
    # "same_person:<reference>:<reason>" (cases.domain.same_person).
    reference, _sep, reason = rest.partition(":")
    if reason == "service_number":
        text = _("Maybe the same person as %(reference)s: same service number")
    elif reason == "name_dob":
        text = _("Maybe the same person as %(reference)s: same name and date of birth")
    else:
        text = _("Maybe the same person as %(reference)s: same name in another spelling")
    return text % {"reference": reference}


@register.filter
def risk_flag(flag: str) -> str:
    """A risk flag in words (flags are codes and case references, never personal data)."""
    code, _sep, reference = str(flag).partition(":")
    if code == "shared_contact":
        return _("Shares a contact with %(reference)s") % {"reference": reference}
    if code == "previous_case":
        return _("Wrote before as %(reference)s") % {"reference": reference}
    if code == "same_person":
        return _same_person_text(reference)
    if code == "near_duplicate":
        return _("Near-duplicate of %(reference)s") % {"reference": reference}
    if code == "flood":
        return flood_flag_text(reference)
    return str(flag)
