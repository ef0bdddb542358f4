"""Messenger and hotline channels: one package per channel type."""
