"""A request refused for a bad Host is a 400 and one WARNING line, no traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from safepassage.security.logs import QuietSecurityFilter


@pytest.fixture
def console_log() -> Iterator[io.StringIO]:
    """What the configured console log handler writes, as the deployer would see it."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler)
        and any(isinstance(f, QuietSecurityFilter) for f in handler.filters)
    ]
    assert handlers, "the console handler is configured with the quiet filter"
    handler = handlers[0]
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        yield written
    finally:
        if previous is not None:
            handler.setStream(previous)


@pytest.mark.django_db
def test_a_disallowed_host_is_a_400_and_one_warning_line(
    client: Client, console_log: io.StringIO
) -> None:
    hostile = "evil-host-marker.example"
    response = client.get("/ru/", HTTP_HOST=hostile)
    assert response.status_code == 400
    lines = [line for line in console_log.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert " WARNING django.security.DisallowedHost request refused: DisallowedHost" in lines[0]
    assert "Traceback" not in console_log.getvalue()
    assert hostile not in console_log.getvalue()


def test_other_records_pass_unchanged() -> None:
    record = logging.LogRecord("safepassage.worker", logging.ERROR, __file__, 1, "x %s", (1,), None)
    assert QuietSecurityFilter().filter(record)
    assert (record.levelno, record.msg, record.args) == (logging.ERROR, "x %s", (1,))
