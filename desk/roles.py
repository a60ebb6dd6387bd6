"""Roles and what each may do. The UI asks here; it never decides by itself."""

from __future__ import annotations

from typing import Protocol

ROLES = ("agent", "team_leader", "qa", "evaluator", "admin")
ROLE_LABELS = {
    "agent": "Agen",
    "team_leader": "Team leader",
    "qa": "Quality assurance",
    "evaluator": "Evaluator",
    "admin": "Administrator",
}

# Permission -> roles that hold it. ``admin`` holds every permission.
PERMISSIONS: dict[str, frozenset[str]] = {
    # take calls on the agent console
    "console": frozenset({"agent", "team_leader"}),
    # answer escalations, decide on KB updates, review knowledge gaps
    "escalations": frozenset({"team_leader"}),
    # search, edit, review and publish KB articles
    "curation": frozenset({"team_leader", "qa"}),
    # offline and online evaluation
    "evaluation": frozenset({"evaluator", "qa"}),
    # score a call against the SOP rubric
    "qa_review": frozenset({"qa"}),
    # create accounts
    "users": frozenset(),
}
PERMISSION_LABELS = {
    "console": "konsol agen",
    "escalations": "eskalasi dan celah pengetahuan",
    "curation": "kurasi basis pengetahuan",
    "evaluation": "evaluasi",
    "qa_review": "review QA",
    "users": "pengelolaan pengguna",
}


class HasRole(Protocol):
    @property
    def username(self) -> str: ...

    @property
    def role(self) -> str: ...


class AccessDenied(PermissionError):
    """The user's role does not hold the permission. ``str()`` is the Indonesian message."""

    def __init__(self, username: str, role: str, permission: str) -> None:
        self.username, self.role, self.permission = username, role, permission
        what = PERMISSION_LABELS.get(permission, permission)
        label = ROLE_LABELS.get(role, role)
        super().__init__(f"Akses ditolak: peran {label} tidak dapat membuka {what}.")


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`.

    Raises:
        ValueError: naming the valid roles.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; valid: {', '.join(ROLES)}")
    return role


def can(role: str, permission: str) -> bool:
    """Whether ``role`` holds ``permission``.

    Raises:
        ValueError: an unknown permission (a typo must not silently deny or allow).
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}; valid: {', '.join(PERMISSIONS)}")
    return role == "admin" or role in PERMISSIONS[permission]


def require(user: HasRole, permission: str) -> None:
    """Raise :class:`AccessDenied` unless ``user``'s role holds ``permission``."""
    if not can(user.role, permission):
        raise AccessDenied(user.username, user.role, permission)
