"""Console URLs.  Every view here is wrapped by ``console_view`` or ``console_public``
(tests/console/test_access_matrix.py walks this URLconf and fails otherwise)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from safepassage.console.navigation import EXTRA_URL_MODULES
from safepassage.console.views import accounts, audit, auth, enrolment, home

app_name = "console"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    # Signing in and out.
    path("sign-in/", auth.sign_in, name="sign-in"),
    path("sign-in/code/", auth.sign_in_code, name="sign-in-code"),
    # A new or reset account: the enrolment code, then own password and authenticator app.
    path("sign-in/enrolment-code/", enrolment.enrol_code, name="enrol-code"),
    path("sign-in/enrol/", enrolment.enrol, name="enrol"),
    path("sign-out/", auth.sign_out, name="sign-out"),
    path("language/", auth.switch_language, name="language"),
    # The signed-in person's own security settings.
    path("me/", auth.my_security, name="my-security"),
    path("me/password/", auth.change_password, name="password"),
    path("me/recovery-codes/", auth.new_recovery_codes, name="recovery-codes"),
    path("me/sign-out-everywhere/", auth.sign_out_everywhere, name="sign-out-everywhere"),
    # Admin: accounts.
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/new/", accounts.account_create, name="account-create"),
    path("accounts/<int:account_id>/", accounts.account_detail, name="account-detail"),
    *[
        path(
            f"accounts/<int:account_id>/{operation}/",
            accounts.account_action,
            {"operation": operation},
            name=f"account-{operation}",
        )
        for operation in accounts.ACCOUNT_OPERATIONS
    ],
    # Supervisor and admin: grants of access waiting for a second person (issue 12).
    path("accounts/requests/", accounts.request_list, name="access-requests"),
    path(
        "accounts/requests/<int:request_id>/approve/",
        accounts.request_approve,
        name="access-request-approve",
    ),
    path(
        "accounts/requests/<int:request_id>/refuse/",
        accounts.request_refuse,
        name="access-request-refuse",
    ),
    # Supervisor and admin: the audit log.
    path("audit/", audit.audit_log, name="audit"),
    path("audit/verify/", audit.audit_verify, name="audit-verify"),
    # The other console areas, each in its own URL module (listed in EXTRA_URL_MODULES so
    # the navigation can collect their ``nav_items``).
    *[path("", include(module)) for module in EXTRA_URL_MODULES],
]
