"""The voice line over Twilio Programmable Voice (TwiML webhooks, REST for recordings)."""

from safepassage.channels.voice.channel import TwilioVoiceType

__all__ = ["TwilioVoiceType"]
