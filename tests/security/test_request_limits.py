"""Bounded requests: an over-cap body is refused before it is read or spooled.

The adversary sends many 300 MiB multipart bodies to the public form and the inbox to
fill the server's disk.  Over real HTTP on loopback, the server must answer 413 in the
page's language after reading (at most) the headers, and write nothing to the
temporary directory.
"""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from safepassage.security.limits import max_request_bytes

BOUNDARY = "----safepassage-limit-test"
HUGE = 300 * 1024 * 1024
TEXT_413 = {
    "ru": "Форма слишком большая",
    "uk": "Форма завелика",
    "ko": "양식",
    "en": "The form was too large to read",
}


@pytest.fixture
def temp_dir(tmp_path: Path, settings: SettingsWrapper) -> Iterator[Path]:
    """A fresh temporary directory for uploads (Django's and Python's default)."""
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    previous = tempfile.tempdir
    tempfile.tempdir = str(spool)
    try:
        yield spool
    finally:
        tempfile.tempdir = previous


def post_huge(base: str, path: str, *, send: int) -> tuple[int, bytes, int]:
    """POST a multipart body declaring 300 MiB, sending at most ``send`` bytes of it;
    return the status, the response and how many body bytes the server took."""
    address = urlsplit(base)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {address.hostname}:{address.port}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {HUGE}\r\nConnection: close\r\n\r\n"
    ).encode()
    part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="message"; '
        'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    sent = 0
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(head + part)
        chunk = b"\0" * 65536
        try:
            while sent < send:
                sock.sendall(chunk)
                sent += len(chunk)
            # The rest of the 300 MiB never comes: a server that waited for it to
            # parse the form would not answer before the timeout.
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server answered and closed: it is not reading the rest
        response = b""
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                break
            if not data:
                break
            response += data
    status = int(response.split(b" ", 2)[1]) if response else 0
    return status, response, sent


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "page"), [("ru", ""), ("ko", "inbox"), ("uk", "inbox")])
def test_a_huge_multipart_body_is_refused_unread_and_nothing_is_spooled(
    live_server: LiveServer, temp_dir: Path, language: str, page: str
) -> None:
    status, response, _ = post_huge(live_server.url, f"/{language}/{page}", send=2 * 1024 * 1024)
    assert status == 413
    assert TEXT_413[language] in response.decode("utf-8", "replace")
    assert list(temp_dir.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_the_console_refuses_a_huge_body_in_english(
    live_server: LiveServer, temp_dir: Path
) -> None:
    status, response, _ = post_huge(live_server.url, "/console/login/", send=1024 * 1024)
    assert status == 413
    assert TEXT_413["en"] in response.decode()
    assert list(temp_dir.iterdir()) == []


@pytest.mark.django_db
def test_a_body_within_the_cap_still_reaches_the_form(client: Client, temp_dir: Path) -> None:
    """Just under the cap, the intake answers with its own form page, not the 413."""
    response = client.post(
        "/en/", data="message=" + "a" * 1000, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code != 413
    assert max_request_bytes() > 256 * 1024  # a full form always fits
    assert list(temp_dir.iterdir()) == []
