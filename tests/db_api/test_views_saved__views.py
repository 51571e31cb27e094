"""Saved views of the run list: save the filter and sort under a name, list, apply, rename,
delete; per user (another user neither sees nor touches them); CSRF; 400 naming the field."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from executions.models import SavedView

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]


def chips(page: str) -> dict[str, str]:
    """name → href of the saved-view links on the run list."""
    found = re.findall(r'<a class="view-chip[^"]*" href="([^"]*)"\s+data-view="([^"]*)"', page)
    return {html_lib.unescape(name): html_lib.unescape(href) for href, name in found}


def other_staff() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("other", "o@example.com", "pw-other-12345"))
    return client


def test_save_the_current_filter_and_sort_then_apply_it_in_one_click(staff: Client) -> None:
    failed = d.start("dash_refunds")
    d.work("dash_refund", "FAILED_WITH_TERMINAL_ERROR", reason="nope")
    d.start()
    page = staff.get("/executions/?status=FAILED&name=dash_refunds&sort=-updated&after=&q=").content.decode()
    query = re.search(r'name="query" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    assert html_lib.unescape(query) == "status=FAILED&name=dash_refunds&sort=-updated"  # empty fields dropped
    response = staff.post("/executions/views/", {"name": "  failed   refunds ", "query": html_lib.unescape(query)})
    assert response.status_code == 303
    assert response["Location"] == "/executions/?status=FAILED&name=dash_refunds&sort=-updated"
    listed = staff.get(response["Location"]).content.decode()
    assert "Saved the view “failed refunds”." in listed
    assert chips(listed) == {"failed refunds": "/executions/?status=FAILED&name=dash_refunds&sort=-updated"}
    assert 'aria-current="true">failed refunds</a>' in listed  # the view being looked at
    elsewhere = staff.get("/executions/").content.decode()
    href = chips(elsewhere)["failed refunds"]
    assert 'aria-current' not in elsewhere.split('data-testid="saved-views"')[1].split("</section>")[0]
    assert re.findall(r'<tr data-id="([^"]+)"', staff.get(href).content.decode()) == [failed]


def test_saving_again_under_the_same_name_updates_that_view(staff: Client) -> None:
    staff.post("/executions/views/", {"name": "mine", "query": "status=RUNNING"})
    staff.post("/executions/views/", {"name": "mine", "query": "status=FAILED"})
    assert list(SavedView.objects.values_list("name", "query")) == [("mine", "status=FAILED")]


def test_rename_and_delete(staff: Client) -> None:
    staff.post("/executions/views/", {"name": "a", "query": "status=RUNNING"})
    staff.post("/executions/views/", {"name": "b", "query": "status=FAILED"})
    a = SavedView.objects.get(name="a")
    assert staff.post(f"/executions/views/{a.id}/rename", {"name": "running now"}).status_code == 303
    refused = staff.post(f"/executions/views/{a.id}/rename", {"name": "b"})
    assert refused.status_code == 400 and 'data-field="name"' in refused.content.decode()
    assert staff.post(f"/executions/views/{a.id}/delete", {"back": "status=PAUSED"})["Location"] == \
        "/executions/?status=PAUSED"
    assert chips(staff.get("/executions/").content.decode()) == {"b": "/executions/?status=FAILED"}


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "", "query": "status=RUNNING"}, "name"), ({"name": "x" * 101, "query": ""}, "name"),
    ({"name": "bad", "query": "status=NOPE"}, "status"), ({"name": "bad", "query": "tag=:v"}, "tag"),
])
def test_bad_views_answer_400_naming_the_field(staff: Client, data: dict[str, str], field: str) -> None:
    response = staff.post("/executions/views/", data)
    assert response.status_code == 400 and f'data-field="{field}"' in response.content.decode()
    assert not SavedView.objects.exists()


def test_another_user_neither_sees_nor_touches_my_views(staff: Client) -> None:
    staff.post("/executions/views/", {"name": "secret <b>", "query": "status=FAILED"})
    mine = SavedView.objects.get()
    other = other_staff()
    page = other.get("/executions/").content.decode()
    assert chips(page) == {} and "secret" not in page
    assert other.post(f"/executions/views/{mine.id}/rename", {"name": "taken"}).status_code == 404
    assert other.post(f"/executions/views/{mine.id}/delete").status_code == 404
    other.post("/executions/views/", {"name": "secret <b>", "query": "status=RUNNING"})  # their own, same name
    assert SavedView.objects.get(id=mine.id).name == "secret <b>"
    assert SavedView.objects.get(id=mine.id).query == "status=FAILED"
    assert SavedView.objects.count() == 2
    html = staff.get("/executions/").content.decode()
    assert "secret <b>" not in html and "secret &lt;b&gt;" in html


def test_views_need_csrf_a_login_and_the_admin_role(django_user_model: type) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw-boss-12345"))
    assert strict.post("/executions/views/", {"name": "x", "query": ""}).status_code == 403
    assert Client().post("/executions/views/", {"name": "x", "query": ""}).status_code == 302  # to the login
    plain = Client()
    plain.force_login(django_user_model.objects.create_user("plain", password="pw-plain-12345"))
    assert plain.post("/executions/views/", {"name": "x", "query": ""}).status_code == 403
    assert not SavedView.objects.exists()
    assert other_staff().get("/executions/views/").status_code == 405  # never a write on GET


def test_a_view_keeps_only_what_narrows_the_list(staff: Client) -> None:
    """The form sends every field; the defaults (newest first, 50 a page) and paging are not saved."""
    staff.post("/executions/views/", {"name": "v", "query": "status=FAILED&name=&sort=-started&size=50&after=abc"})
    staff.post("/executions/views/", {"name": "all", "query": "sort=-started&size=50"})
    assert dict(SavedView.objects.values_list("name", "query")) == {"v": "status=FAILED", "all": ""}
    page = staff.get("/executions/").content.decode()
    assert chips(page) == {"all": "/executions/", "v": "/executions/?status=FAILED"}
    assert 'aria-current="true">all</a>' in page  # the unfiltered list is the view "all"
    assert "status=FAILED</span>" in page and "(every execution)" in page
