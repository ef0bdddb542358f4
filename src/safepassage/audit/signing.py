"""Signing the chain head and witnessing it outside the database.

Only a process holding the full keyring signs (worker and console); the intake tier
cannot, as ``get_keyring`` refuses there.  A head is signed only after the whole chain
verified (against the witness file too), so a chain an insider has already rewritten
is never vouched for.  Each signed head is appended to the witness file (mode 0600,
opened append-only), optionally sent to syslog, and stored in the database.
"""

from __future__ import annotations

import base64
import logging
import os
import syslog
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from safepassage.audit.hashing import canonical_time
from safepassage.audit.heads import SignedHead, WitnessError, configured_witness_file
from safepassage.audit.models import AuditSignedHead
from safepassage.audit.verify import verify_chain
from safepassage.crypto.runtime import get_keyring

logger = logging.getLogger(__name__)
WITNESS_FILE_MODE = 0o600


class AuditChainBroken(Exception):
    """The chain did not verify, so its head was not signed; the message is one line."""


def append_witness(path: Path, head: SignedHead) -> None:
    """Append ``head`` as one line to the witness file, creating it with mode 0600.

    The file is opened with O_APPEND, so a line is never written over an earlier one;
    making the file append-only for good (``chattr +a``) is the deployer's step.
    """
    line = (head.witness_line() + "\n").encode("ascii")
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, WITNESS_FILE_MODE
        )
    except OSError as error:
        raise WitnessError(f"cannot open witness file {path}: {error.strerror}") from None
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, WITNESS_FILE_MODE)
        os.write(fd, line)
        os.fsync(fd)
    except OSError as error:
        raise WitnessError(f"cannot append to witness file {path}: {error.strerror}") from None
    finally:
        os.close(fd)


def _to_syslog(head: SignedHead) -> None:
    # The line holds a count, a hash, a time and a signature: nothing personal.
    syslog.openlog("safepassage-audit", syslog.LOG_PID, syslog.LOG_AUTH)
    syslog.syslog(syslog.LOG_NOTICE, head.witness_line())


def sign_head(*, witness: Path | None = None) -> SignedHead:
    """Verify the chain, then sign its head, witness it and store it; return the head.

    ``witness`` defaults to ``SAFEPASSAGE_AUDIT_WITNESS_FILE``.  Raises
    ``SecretKeyUnavailable`` without the programme keys (the intake tier),
    ``AuditChainBroken`` if the chain does not verify, ``WitnessError`` if the witness
    file cannot be written (then nothing is stored).
    """
    signing_key = get_keyring().signing_key
    path = witness if witness is not None else configured_witness_file()
    report = verify_chain(path if path is not None and path.exists() else None)
    if not report.ok:
        raise AuditChainBroken(report.describe())
    signed_at = canonical_time(timezone.now())
    unsigned = SignedHead(report.checked, report.head_hash, signed_at, "", "new head")
    signature = signing_key.sign(unsigned.message()).signature
    head = SignedHead(
        report.checked,
        report.head_hash,
        signed_at,
        base64.b64encode(signature).decode("ascii"),
        "new head",
    )
    if path is not None:
        append_witness(path, head)
    else:
        logger.warning("audit head signed without a witness file (SAFEPASSAGE_AUDIT_WITNESS_FILE)")
    if getattr(settings, "SAFEPASSAGE_AUDIT_SYSLOG", False):
        _to_syslog(head)
    AuditSignedHead.objects.create(
        seq=head.seq, hash=head.hash, signed_at=head.signed_at, signature=head.signature
    )
    return head
