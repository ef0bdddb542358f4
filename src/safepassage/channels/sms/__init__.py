"""SMS in Twilio's format: signed form webhooks, REST Messages API, segment counts."""

from safepassage.channels.sms.channel import TwilioSmsType

__all__ = ["TwilioSmsType"]
