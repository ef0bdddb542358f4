"""Public views: entry points, the submission form and the applicant's inbox."""

from safepassage.intake.views.entry import campaign_link, quick_exit, root
from safepassage.intake.views.inbox import inbox, send_followup, sign_out
from safepassage.intake.views.submission import submission_form

__all__ = [
    "campaign_link",
    "inbox",
    "quick_exit",
    "root",
    "send_followup",
    "sign_out",
    "submission_form",
]
