"""Production settings hash console passwords with Argon2 (tests use a cheaper Argon2)."""

from __future__ import annotations

import importlib


def test_production_settings_use_argon2_only() -> None:
    production = importlib.import_module("safepassage.settings")
    assert production.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]
