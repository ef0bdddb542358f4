"""The one table of database rights per tier (PostgreSQL): who may do what, and why.

``safepassage db grant`` applies exactly this table and ``safepassage check`` compares a
tier's actual rights with it; a test fails when the migrations create a table that has
no decision here.  Tables are named as in the database (the table names survive the
apps being re-layered).  Every right carries the reason the tier's code needs it; a
right without a reason does not belong here.

What no tier gets, for any table: TRUNCATE, REFERENCES, TRIGGER, and UPDATE or DELETE
on the audit trail.  Foreign-key checks run with the table owner's rights, so a tier
inserting a row that points at another table needs no right on that table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Tier = Literal["intake", "worker", "console"]
TIERS: Final[tuple[Tier, ...]] = ("intake", "worker", "console")
PRIVILEGES: Final[tuple[str, ...]] = ("SELECT", "INSERT", "UPDATE", "DELETE")
DEFAULT_ROLE_PREFIX = "safepassage"


@dataclass(frozen=True)
class Right:
    """One privilege on one table, on the whole row or on the named columns only."""

    privilege: str
    why: str
    columns: tuple[str, ...] = ()

    def describe(self, table: str) -> str:
        """``SELECT (a, b) ON t`` as the deployer reads it."""
        cols = f" ({', '.join(self.columns)})" if self.columns else ""
        return f"{self.privilege}{cols} ON {table}"


def _rights(*privileges: str, why: str) -> tuple[Right, ...]:
    return tuple(Right(privilege, why) for privilege in privileges)


_MIGRATIONS = "preflight (serve, check) reads which migrations are applied"
_AUDIT_HEAD = (
    "record_event locks the head row (SELECT … FOR UPDATE needs UPDATE), creates it on the "
    "first event and moves it to the new event"
)
_AUDIT_INSERT = "every audited action appends one event"
_AUDIT_RETURNING = "the ORM's INSERT … RETURNING id needs SELECT on id"
_PURGE = "retention: the purge of due cases deletes the conversation (or the register record)"

# The worker never writes a register record's content: it reads which records are
# still open (a purge waits for them), seals values under the register key in its sweep,
# and deletes a record whose period after release has run out.
_REGISTER_RETENTION = _rights(
    "SELECT",
    "UPDATE",
    "DELETE",
    why="retention: open records hold a purge; the sweep; expired records are purged",
)

# table -> tier -> rights.  A tier missing from a table's entry has no right on it.
TABLES: Final[dict[str, dict[Tier, tuple[Right, ...]]]] = {
    "django_migrations": {
        "intake": _rights("SELECT", why=_MIGRATIONS),
        "worker": _rights("SELECT", why=_MIGRATIONS),
        "console": _rights("SELECT", why=_MIGRATIONS),
    },
    # --- public intake -------------------------------------------------------------------
    "intake_sentform": {
        "intake": (
            Right("INSERT", "a submission's one-time form token, with the envelope"),
            Right(
                "SELECT",
                "a reload or second click finds the token and its sealed receipt",
                ("id", "token_hash", "sent_at", "receipt"),
            ),
            Right("DELETE", "the writer forgets tokens older than their window"),
        ),
    },
    "intake_inboundenvelope": {
        "intake": (
            Right("INSERT", "every submission, follow-up and webhook call is one sealed row"),
            Right("SELECT", _AUDIT_RETURNING + " (nothing else: no body, no status)", ("id",)),
        ),
        "console": (
            Right("INSERT", "partner API hand-overs (issue 18): one sealed row each"),
            Right("SELECT", _AUDIT_RETURNING, ("id",)),
        ),
        "worker": (
            Right("SELECT", "the envelope loop opens pending envelopes"),
            Right("UPDATE", "marks envelopes processed, failed, skipped or due for a retry"),
            Right("DELETE", "retention housekeeping: processed envelopes, old failures"),
        ),
    },
    # --- accounts and sessions (console only) --------------------------------------------
    "accounts_account": {
        "worker": (
            Right(
                "SELECT",
                "settling a flood verdict acts as the deciding supervisor (role, name for "
                "the audit event); never passwords, TOTP secrets or recovery codes",
                ("id", "username", "display_name", "role", "languages", "is_active"),
            ),
        ),
        "console": _rights(
            "SELECT", "INSERT", "UPDATE", why="sign-in, second factor, account administration"
        ),
    },
    "accounts_signinfailure": {
        "console": _rights(
            "SELECT",
            "INSERT",
            "DELETE",
            why="sign-in throttle: counts failures, records them, forgets old ones",
        ),
    },
    "accounts_accessrequest": {
        "console": _rights(
            "SELECT",
            "INSERT",
            "UPDATE",
            why="two-person rule: requests for access, their approval, enrolment codes",
        ),
    },
    "rota_shift": {
        "worker": (
            Right(
                "SELECT",
                "the coverage sweep reads planned and running shifts to find gaps",
                ("id", "account_id", "languages", "starts_at", "ends_at", "started_at", "ended_at"),
            ),
        ),
        "console": _rights(
            "SELECT", "INSERT", "UPDATE", why="the rota: plan, swap, start and end shifts"
        ),
    },
    "rota_coveragealert": {
        "worker": _rights(
            "SELECT",
            "INSERT",
            "UPDATE",
            why="the coverage sweep raises each alert once and resolves covered gaps",
        ),
        "console": _rights("SELECT", why="the rota page lists open gap alerts"),
    },
    "django_session": {
        "worker": (
            Right("SELECT", "housekeeping finds expired sessions by date only", ("expire_date",)),
            Right("DELETE", "housekeeping deletes expired console sessions"),
        ),
        "console": _rights(
            "SELECT", "INSERT", "UPDATE", "DELETE", why="console sessions (sign-out deletes)"
        ),
    },
    # --- audit: append only ----------------------------------------------------------------
    "audit_auditevent": {
        "worker": (
            Right("INSERT", _AUDIT_INSERT),
            Right("SELECT", _AUDIT_RETURNING, ("id",)),
        ),
        "console": (
            Right("INSERT", _AUDIT_INSERT),
            Right("SELECT", "the audit page and `audit verify` read the chain"),
        ),
    },
    "audit_audithead": {
        "worker": _rights("SELECT", "INSERT", "UPDATE", why=_AUDIT_HEAD),
        "console": _rights("SELECT", "INSERT", "UPDATE", why=_AUDIT_HEAD),
    },
    "audit_auditsignedhead": {
        "worker": _rights("SELECT", "INSERT", why="signs the chain's head on its timer"),
        "console": _rights(
            "SELECT", "INSERT", why="`audit sign` on demand; `audit verify` reads the heads"
        ),
    },
    # --- case keys and retention ---------------------------------------------------------
    "crypto_casekey": {
        "worker": _rights(
            "SELECT",
            "INSERT",
            "DELETE",
            why="seals case values under their case key; a purge destroys the key",
        ),
        "console": _rights("SELECT", "INSERT", why="seals case values under their case key"),
    },
    "retention_caseretention": {
        "worker": _rights(
            "SELECT", "INSERT", "UPDATE", why="due cases, holds; marks a case purged"
        ),
        "console": _rights(
            "SELECT", "INSERT", "UPDATE", why="legal holds and purges brought forward"
        ),
    },
    # --- cases ---------------------------------------------------------------------------
    "cases_case": {
        "worker": _rights(
            "SELECT", "INSERT", "UPDATE", why="opens cases, reopens them, flags and counts them"
        ),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="casework, hotline cases, merges"),
    },
    "cases_contact": {
        "worker": (
            *_rights(
                "SELECT",
                "INSERT",
                "UPDATE",
                why="finds or registers the sender (receipt lookup hash, chat identity)",
            ),
            Right("DELETE", _PURGE),
        ),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="workspace, hotline, merges"),
    },
    "cases_message": {
        "worker": (
            *_rights("SELECT", "INSERT", "UPDATE", why="stores inbound messages, delivery status"),
            Right("DELETE", _PURGE),
        ),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="reads and writes replies, merges"),
    },
    "cases_note": {
        "worker": _rights(
            "SELECT", "UPDATE", "DELETE", why=_PURGE + "; the sweep seals notes under case keys"
        ),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="operators' notes, merges"),
    },
    "cases_verificationcheck": {
        "worker": _rights(
            "SELECT", "UPDATE", "DELETE", why=_PURGE + "; the sweep seals details under case keys"
        ),
        "console": _rights(
            "SELECT", "INSERT", "DELETE", why="the verification checklist: confirm, withdraw"
        ),
    },
    "cases_merge": {
        "worker": _rights(
            "SELECT", why="a purge first re-homes values a merge moved in from other cases"
        ),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="merging and un-merging cases"),
    },
    "cases_cannedreply": {
        "console": _rights("SELECT", "INSERT", "UPDATE", why="canned replies and their editing"),
    },
    # --- campaigns -----------------------------------------------------------------------
    "campaigns_campaign": {
        "intake": (
            Right(
                "SELECT",
                "the entry page checks a leaflet's campaign code and its languages",
                ("id", "code", "languages"),
            ),
        ),
        "worker": _rights("SELECT", why="attributes a new case to the campaign code it carries"),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="campaign management, leaflets"),
    },
    "campaigns_attribution": {
        "worker": _rights("SELECT", "INSERT", "UPDATE", why="attributes new cases"),
        "console": _rights(
            "SELECT", "INSERT", "UPDATE", "DELETE", why="merging moves or drops attributions"
        ),
    },
    # --- channels ------------------------------------------------------------------------
    "channels_channelinstance": {
        "intake": (
            Right(
                "SELECT",
                "the webhook receiver finds the channel by its path key's hash and checks the "
                "call's signature (never the sending credentials or the sealed path key)",
                (
                    "id",
                    "channel_type",
                    "is_active",
                    "hook_key_hash",
                    "intake_secret",
                    "verify_hash",
                    "config",
                ),
            ),
        ),
        "worker": _rights("SELECT", why="opens webhook envelopes and sends with the credentials"),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="channel administration"),
    },
    "channels_chatsession": {
        "worker": (
            *_rights("SELECT", "INSERT", "UPDATE", why="messenger conversation state"),
            Right("DELETE", _PURGE + "; housekeeping"),
        ),
        "console": _rights("SELECT", "UPDATE", why="replies go to the chat; merges move it"),
    },
    "channels_mediaattachment": {
        "worker": (
            *_rights("SELECT", "INSERT", "UPDATE", why="fetches and stores media"),
            Right("DELETE", _PURGE),
        ),
        "console": _rights("SELECT", "UPDATE", why="shows media in the workspace; merges"),
    },
    "channels_outbounddelivery": {
        "worker": (
            *_rights("SELECT", "INSERT", "UPDATE", why="sends replies, retries, status"),
            Right("DELETE", _PURGE + "; housekeeping"),
        ),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="queues replies, shows their status"),
    },
    "channels_hotlinecall": {
        "worker": _rights("SELECT", "UPDATE", "DELETE", why=_PURGE + "; the case-key sweep"),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="operators log hotline calls"),
    },
    "channels_callback": {
        "worker": (
            *_rights("SELECT", "UPDATE", "DELETE", why=_PURGE + "; the case-key sweep"),
            Right("INSERT", "a voicemail asks for a call-back at once"),
        ),
        "console": _rights("SELECT", "INSERT", "UPDATE", why="hotline call-backs"),
    },
    "channels_voicecall": {
        "worker": (
            *_rights("SELECT", "INSERT", "UPDATE", why="builds each voice call from its callbacks"),
            Right("DELETE", _PURGE),
        ),
        "console": _rights("SELECT", why="shows the case's calls in the workspace"),
    },
    # --- register (the console keeps it; the worker only ages it out) --------------------
    "register_capturedperson": {
        "worker": _REGISTER_RETENTION,
        "console": _rights("SELECT", "INSERT", "UPDATE", why="the register of captured persons"),
    },
    "register_capturecard": {
        "worker": _REGISTER_RETENTION,
        "console": _rights("SELECT", "INSERT", "UPDATE", why="capture cards"),
    },
    "register_welfareevent": {
        "worker": _REGISTER_RETENTION,
        "console": _rights("SELECT", "INSERT", "UPDATE", why="welfare events; exports mark them"),
    },
    "register_repatriationwish": {
        "worker": _REGISTER_RETENTION,
        "console": _rights("SELECT", "INSERT", "UPDATE", why="the wish at repatriation"),
    },
    "register_bureauexport": {
        "console": _rights("SELECT", "INSERT", "UPDATE", why="bureau batches and their review"),
    },
    # --- partner API clients (console only: the API is mounted on the console tier) ------
    "apiclients_apiclient": {
        "console": _rights(
            "SELECT", "INSERT", "UPDATE", why="API clients: create, approve, revoke, authenticate"
        ),
    },
    "apiclients_ratewindow": {
        "console": _rights(
            "SELECT", "INSERT", "UPDATE", "DELETE", why="per-minute call counts of API clients"
        ),
    },
    "apiclients_intakekey": {
        "console": _rights(
            "SELECT", "INSERT", why="idempotency keys (hashed) of partner hand-overs"
        ),
    },
    # --- analytics -----------------------------------------------------------------------
    "analytics_dailycount": {
        "worker": _rights(
            "SELECT", "INSERT", "DELETE", why="counts events; the squash folds rows into one"
        ),
        "console": _rights(
            "SELECT", "INSERT", "DELETE", why="counts transitions; statistics squash first"
        ),
    },
    "analytics_statereached": {
        "worker": _rights("SELECT", "INSERT", why="first time a case reached a state"),
        "console": _rights("SELECT", "INSERT", why="first time a case reached a state"),
    },
    # --- floods --------------------------------------------------------------------------
    "floods_casemark": {
        "worker": _rights(
            "SELECT", "INSERT", "DELETE", why="notes new cases, compares, prunes old marks"
        ),
    },
    "floods_floodgroup": {
        "worker": _rights("SELECT", "INSERT", "UPDATE", why="opens groups; settles verdicts"),
        "console": _rights("SELECT", "UPDATE", why="supervisors' verdicts"),
    },
    "floods_floodmembership": {
        "worker": _rights("SELECT", "INSERT", "UPDATE", why="adds members; settles verdicts"),
        "console": _rights(
            "SELECT", "UPDATE", "DELETE", why="verdicts; a supervisor removes a member"
        ),
    },
    # --- background tasks ----------------------------------------------------------------
    "django_tasks_database_dbtaskresult": {
        "worker": _rights(
            "SELECT", "INSERT", "UPDATE", why="claims, runs and finishes tasks; enqueues jobs"
        ),
        "console": (Right("INSERT", "enqueues reply deliveries and verdict settling"),),
    },
}

# Tables no tier may touch, with the reason.  Only the owner (migrations, management
# commands run by the deployer such as `analytics_rebuild` or task pruning) uses them.
OWNER_ONLY: Final[dict[str, str]] = {
    "auth_permission": "Django's permission tables; accounts do not use them",
    "auth_group": "Django's permission tables; accounts do not use them",
    "auth_group_permissions": "Django's permission tables; accounts do not use them",
    "django_content_type": "filled by migrations; nothing reads it at run time",
}


@dataclass(frozen=True)
class FunctionRight:
    """EXECUTE on a SECURITY DEFINER function (owned by the owner role)."""

    signature: str
    why: str


# Created by cases migration 0006; EXECUTE is revoked from PUBLIC by `db grant`.
FUNCTIONS: Final[dict[Tier, tuple[FunctionRight, ...]]] = {
    "intake": (
        FunctionRight(
            "safepassage_inbox_key(text)",
            "receipt sign-in: the public key of the web contact with this lookup hash, "
            "instead of SELECT on cases_contact",
        ),
        FunctionRight(
            "safepassage_inbox_messages(text, integer)",
            "the inbox: that one contact's sealed messages, instead of SELECT on cases_message",
        ),
    ),
}
ALL_FUNCTIONS: Final[tuple[str, ...]] = tuple(
    right.signature for rights in FUNCTIONS.values() for right in rights
)


def rights_of(tier: Tier) -> list[tuple[str, Right]]:
    """Every (table, right) the tier is granted, in table order."""
    return [(table, right) for table, tiers in TABLES.items() for right in tiers.get(tier, ())]


def expected_column_rights(tier: Tier) -> dict[tuple[str, str], tuple[str, ...] | None]:
    """``(table, privilege) -> None`` for a whole-table right, or the columns granted."""
    expected: dict[tuple[str, str], tuple[str, ...] | None] = {}
    for table, right in rights_of(tier):
        expected[(table, right.privilege)] = right.columns or None
    return expected


def classified_tables() -> set[str]:
    """Every table with a grant decision (granted to some tier, or owner only)."""
    return set(TABLES) | set(OWNER_ONLY)
