"""``safepassage check``."""

from __future__ import annotations

from safepassage.cli.dbroles import rights_results
from safepassage.cli.errors import CliError
from safepassage.cli.setup import (
    check_database,
    check_secret_key,
    describe_database,
    setup_django,
    unlock_keys,
)
from safepassage.env import env_str


def self_check() -> int:
    """Check a deployment: keys, database, migrations and secure settings, one line each."""
    role = env_str("SAFEPASSAGE_ROLE", "all")
    setup_django(role)
    from django.conf import settings

    results: list[tuple[bool, str]] = []

    def attempt(label: str, func: object) -> None:
        try:
            func()  # type: ignore[operator]
            results.append((True, label))
        except CliError as error:
            results.append((False, f"{label}: {error}"))

    attempt("Django secret key configured", check_secret_key)
    attempt(f"{describe_database()} reachable and migrated", check_database)
    database_ok = results[-1][0]
    attempt(f"keys for the {role} role readable", lambda: unlock_keys(role))
    rights, warnings = rights_results(role, reachable=database_ok)
    results.extend(rights)
    results.append(_flood_settings_result())
    if role in {"worker", "all"}:
        witness = settings.SAFEPASSAGE_AUDIT_WITNESS_FILE
        results.append(
            (
                witness is not None,
                f"audit heads witnessed in {witness}"
                if witness is not None
                else "audit witness file set (SAFEPASSAGE_AUDIT_WITNESS_FILE)",
            )
        )

    results.append(_retention_settings_result())
    results.append((not settings.DEBUG, "DEBUG is off"))
    results.append((settings.SESSION_COOKIE_SECURE, "cookies marked Secure (TLS)"))
    results.append((settings.SECURE_HSTS_SECONDS > 0, "HSTS enabled"))
    results.append(
        ("*" not in settings.ALLOWED_HOSTS, f"allowed hosts: {', '.join(settings.ALLOWED_HOSTS)}")
    )
    for ok, label in results:
        print(f"[{'ok' if ok else 'FAIL'}] {label}")
    for warning in warnings:
        print(f"[warn] {warning}")
    return 0 if all(ok for ok, _ in results) else 1


def _flood_settings_result() -> tuple[bool, str]:
    """A malformed flood setting would make every new case's envelope fail in the
    worker; say so at deploy time instead."""
    from safepassage.floods.conf import flood_settings

    try:
        flood_settings()
    except ValueError as error:
        return False, f"flood settings: {error}"
    return True, "flood settings valid"


def _retention_settings_result() -> tuple[bool, str]:
    """A malformed retention period would stop the worker's purges; say so at deploy."""
    from safepassage.retention.conf import retention_settings

    try:
        retention_settings()
    except ValueError as error:
        return False, f"retention settings: {error}"
    return True, "retention settings valid"
