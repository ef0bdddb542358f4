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


class AccessRequest(models.Model):
    """A grant of access waiting for (or decided by) a second person (issue 12).

    Creating an account, widening its role or languages, resetting its sign-in (password
    and second factor) and re-activating it take effect only when someone other than the
    requester — and other than the account itself — who may approve that grant approves
    it (``accounts.rules``).  Narrowing access (deactivating, removing a language) needs
    no second person.

    A new account, or one whose sign-in was reset, is set up by its holder with an
    enrolment code in two halves: one shown once to the requester, the other once to the
    approver; each is stored only as a keyed hash.  Neither person alone can enrol.
    """

    class Kind(models.TextChoices):
        CREATE = "create", _("New account")
        GRANT = "grant", _("Role or languages")
        RESET_SIGN_IN = "reset_sign_in", _("Reset password and two-step sign-in")
        REACTIVATE = "reactivate", _("Re-activate account")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Null for a new account until it is approved (the account does not exist before).
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="access_requests"
    )
    # The account name the request is about (for a new account, the name it will have).
    username = models.CharField(max_length=64)
    # What is asked for: {"role", "languages", "display_name"} as applicable.
    payload = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Enrolment (new account, reset sign-in): keyed hashes of the two code halves.
    requester_code_hash = models.CharField(max_length=64, blank=True)
    approver_code_hash = models.CharField(max_length=64, blank=True)
    enrolment_expires_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"access request {self.pk} ({self.kind}, {self.status})"

    @property
    def role_label(self) -> str:
        """The role asked for (or the account's, if the request names none), translated."""
        role = self.payload.get("role") or (self.account.role if self.account else "")
        return str(Role(role).label) if role in Role.values else ""
