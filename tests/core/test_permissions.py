"""The permission table: what it guarantees, how pages and templates ask it, its docs.

The answers of every page for every role are tested in tests/test_url_permissions.py;
here, the table's own promises and its helpers.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.management.commands.permissions_table import BEGIN, END, documented_table
from aiguillage.accounts.models import Membership, Role
from aiguillage.accounts.permissions import (
    DESCRIPTIONS,
    PERMISSIONS,
    Action,
    actions_of,
    can,
    markdown_table,
    request_can,
    roles_for,
)

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"
READING = {
    Action.NETWORK_VIEW,
    Action.ORIENTATION_DESK,
    Action.ORIENTATION_SLIP,
    Action.CHARTER_VIEW,
    Action.DIRECTORY_VIEW,
    Action.PARTNERS_VIEW,
    Action.COVERAGE_VIEW,
    Action.AGENDA_VIEW,
    Action.AGENDA_BOOK,
}


def member(role: str, *, active: bool = True) -> Membership:
    return Membership(role=role, is_active=active, is_salaried=role != Role.VOLUNTEER)


def test_every_action_has_roles_and_a_description():
    assert set(PERMISSIONS) == set(Action) == set(DESCRIPTIONS)
    for action, roles in PERMISSIONS.items():
        assert roles, action
        assert roles <= set(Role.values), action
        assert DESCRIPTIONS[action].endswith("."), action


def test_action_names_are_area_dot_verb():
    for action in Action:
        area, _, verb = action.value.partition(".")
        assert area and verb and action.value == action.value.lower(), action


def test_every_role_uses_the_desk_and_reads_the_network():
    for role in Role.values:
        assert actions_of(role) >= READING, role


def test_volunteers_and_partner_agents_change_nothing_and_see_no_contact():
    for role in (Role.VOLUNTEER, Role.PARTNER_AGENT):
        assert actions_of(role) == READING, role


def test_coordinators_alone_hold_the_charter_the_partners_imports_and_personal_data():
    coordinators_only = {
        Action.CHARTER_EDIT,
        Action.PARTNERS_EDIT,
        Action.COVERAGE_EDIT,
        Action.IMPORTS_RUN,
        Action.PRIVACY_JOURNAL,
        Action.PRIVACY_RETENTION,
        Action.PRIVACY_RIGHTS,
        Action.PRIVACY_REGISTER,
    }
    for action in coordinators_only:
        assert roles_for(action) == {Role.COORDINATOR}, action
    assert actions_of(Role.COORDINATOR) == set(Action)


def test_contact_data_is_for_the_salaried_desk_roles():
    assert roles_for(Action.CONTACT_VIEW) == {
        Role.COORDINATOR,
        Role.LIBRARIAN,
        Role.DIGITAL_MEDIATOR,
    }


def test_can_asks_the_role_of_an_active_membership():
    assert can(member(Role.COORDINATOR), Action.CHARTER_EDIT)
    assert not can(member(Role.LIBRARIAN), Action.CHARTER_EDIT)
    assert can(member(Role.LIBRARIAN), "agenda.edit")  # the name works too
    assert not can(member(Role.COORDINATOR, active=False), Action.NETWORK_VIEW)
    assert not can(None, Action.NETWORK_VIEW)


def test_a_misspelt_action_is_an_error_not_a_no():
    with pytest.raises(ValueError):
        can(member(Role.COORDINATOR), "charter.edti")
    with pytest.raises(ValueError):
        roles_for("charter")
    with pytest.raises(ValueError):
        network_view(action="agenda.edti")


def test_request_can_reads_the_membership_network_view_set():
    request = RequestFactory().get("/")
    assert not request_can(request, Action.NETWORK_VIEW)  # a page outside any network
    request.membership = member(Role.DIGITAL_MEDIATOR)
    assert request_can(request, Action.DIRECTORY_EDIT)
    assert not request_can(request, Action.IMPORTS_RUN)


def test_network_view_says_what_it_guards():
    def page(request, network):
        raise AssertionError("not called here")

    guarded = network_view(action=Action.AGENDA_EDIT)(page)
    assert guarded.permission_action == Action.AGENDA_EDIT
    assert network_view(action="agenda.edit")(page).permission_action == Action.AGENDA_EDIT
    with pytest.raises(TypeError):
        network_view(page)  # an action is required


def render(source: str, request) -> str:
    return Template("{% load permissions %}" + source).render(Context({"request": request}))


def test_templates_ask_the_table():
    request = RequestFactory().get("/")
    request.membership = member(Role.VOLUNTEER)
    source = (
        '{% if request|can:"agenda.book" %}book{% endif %}'
        '{% if request|can:"agenda.edit" %}edit{% endif %}'
    )
    assert render(source, request) == "book"
    request.membership = member(Role.LIBRARIAN)
    assert render(source, request) == "bookedit"
    del request.membership
    assert render(source, request) == ""
    with pytest.raises(ValueError):
        render('{% if request|can:"agenda.edti" %}x{% endif %}', request)
    with pytest.raises(TemplateSyntaxError):
        Template('{% if request|can:"agenda.book" %}x{% endif %}')  # without {% load %}


def test_the_documented_table_is_the_current_one():
    documented = documented_table(DOC.read_text(encoding="utf-8"))
    assert documented == markdown_table(), (
        "docs/permissions.md is out of date: run 'python manage.py permissions_table' "
        "and paste its output between the markers"
    )


def test_the_table_has_a_row_per_action_and_a_column_per_role():
    lines = markdown_table().splitlines()
    assert lines[0].split(" | ")[1:-1] == list(Role.values)
    assert len(lines) == 2 + len(Action)
    volunteer = Role.values.index(Role.VOLUNTEER) + 1
    row = next(line for line in lines if line.startswith("| `charter.edit` |"))
    assert row.split(" | ")[volunteer] == "—"


def test_the_command_prints_the_table_and_checks_a_file(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("permissions_table", stdout=out, stderr=err)
    assert out.getvalue() == markdown_table()
    assert err.getvalue().strip() == f"{len(Action)} actions."

    call_command("permissions_table", "--check", str(DOC), stdout=out, stderr=err)

    stale = tmp_path / "permissions.md"
    stale.write_text(
        DOC.read_text(encoding="utf-8").replace("| `charter.edit` | yes", "| `charter.edit` | no")
    )
    with pytest.raises(CommandError, match="out of date"):
        call_command("permissions_table", "--check", str(stale), stderr=err)
    stale.write_text("# no table\n")
    with pytest.raises(CommandError, match=BEGIN):
        call_command("permissions_table", "--check", str(stale), stderr=err)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("permissions_table", "--check", str(tmp_path / "absent.md"), stderr=err)
    assert END in DOC.read_text(encoding="utf-8")


def test_the_command_has_help(capsys):
    with pytest.raises(SystemExit) as done:
        call_command("permissions_table", "--help")
    assert done.value.code == 0
    assert "permission table" in " ".join(capsys.readouterr().out.split())
