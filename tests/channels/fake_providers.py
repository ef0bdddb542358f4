"""A local HTTP server that speaks the providers' APIs (Telegram Bot API, WhatsApp Cloud
API, Twilio REST) on loopback, so outbound code runs unpatched against real HTTP.

Tests script failures with :meth:`FakeProviders.fail_next` (status, JSON body, headers)
and read what was sent from :attr:`FakeProviders.calls`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MEDIA_BYTES = b"\xff\xd8\xff\xe0" + b"fake-jpeg-content" * 64


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode()))


@dataclass
class Scripted:
    pattern: str
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class FakeProviders:
    """Telegram, WhatsApp and Twilio in one loopback server."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._script: list[Scripted] = []
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                call = Call(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                status, payload, headers = owner.answer(call)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                content_type = "image/jpeg" if isinstance(payload, bytes) else "application/json"
                self.send_header("Content-Type", content_type)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _handle
            do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeProviders:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(
        self,
        pattern: str,
        status: int,
        body: Any,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls whose path matches ``pattern`` get this answer."""
        with self._lock:
            for _ in range(times):
                self._script.append(Scripted(pattern, status, body, headers or {}))

    def calls_to(self, pattern: str) -> list[Call]:
        return [call for call in self.calls if re.search(pattern, call.path)]

    def answer(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            self.calls.append(call)
            for scripted in self._script:
                if re.search(scripted.pattern, call.path):
                    self._script.remove(scripted)
                    return scripted.status, scripted.body, scripted.headers
        return self._default(call)

    # --- the providers' normal answers ------------------------------------------------
    def _default(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        path = call.path
        if match := re.fullmatch(r"/bot([^/]+)/(\w+)", path):
            return self._telegram(match[2], call)
        if re.fullmatch(r"/file/bot[^/]+/.+", path):
            return 200, MEDIA_BYTES, {}
        if match := re.fullmatch(r"/v21\.0/(\d+)/messages", path):
            if call.headers.get("authorization", "") != "Bearer wa-access-token":
                return (
                    401,
                    {
                        "error": {
                            "message": "Invalid OAuth access token.",
                            "type": "OAuthException",
                            "code": 190,
                        }
                    },
                    {},
                )
            sent = call.json()
            return (
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": sent["to"], "wa_id": sent["to"]}],
                    "messages": [{"id": f"wamid.HBgL{next(self._ids)}"}],
                },
                {},
            )
        if match := re.fullmatch(r"/v21\.0/(\d+)", path):
            return (
                200,
                {
                    "messaging_product": "whatsapp",
                    "url": f"{self.url}/whatsapp-media/{match[1]}",
                    "mime_type": "image/jpeg",
                    "sha256": "0" * 64,
                    "file_size": len(MEDIA_BYTES),
                    "id": match[1],
                },
                {},
            )
        if path.startswith("/whatsapp-media/"):
            return 200, MEDIA_BYTES, {}
        if match := re.fullmatch(r"/2010-04-01/Accounts/(AC\w+)/Messages\.json", path):
            form = call.form()
            sid = f"SM{next(self._ids):032d}"
            return (
                201,
                {
                    "sid": sid,
                    "account_sid": match[1],
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "error_code": None,
                    "error_message": None,
                    "api_version": "2010-04-01",
                    "uri": f"/2010-04-01/Accounts/{match[1]}/Messages/{sid}.json",
                },
                {},
            )
        return 404, {"error": "not found"}, {}

    def _telegram(self, method: str, call: Call) -> tuple[int, Any, dict[str, str]]:
        params = call.json() if call.body else {}
        if method == "sendMessage":
            return (
                200,
                {
                    "ok": True,
                    "result": {
                        "message_id": next(self._ids),
                        "from": {"id": 7000000001, "is_bot": True, "first_name": "Helpline"},
                        "chat": {"id": int(params["chat_id"]), "type": "private"},
                        "date": 1732350000,
                        "text": params["text"],
                    },
                },
                {},
            )
        if method == "getFile":
            return (
                200,
                {
                    "ok": True,
                    "result": {
                        "file_id": params["file_id"],
                        "file_unique_id": "AgADBAADr6cxG",
                        "file_size": len(MEDIA_BYTES),
                        "file_path": "photos/file_42.jpg",
                    },
                },
                {},
            )
        if method in {"setWebhook", "answerCallbackQuery"}:
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}, {}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}, {}
