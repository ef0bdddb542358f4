"""Who may approve which grant of access (the two-person rule, issue 12).

| grant touches                                    | may approve                        |
| ------------------------------------------------ | ---------------------------------- |
| only the operator role (new operator, an         | a supervisor or an admin           |
| operator's languages, reset, re-activation)      |                                    |
| any other role (supervisor, registrar, analyst,  | an admin                           |
| admin) — before or after a role change           |                                    |

Whatever the table says, nobody approves a request they made, nor one about their own
account, and the approver must be active.  Only admins make requests (they manage
accounts); docs/decisions.md gives the reasons.
"""

from __future__ import annotations

from safepassage.accounts.models import AccessRequest, Account, Role

_OPERATOR_APPROVERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
_OTHER_APPROVERS = frozenset({Role.ADMIN})
# Roles that may open the requests page (those that may approve something).
APPROVER_ROLES = _OPERATOR_APPROVERS


def roles_touched(request: AccessRequest) -> set[str]:
    """The roles whose access the request would hand out or keep handing out."""
    roles: set[str] = set()
    if request.account is not None:
        roles.add(request.account.role)
    payload_role = request.payload.get("role")
    if isinstance(payload_role, str):
        roles.add(payload_role)
    return roles


def approver_roles(request: AccessRequest) -> frozenset[str]:
    """The roles that may approve ``request`` (before the personal exclusions)."""
    if roles_touched(request) <= {Role.OPERATOR}:
        return _OPERATOR_APPROVERS
    return _OTHER_APPROVERS


def may_request(account: Account) -> bool:
    """Whether ``account`` may ask for grants of access (an active admin)."""
    return account.is_active and account.role == Role.ADMIN


def may_approve(approver: Account, request: AccessRequest) -> bool:
    """Whether ``approver`` may approve (or refuse) ``request`` now."""
    if request.status != AccessRequest.Status.PENDING or not approver.is_active:
        return False
    if approver.pk == request.requested_by_id:
        return False
    if approver.pk == request.account_id or approver.username == request.username:
        return False
    return approver.role in approver_roles(request)
