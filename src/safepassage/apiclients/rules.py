"""Who may create, approve and revoke API clients (the two-person rule of issue 12).

A token hands register or statistics data to another organisation, a grant at least as
wide as a registrar's or analyst's role, so only admins approve, as for those roles;
nobody approves a client they created.  Revoking narrows access and needs one admin.
"""

from __future__ import annotations

from safepassage.accounts.models import Account, Role
from safepassage.apiclients.models import ApiClient


def may_manage(account: Account) -> bool:
    """Whether ``account`` may create and revoke API clients (an active admin)."""
    return account.is_active and account.role == Role.ADMIN


def may_approve(approver: Account, client: ApiClient) -> bool:
    """Whether ``approver`` may approve (or refuse) ``client`` now."""
    if client.status != ApiClient.Status.PENDING or not may_manage(approver):
        return False
    return approver.pk != client.created_by_id
