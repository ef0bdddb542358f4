"""The hotline: calls answered by people and logged in the console."""

from safepassage.channels.hotline.channel import HotlineType

__all__ = ["HotlineType"]
