"""Telegram Bot API channel type."""

from safepassage.channels.telegram.channel import TelegramType

__all__ = ["TelegramType"]
