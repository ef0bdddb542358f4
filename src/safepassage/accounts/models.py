"""The console account model."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.crypto.fields import SealedField


class Role(models.TextChoices):
    """What an account may see and do (ARCHITECTURE.md § Roles)."""

    OPERATOR = "operator", _("Operator")
    SUPERVISOR = "supervisor", _("Supervisor")
    REGISTRAR = "registrar", _("Registrar")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Admin")


class AccountManager(BaseUserManager["Account"]):
    """Creates accounts with a role; there is no Django superuser concept here."""

    def create_account(
        self,
        username: str,
        password: str,
        *,
        role: str,
        languages: list[str] | None = None,
        display_name: str = "",
    ) -> Account:
        """Create an account with an Argon2-hashed password (TOTP is enrolled separately)."""
        account = self.model(
            username=username,
            role=role,
            languages=list(languages or []),
            display_name=display_name or username,
        )
        account.set_password(password)
        account.save()
        return account


class Account(AbstractBaseUser):
    """A person who signs in to the console."""

    username = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(max_length=100)
    role = models.CharField(max_length=16, choices=Role.choices)
    # Language codes the person reads; operators see only these queues.
    languages = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    # TOTP secret sealed to the programme key: only the console (which holds the secret
    # key) can verify codes; a database dump alone cannot mint them.
    totp_secret = SealedField(null=True, blank=True)
    totp_confirmed = models.BooleanField(default=False)
    # Argon2 hashes of unused recovery codes.
    recovery_codes = models.JSONField(default=list, blank=True)
    # Bumped by "sign out everywhere": sessions remember the value they started with.
    session_generation = models.PositiveIntegerField(default=0)
    on_shift = models.BooleanField(default=False)
    # Set when an admin chose the password (a new account, a reset): the person must
    # replace it before the console lets them do anything else.
    must_change_password = models.BooleanField(default=False)
    # The last TOTP time step accepted, so an observed code cannot be replayed.
    totp_last_step = models.BigIntegerField(null=True, blank=True)
    # "en" or "uk"; empty means "follow the browser".
    console_language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["role"]

    objects = AccountManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    def reads(self, language: str) -> bool:
        """Whether this account reads the given language code."""
        return language in self.languages


class SignInFailure(models.Model):
    """One failed sign-in step, counted to throttle guessing.

    Kept in the database (not in process memory) so the limit holds across several
    console processes.  ``key`` is a keyed hash of ``account:<username>`` or
    ``ip:<address>``: neither typed usernames (sometimes a password typed in the wrong
    box) nor operators' addresses are stored in the clear.
    """

    key = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "created_at"])]

    def __str__(self) -> str:
        return f"sign-in failure at {self.created_at:%Y-%m-%d %H:%M}"
