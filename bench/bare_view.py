"""The floor the intake is compared with: a bare Django view that seals and inserts.

    python bench/bare_view.py --init     (create its table)
    python bench/bare_view.py --serve PORT --workers 2

One view, ``POST /``: it seals the posted ``message`` to the programme's public key
(``seal_envelope_body``, exactly as the intake seals a submission's body) and INSERTs it into one
table, in the database that ``DATABASE_URL`` names, with the project's SQLite options
(WAL, synchronous=NORMAL, IMMEDIATE transactions) and the same granian server and
worker count as ``safepassage serve --role intake``.  No forms, templates, sessions,
rate limits or receipts: whatever the intake costs on top of this is its own stack.
``SAFEPASSAGE_PUBLIC_KEY_FILE`` names the public key file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import dj_database_url
from django.conf import settings

from safepassage.db.sqlite import SQLITE_OPTIONS

_database = dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = dict(SQLITE_OPTIONS)
if not settings.configured:
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        DATABASES={"default": _database},
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_TZ=True,
        SECRET_KEY="bare-view-benchmark-only",  # noqa: S106 (signs nothing)
    )

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402

from safepassage.crypto.keyfile import load_public_keyfile  # noqa: E402
from safepassage.crypto.sealing import seal_envelope_body  # noqa: E402

TABLE = "bench_bare_envelope"
_PUBLIC = load_public_keyfile(Path(os.environ["SAFEPASSAGE_PUBLIC_KEY_FILE"]))


def submit(request: HttpRequest) -> HttpResponse:
    """Seal the posted message and store it; answer 200 with a short page."""
    if request.method != "POST":
        return HttpResponse("<p>bare</p>")
    body = {"v": 1, "message": request.POST.get("message", "")}
    sealed = seal_envelope_body(body, to=_PUBLIC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (body, received_at) VALUES (%s, %s)",  # noqa: S608
            [bytes(sealed), timezone.now()],
        )
    return HttpResponse('<p id="receipt">0000 0000 0000 0000</p>')


urlpatterns = [path("", submit)]
application = WSGIHandler()


def main() -> int:
    """Create the table (``--init``) or serve the view under granian (``--serve``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--init", action="store_true")
    parser.add_argument("--serve", type=int, metavar="PORT")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.init:
        blob = "BYTEA" if connection.vendor == "postgresql" else "BLOB"
        key = (
            "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(
                f"CREATE TABLE {TABLE} (id {key}, body {blob} NOT NULL, received_at TIMESTAMP)"
            )
        return 0
    if args.serve:
        from granian import Granian
        from granian.constants import Interfaces

        sys.path.insert(0, str(Path(__file__).parent))
        Granian(
            "bare_view:application",
            address="127.0.0.1",
            port=args.serve,
            interface=Interfaces.WSGI,
            workers=args.workers,
            log_access=False,
        ).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
