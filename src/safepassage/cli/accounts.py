"""``safepassage accounts bootstrap``: the first two admins of a new deployment."""

from __future__ import annotations

import argparse

from safepassage.cli.errors import CliError
from safepassage.cli.setup import check_database, setup_django


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``accounts`` subcommands."""
    accounts = sub.add_parser("accounts", help="console accounts that no console can create")
    accounts_sub = accounts.add_subparsers(dest="accounts_command", required=True)
    bootstrap = accounts_sub.add_parser(
        "bootstrap",
        help="create the first two admins of an empty deployment and print their "
        "enrolment codes (on a console host, once)",
    )
    bootstrap.add_argument("usernames", nargs=2, metavar="ADMIN", help="two people's names")


def run(args: argparse.Namespace) -> int:
    """Create the two admins; print each one's enrolment code once."""
    # On a console host: the codes are keyed with its SAFEPASSAGE_SECRET_KEY.
    setup_django()
    from safepassage.accounts.domain.bootstrap import bootstrap_admins
    from safepassage.accounts.domain.enrolment_codes import enrolment_lifetime
    from safepassage.accounts.domain.errors import AccountError

    check_database()
    try:
        codes = bootstrap_admins(list(args.usernames))
    except AccountError as error:
        raise CliError(str(error)) from None
    hours = int(enrolment_lifetime().total_seconds() // 3600)
    print(
        "Give each admin their own line, in person; it is shown only now. Each enrols at "
        f"/console/sign-in/enrolment-code/ within {hours} hours, choosing a password and "
        "a second factor. Every further account needs the approval of a second person."
    )
    for code in codes:
        print(f"  {code.username}: {code.first_half} {code.second_half}")
    return 0
