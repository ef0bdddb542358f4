"""Accounts domain tests."""
