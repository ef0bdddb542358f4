"""The voice line in Twilio Programmable Voice's wire format.

Twilio calls our webhooks as signed form POSTs (``X-Twilio-Signature``, checked exactly
as for SMS) and runs the TwiML we answer with:

* ``""`` — a call comes in: the language menu (``<Gather>``);
* ``menu`` — ``Digits`` chose a language: ring the phones of everyone on shift for it at
  once (``<Dial>`` with one ``<Client>`` each), or go to voicemail when nobody is;
* ``answered`` — a phone picked up (the ``<Client url>`` run on the operator's leg);
* ``dialed`` — the ring ended (``DialCallStatus``): hang up, or voicemail if missed;
* ``recorded`` — the caller left a message (``RecordingUrl``, ``RecordingSid``);
* ``status`` — the call's status callback (``CallStatus``, ``CallDuration``).

The intake stores only checked, content-minimal fields; the language and the answering
account travel in our own (signed) action URLs' query strings.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from typing_extensions import override

from safepassage.cases.states import Channel
from safepassage.channels.base import CallEvent, ChannelType, Event, SettingField
from safepassage.channels.hooks import Hook, WebhookAnswer, accept, read_body, refuse
from safepassage.channels.models import ChannelInstance
from safepassage.channels.ringing import client_identity, ringing
from safepassage.channels.sms.channel import SIGNATURE_HEADER, public_url, signature_valid
from safepassage.channels.voice import api, twiml

ENDPOINTS = frozenset({"", "menu", "answered", "dialed", "recorded", "status"})
_CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
_RECORDING_SID = re.compile(r"RE[0-9a-fA-F]{32}")
_NUMBER = re.compile(r"\+?[0-9]{3,20}")
_FINAL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
_LANGUAGES = frozenset(code for _digit, code in twiml.MENU)


def _xml(document: str) -> HttpResponse:
    return HttpResponse(document, content_type="text/xml")


def _seconds(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 7 else None


class TwilioVoiceType(ChannelType):
    slug = "voice"
    channel = Channel.HOTLINE
    label = _("Voice line (Twilio)")
    max_body = 16 * 1024
    auto_reply_default = False
    default_api_base = "https://api.twilio.com"
    credential_fields = (
        SettingField("account_sid", _("Account SID")),
        SettingField("api_key_sid", _("API key SID"), required=False),
        SettingField("api_secret", _("API key secret or auth token"), secret=True),
    )
    intake_secret_field = SettingField(
        "auth_token", _("Auth token (verifies X-Twilio-Signature)"), secret=True
    )
    config_fields = (
        SettingField(
            "public_base_url",
            _("Public base URL of the intake"),
            help_text=_("Exactly as configured in Twilio, e.g. https://example.org"),
        ),
        SettingField("language", _("Language when the caller presses nothing"), required=False),
        SettingField("api_base_url", _("REST API base URL"), required=False),
        *(
            SettingField(
                f"prompt_{name}_{code}",
                _("Recorded prompt URL (HTTPS): %(prompt)s, %(language)s")
                % {"prompt": name, "language": code},
                required=False,
            )
            for name in ("menu", "voicemail")
            for code in ("ru", "ko", "uk", "en")
        ),
    )

    # --- intake --------------------------------------------------------------------
    @override
    def webhook(self, request: HttpRequest, hook: Hook, endpoint: str) -> WebhookAnswer:
        if endpoint not in ENDPOINTS:
            return refuse(404, hook, "endpoint")
        if request.method != "POST":
            return refuse(405, hook, "method")
        raw = read_body(request, self.max_body)
        if raw is None:
            return refuse(413, hook, "too_large")
        try:
            params = urllib.parse.parse_qsl(
                raw.decode("utf-8"), keep_blank_values=True, max_num_fields=100
            )
        except (UnicodeDecodeError, ValueError):
            return refuse(400, hook, "not_form")
        header = request.headers.get(SIGNATURE_HEADER, "")
        if not signature_valid(hook.intake_secret, public_url(request, hook), params, header):
            return refuse(403, hook, "bad_signature")
        form = dict(reversed(params))
        sid = form.get("ParentCallSid", "") if endpoint == "answered" else form.get("CallSid", "")
        if not _CALL_SID.fullmatch(sid):
            return refuse(400, hook, "no_call_sid")
        caller = form.get("From", "")
        if endpoint in {"", "menu", "dialed", "recorded"} and not _NUMBER.fullmatch(caller):
            # Withheld numbers ("anonymous") reach nobody's case; Twilio sends them too.
            caller = ""
        config = self._config(hook)
        root = request.path[: -len(endpoint) - 1] if endpoint else request.path
        base = hook.public_base_url + root
        language = request.GET.get("lang", "")
        if endpoint in {"menu", "answered", "dialed", "recorded"}:
            if endpoint == "menu":
                language = dict(twiml.MENU).get(form.get("Digits", ""), language)
            if language not in _LANGUAGES:
                language = str(config.get("language") or "ru")
                language = language if language in _LANGUAGES else "ru"
        payload: dict[str, Any] = {"call": sid, "caller": caller, "language": language}
        if endpoint == "":
            fallback = f"{base}menu/?lang={config.get('language') or 'ru'}"
            return _xml(twiml.menu(config, action=f"{base}menu/", fallback=fallback))
        if endpoint == "menu":
            return accept("menu", payload, _xml(self._ring_or_voicemail(config, base, language)))
        if endpoint == "answered":
            op = request.GET.get("op", "")
            if not op.isdigit() or len(op) > 12:
                return refuse(400, hook, "no_operator")
            return accept("answered", {**payload, "op": int(op)}, _xml(twiml.empty()))
        if endpoint == "dialed":
            status = form.get("DialCallStatus", "")
            payload["talk"] = _seconds(form.get("DialCallDuration", ""))
            payload["answered"] = status == "completed"
            if status == "completed":
                return accept("dialed", payload, _xml(twiml.hang_up()))
            answer = twiml.voicemail(config, language, action=f"{base}recorded/?lang={language}")
            return accept("dialed", payload, _xml(answer))
        if endpoint == "recorded":
            url = form.get("RecordingUrl", "")
            recording = form.get("RecordingSid", "")
            if not _RECORDING_SID.fullmatch(recording) or api.recording_path(url) is None:
                return refuse(400, hook, "no_recording")
            if not url.startswith(("https://", "http://")):
                return refuse(400, hook, "no_recording")
            payload.update(recording=url, recording_id=recording)
            payload["duration"] = _seconds(form.get("RecordingDuration", ""))
            return accept("recorded", payload, _xml(twiml.hang_up()))
        status = form.get("CallStatus", "")
        if status not in _FINAL_STATUSES:
            return HttpResponse(status=200)  # interim news: ringing, in-progress
        payload["duration"] = _seconds(form.get("CallDuration", ""))
        return accept("status", payload)

    def _config(self, hook: Hook) -> dict[str, Any]:
        # The Hook keeps only what every channel needs; the menu and ring list are ours.
        config = (
            ChannelInstance.objects.filter(pk=hook.instance_id)
            .values_list("config", flat=True)
            .first()
        )
        return config if isinstance(config, dict) else {}

    def _ring_or_voicemail(self, config: dict[str, Any], base: str, language: str) -> str:
        people = ringing(config, language)
        if not people:
            return twiml.voicemail(config, language, action=f"{base}recorded/?lang={language}")
        return twiml.ring(
            [(client_identity(i), f"{base}answered/?lang={language}&op={i}") for i in people],
            action=f"{base}dialed/?lang={language}",
        )

    # --- worker --------------------------------------------------------------------
    @override
    def parse(self, payload: Any, endpoint: str) -> list[Event]:
        if not isinstance(payload, dict) or not isinstance(payload.get("call"), str):
            return []
        duration = payload.get("duration")
        talk = payload.get("talk")
        op = payload.get("op")
        return [
            CallEvent(
                call_id=payload["call"],
                caller=str(payload.get("caller", "")),
                language=str(payload.get("language", "")),
                answered_by=op if isinstance(op, int) else None,
                missed=endpoint == "dialed" and payload.get("answered") is False,
                duration=duration if isinstance(duration, int) and endpoint == "status" else None,
                talk_duration=talk if isinstance(talk, int) else None,
                recording=str(payload.get("recording", "")),
                recording_id=str(payload.get("recording_id", "")),
                ended=endpoint == "status",
            )
        ]

    # --- provider API --------------------------------------------------------------
    @override
    def fetch_media(
        self, instance: ChannelInstance, credentials: dict[str, str], ref: str
    ) -> tuple[bytes, str]:
        return api.fetch_and_delete_recording(self.api_base(instance), credentials, ref)
