"""Who may do what: the one table of roles and actions of the staff pages.

Every staff page names the action it performs (``network_view(action=Action.X)``),
templates ask the same table before showing a button (``{% load permissions %}`` then
``{% if request|can:"charter.edit" %}``), and the URL and role test
(tests/test_url_permissions.py) reads it to know which status every role must get on
every page. A role's rights therefore change in one place, and a page cannot be added
without saying which action it is.

What this table does not decide, on purpose:
- which network: ``network_view`` resolves it among the caller's own networks first, so
  a member of another network gets 404 before any role is looked at;
- acting for a person ("faire pour"): the charter decides it per need, site, member and
  day (``orientation.charter.decide``: volunteers never; salaried staff with a valid
  Aidants Connect habilitation covering the theme on that day), and
  ``orientation.interactions.record_interaction`` refuses what it refuses;
- the public portal and the JSON API, which are public (no staff account at all).

The action names are stable identifiers ("area.verb"): documentation, tests and, later,
journal entries of permission changes refer to them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from aiguillage.accounts.models import Membership, Role


class Action(enum.StrEnum):
    """A capability of the staff pages, named after what it lets a member do."""

    NETWORK_VIEW = "network.view"
    ORIENTATION_DESK = "orientation.desk"
    ORIENTATION_SLIP = "orientation.slip"
    CHARTER_VIEW = "charter.view"
    CHARTER_EDIT = "charter.edit"
    DIRECTORY_VIEW = "directory.view"
    DIRECTORY_EDIT = "directory.edit"
    PARTNERS_VIEW = "partners.view"
    PARTNERS_EDIT = "partners.edit"
    COVERAGE_VIEW = "coverage.view"
    COVERAGE_EDIT = "coverage.edit"
    IMPORTS_RUN = "imports.run"
    AGENDA_VIEW = "agenda.view"
    AGENDA_EDIT = "agenda.edit"
    AGENDA_BOOK = "agenda.book"
    CONTACT_VIEW = "contact.view"
    PRIVACY_JOURNAL = "privacy.journal"
    PRIVACY_RETENTION = "privacy.retention"
    PRIVACY_RIGHTS = "privacy.rights"
    PRIVACY_REGISTER = "privacy.register"


EVERY_ROLE: frozenset[str] = frozenset(Role.values)
# Salaried desk staff who keep the network's offer up to date.
EDITORS: frozenset[str] = frozenset({Role.COORDINATOR, Role.LIBRARIAN, Role.DIGITAL_MEDIATOR})
COORDINATORS: frozenset[str] = frozenset({Role.COORDINATOR})

# (roles, what the action lets them do: one line for docs/permissions.md, in English
# like the rest of the developer documentation).
_TABLE: dict[Action, tuple[frozenset[str], str]] = {
    Action.NETWORK_VIEW: (EVERY_ROLE, "The network's home page and its sites."),
    Action.ORIENTATION_DESK: (
        EVERY_ROLE,
        "The orientation desk: ask the engine, book or register from it, close the "
        "conversation (acting for is further limited by the charter).",
    ),
    Action.ORIENTATION_SLIP: (EVERY_ROLE, "Print the orientation slip (HTML or PDF)."),
    Action.CHARTER_VIEW: (EVERY_ROLE, "Read the charter: what the desk may do, and for whom."),
    Action.CHARTER_EDIT: (COORDINATORS, "Change the charter: mode order, conditions, rules."),
    Action.DIRECTORY_VIEW: (EVERY_ROLE, "Search the directory and read a structure."),
    Action.DIRECTORY_EDIT: (EDITORS, "Correct a structure of the directory."),
    Action.PARTNERS_VIEW: (
        EVERY_ROLE,
        "Read the partnerships, their contacts and the partner finder.",
    ),
    Action.PARTNERS_EDIT: (
        COORDINATORS,
        "Change a partnership, its contacts, the priority needs; make a prospect.",
    ),
    Action.COVERAGE_VIEW: (EVERY_ROLE, "Read the territory's coverage."),
    Action.COVERAGE_EDIT: (COORDINATORS, "Add or remove communes of the territory."),
    Action.IMPORTS_RUN: (COORDINATORS, "Import a directory file (dry run, then confirm)."),
    Action.AGENDA_VIEW: (
        EVERY_ROLE,
        "Read the agenda (day, week, month, permanences, workshops) and one's own calendar link.",
    ),
    Action.AGENDA_EDIT: (
        EDITORS,
        "Create and change permanences and workshops, cancel a permanence's date.",
    ),
    Action.AGENDA_BOOK: (
        EVERY_ROLE,
        "Book, move and cancel appointments, register and unregister people to "
        "workshops (one booking's page, a workshop's list of people), take attendance "
        "and print the attendance sheet.",
    ),
    Action.CONTACT_VIEW: (
        EDITORS,
        "See the contact data (e-mail, phone) of the people booked or registered; the "
        "other roles see their first names only. These roles must use two-factor "
        "authentication.",
    ),
    Action.PRIVACY_JOURNAL: (COORDINATORS, "Read and verify the network's audit journal."),
    Action.PRIVACY_RETENTION: (COORDINATORS, "Set the network's retention durations."),
    Action.PRIVACY_RIGHTS: (
        COORDINATORS,
        "Answer a person's access or erasure request (export, then erase).",
    ),
    Action.PRIVACY_REGISTER: (
        COORDINATORS,
        "Read and print the record of processing activities (RGPD article 30).",
    ),
}

_missing = set(Action) - _TABLE.keys()
if _missing:  # pragma: no cover - a new action without its roles is a programming error
    raise RuntimeError(f"Actions without roles in the permission table: {sorted(_missing)}")

PERMISSIONS: Mapping[Action, frozenset[str]] = MappingProxyType(
    {action: roles for action, (roles, _) in _TABLE.items()}
)
DESCRIPTIONS: Mapping[Action, str] = MappingProxyType(
    {action: text for action, (_, text) in _TABLE.items()}
)


def as_action(action: Action | str) -> Action:
    """The Action named ``action``; a typo raises ValueError instead of denying quietly."""
    return Action(action)


def roles_for(action: Action | str) -> frozenset[str]:
    """The roles that may perform ``action``."""
    return PERMISSIONS[as_action(action)]


def can(membership: Membership | None, action: Action | str) -> bool:
    """Whether a membership (of the page's network) may perform ``action``.

    No membership, or an inactive one, may do nothing: the caller is not (or no longer)
    staff of that network."""
    allowed = roles_for(action)
    if membership is None or not getattr(membership, "is_active", False):
        return False
    return membership.role in allowed


def request_can(request: Any, action: Action | str) -> bool:
    """``can`` for the caller of a network page (``request.membership``, set by
    ``network_view``); False on a page outside any network."""
    return can(getattr(request, "membership", None), action)


def request_role(request: Any) -> str:
    """The caller's role in the network of the page ("" outside any network, or for a
    superuser without a membership): what a journal entry records as the actor's role."""
    membership = getattr(request, "membership", None)
    return membership.role if membership is not None else ""


def actions_of(role: str) -> frozenset[Action]:
    """Everything a role may do (for its documentation and its tests)."""
    return frozenset(action for action, roles in PERMISSIONS.items() if role in roles)


def markdown_table() -> str:
    """The table as Markdown: one row per action, one column per role (docs)."""
    roles = list(Role)
    header = ["action", *(role.value for role in roles), "what it allows"]
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(["---", *([":-:"] * len(roles)), "---"]) + " |",
    ]
    for action in Action:
        allowed = PERMISSIONS[action]
        cells = ["yes" if role in allowed else "—" for role in roles]
        lines.append(f"| `{action.value}` | " + " | ".join(cells) + f" | {DESCRIPTIONS[action]} |")
    return "\n".join(lines) + "\n"
