"""TwiML the voice line answers with: the language menu, the ring, the voicemail.

Prompts are the admin's recordings (``<Play>``, one URL per language and prompt in the
channel's config) or, without one, synthesised speech (``<Say>``) in the language.
Every text is escaped; nothing personal is ever spoken or put in a URL.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from django.utils import translation
from django.utils.translation import gettext

# Digit → language, in the order the menu offers them.
MENU = (("1", "ru"), ("2", "ko"), ("3", "uk"), ("4", "en"))
SAY_LANGUAGE = {"ru": "ru-RU", "ko": "ko-KR", "uk": "uk-UA", "en": "en-US"}
RING_SECONDS = 25
MAX_RECORDING_SECONDS = 180


def _document(*verbs: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?><Response>' + "".join(verbs) + "</Response>"


def _prompt(config: dict[str, object], name: str, language: str, text: str) -> str:
    recorded = config.get(f"prompt_{name}_{language}")
    if isinstance(recorded, str) and recorded.startswith("https://"):
        return f"<Play>{escape(recorded)}</Play>"
    return f"<Say language={quoteattr(SAY_LANGUAGE[language])}>{escape(text)}</Say>"


def menu_text(language: str) -> str:
    """The menu line for one language, spoken in that language."""
    digit = {code: d for d, code in MENU}[language]
    with translation.override(language):
        return gettext("To talk in this language, press %(digit)s.") % {"digit": digit}


def voicemail_text(language: str) -> str:
    """What a caller hears when nobody can take the call."""
    with translation.override(language):
        return gettext(
            "Nobody can answer right now. Please leave a message after the tone. "
            "We will call you back as soon as we can."
        )


def menu(config: dict[str, object], *, action: str, fallback: str) -> str:
    """Choose a language by one key; silence falls through to the default language."""
    prompts = "".join(_prompt(config, "menu", code, menu_text(code)) for _digit, code in MENU)
    return _document(
        f'<Gather numDigits="1" timeout="8" method="POST" action={quoteattr(action)}>'
        f"{prompts}</Gather>",
        f'<Redirect method="POST">{escape(fallback)}</Redirect>',
    )


def ring(identities: list[tuple[str, str]], *, action: str) -> str:
    """Ring every phone at once; the first to answer takes the call.  ``identities`` are
    ``(client identity, URL run when that phone answers)`` pairs."""
    clients = "".join(
        f'<Client method="POST" url={quoteattr(url)}>{escape(identity)}</Client>'
        for identity, url in identities
    )
    return _document(
        f'<Dial timeout="{RING_SECONDS}" answerOnBridge="true" method="POST" '
        f"action={quoteattr(action)}>{clients}</Dial>"
    )


def voicemail(config: dict[str, object], language: str, *, action: str) -> str:
    """Say that a message can be left, then record it."""
    return _document(
        _prompt(config, "voicemail", language, voicemail_text(language)),
        f'<Record maxLength="{MAX_RECORDING_SECONDS}" playBeep="true" method="POST" '
        f"action={quoteattr(action)}/>",
    )


def hang_up() -> str:
    """End the call (after a conversation or a recording)."""
    return _document("<Hangup/>")


def empty() -> str:
    """Nothing to do (the operator's leg connects at once)."""
    return _document()
