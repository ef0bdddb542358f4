"""WhatsApp Cloud API channel type."""

from safepassage.channels.whatsapp.channel import WhatsAppType

__all__ = ["WhatsAppType"]
