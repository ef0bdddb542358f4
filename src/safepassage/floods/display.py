"""Words for flood signals, used by the console's ``risk_flag`` filter."""

from __future__ import annotations

from django.utils.translation import gettext as _


def flood_flag_text(group: str) -> str:
    """A ``flood:<group id>`` risk flag in words."""
    return _("In suspected flood #%(group)s") % {"group": group}
