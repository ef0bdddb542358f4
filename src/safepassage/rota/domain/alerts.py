"""Coverage alerts pushed to supervisors by e-mail: gaps in the rota and late cases.

Raised by the worker's periodic job.  Each gap alerts once (an open ``CoverageAlert``
per language silences the next sweeps until the language is covered again through the
whole horizon); each case alerts once per wait.  An alert names a language, a moment and
counts; never a case's content, reference or contact.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.cases.domain.metrics import first_response_target
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState
from safepassage.rota.domain.coverage import (
    Gap,
    first_gap,
    horizon,
    relevant_shifts,
    rota_languages,
)
from safepassage.rota.models import AlertKind, CoverageAlert

logger = logging.getLogger(__name__)
# Late cases read per sweep; a flood must not turn one sweep into a long scan.
_MAX_LATE_PER_SWEEP = 500


@dataclass
class SweepReport:
    """What one sweep raised (counts, for the task result and tests)."""

    gaps: list[Gap] = field(default_factory=list)
    late: dict[str, int] = field(default_factory=dict)
    resolved: int = 0
    mailed: int = 0


def alert_recipients() -> list[str]:
    """Supervisors' alert addresses (``SAFEPASSAGE_ALERT_EMAILS``)."""
    return list(getattr(settings, "SAFEPASSAGE_ALERT_EMAILS", None) or [])


def _claim(key: str, **fields: object) -> bool:
    """Insert the alert row; False when another sweep (or worker) already raised it."""
    try:
        with transaction.atomic():
            CoverageAlert.objects.create(key=key, **fields)
    except IntegrityError:
        return False
    return True


def _sweep_gaps(now: datetime.datetime, report: SweepReport) -> None:
    within = horizon()
    shifts = relevant_shifts(now=now, within=within)
    for language in rota_languages():
        gap = first_gap(language, now=now, within=within, shifts=shifts)
        open_alerts = CoverageAlert.objects.filter(
            kind=AlertKind.GAP, language=language, resolved_at=None
        )
        if gap is None:
            report.resolved += open_alerts.update(resolved_at=now)
            continue
        if open_alerts.exists():
            continue
        key = f"gap:{language}:{gap.starts_at.isoformat()}"
        if _claim(
            key,
            kind=AlertKind.GAP,
            language=language,
            gap_starts_at=gap.starts_at,
            raised_at=now,
        ):
            report.gaps.append(gap)


def _sweep_late(now: datetime.datetime, report: SweepReport) -> None:
    late = (
        Case.objects.filter(
            waiting_since__isnull=False,
            waiting_since__lte=now - first_response_target(),
            merged_into=None,
        )
        .exclude(state=CaseState.CLOSED)
        .order_by("waiting_since")
        .values_list("pk", "language", "waiting_since")[:_MAX_LATE_PER_SWEEP]
    )
    for pk, language, since in late:
        if since is None:  # excluded by the filter; narrows the type
            continue
        key = f"late:{pk}:{since.isoformat()}"
        if _claim(key, kind=AlertKind.LATE, language=language, raised_at=now):
            report.late[language] = report.late.get(language, 0) + 1


def _message(report: SweepReport, now: datetime.datetime) -> tuple[str, str]:
    lines = []
    for gap in report.gaps:
        if gap.is_now(now):
            lines.append(_("Nobody is on shift for %(language)s now.") % {"language": gap.language})
        else:
            lines.append(
                _("Nobody will be on shift for %(language)s from %(at)s UTC.")
                % {"language": gap.language, "at": f"{gap.starts_at:%Y-%m-%d %H:%M}"}
            )
    target = int(first_response_target().total_seconds() // 60)
    for language, count in sorted(report.late.items()):
        lines.append(
            _("%(count)d case(s) in %(language)s waited longer than %(minutes)d minutes.")
            % {"count": count, "language": language, "minutes": target}
        )
    lines.append("")
    lines.append(_("Open the supervision page of the console for details."))
    return _("SafePassage coverage alert"), "\n".join(lines)


def raise_coverage_alerts(*, now: datetime.datetime | None = None) -> SweepReport:
    """One sweep: new gaps and newly late cases, one e-mail for whatever is new.

    Side effects: ``CoverageAlert`` rows; one e-mail to ``SAFEPASSAGE_ALERT_EMAILS``;
    one ``rota.coverage_alert`` audit event (counts and languages only).  If the mail
    cannot be sent the rows stay (the next sweep will not repeat it) and the failure
    is logged without content; the supervision page still shows the gap.
    """
    now = now or timezone.now()
    report = SweepReport()
    _sweep_gaps(now, report)
    _sweep_late(now, report)
    if not report.gaps and not report.late:
        return report
    recipients = alert_recipients()
    language = getattr(settings, "SAFEPASSAGE_ALERT_LANGUAGE", "en") or "en"
    with translation.override(language):
        subject, body = _message(report, now)
    if recipients:
        try:
            report.mailed = send_mail(subject, body, None, recipients)
        except OSError:
            logger.warning("coverage alert e-mail could not be sent")
    record_event(
        "rota.coverage_alert",
        object_type="rota",
        detail={
            "gaps": [gap.language for gap in report.gaps],
            "late": report.late,
            "mailed": report.mailed,
        },
    )
    return report
