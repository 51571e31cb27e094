"""/login/ in the browser, keyboard only, for an ordinary user in a group (not staff): sent there
from the inbox with `next`, the username focused, a wrong password named, then in and out."""

from __future__ import annotations

import pytest

from tests.browser.conftest import result, run_scenario
from tests.live import Stack

pytestmark = pytest.mark.browser

USER, PASSWORD = "kim-finance", "kim-pass-1234"


def test_an_approver_signs_in_by_keyboard_and_lands_on_the_inbox(editor_stack: Stack) -> None:
    editor_stack.manage("shell", "-c", (
        "from django.contrib.auth.models import Group, User\n"
        f"u = User.objects.create_user({USER!r}, password={PASSWORD!r})\n"
        "u.groups.add(Group.objects.get_or_create(name='finance')[0])\n"))
    data = result(run_scenario(editor_stack, "login.mjs", env={"APPROVER": USER, "APPROVER_PASSWORD": PASSWORD}))
    assert data["landedAt"] == "/login/?next=/inbox/%3Ftab%3Dclaimable"
    assert data["focusFirst"] == "id_username"
    assert "do not match an active account" in data["errorText"]
    assert (data["keptUsername"], data["keptPassword"], data["focusAfterError"]) == (USER, "", "id_password")
    assert (data["after"], data["user"]) == ("/inbox/?tab=claimable", USER)
    assert data["afterLogout"] == "/login/"
