"""The accounts service layer: sign-in steps, enrolment, self-service, and account
management under the two-person rule.

Views call these functions; none of them saves an ``Account`` directly.
"""

from safepassage.accounts.domain.admin import (
    deactivate_account,
    set_on_shift,
    update_account,
)
from safepassage.accounts.domain.approvals import (
    approve_request,
    pending_for,
    refuse_request,
    request_grant,
    request_new_account,
    request_reactivation,
    request_sign_in_reset,
)
from safepassage.accounts.domain.errors import AccountError
from safepassage.accounts.domain.signin import (
    begin_totp_enrolment,
    change_password,
    check_password_step,
    check_second_factor,
    confirm_totp_enrolment,
    record_sign_in,
    record_sign_in_failure_event,
    regenerate_recovery_codes,
    set_console_language,
    sign_out_everywhere,
)

__all__ = [
    "AccountError",
    "approve_request",
    "begin_totp_enrolment",
    "change_password",
    "check_password_step",
    "check_second_factor",
    "confirm_totp_enrolment",
    "deactivate_account",
    "pending_for",
    "record_sign_in",
    "record_sign_in_failure_event",
    "refuse_request",
    "regenerate_recovery_codes",
    "request_grant",
    "request_new_account",
    "request_reactivation",
    "request_sign_in_reset",
    "set_console_language",
    "set_on_shift",
    "sign_out_everywhere",
    "update_account",
]
