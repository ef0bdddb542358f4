"""The accounts service layer: sign-in steps, self-service and admin account management.

Views call these functions; none of them saves an ``Account`` directly.
"""

from safepassage.accounts.domain.admin import (
    create_account,
    reset_password,
    reset_totp,
    set_account_active,
    set_on_shift,
    update_account,
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
    "begin_totp_enrolment",
    "change_password",
    "check_password_step",
    "check_second_factor",
    "confirm_totp_enrolment",
    "create_account",
    "record_sign_in",
    "record_sign_in_failure_event",
    "regenerate_recovery_codes",
    "reset_password",
    "reset_totp",
    "set_account_active",
    "set_console_language",
    "set_on_shift",
    "sign_out_everywhere",
    "update_account",
]
