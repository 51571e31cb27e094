"""/login/ and /logout/ through the real middleware on PostgreSQL: pages send anonymous visitors
to /login/?next=..., ordinary (non-staff) users sign in and reach their inbox, staff-only
dashboards still answer them 403, `next` is honoured only for this site, bad credentials get one
message whoever the username is, and logout is a CSRF-checked POST."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from orchestrator.accounts import throttle

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

PASSWORD = "approver-pass-1234"
ADDRESS = "203.0.113.10"  # a documentation address: no other test's failures count against it


@pytest.fixture(autouse=True)
def no_failures_recorded() -> None:
    cache.delete_many(throttle.keys("ann", ADDRESS) + throttle.keys("nobody", None) + throttle.keys("ivy", None)
                      + throttle.keys("boss", None))


@pytest.fixture()
def ann(db: None) -> User:
    """An approver: an ordinary user in a group, not staff."""
    user = User.objects.create_user("ann", password=PASSWORD)
    user.groups.add(Group.objects.create(name="finance"))
    return user


def sign_in(client: Client, username: str, password: str, next_url: str | None = None):  # type: ignore[no-untyped-def]
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/login/", data)


@pytest.mark.parametrize(("path", "next_param"), [
    ("/inbox/", "/inbox/"), ("/inbox/?tab=done", "/inbox/%3Ftab%3Ddone"), ("/editor/", "/editor/"),
    ("/executions/", "/executions/"), ("/", "/"), ("/schedules/", "/schedules/")])
def test_pages_send_anonymous_visitors_to_login_with_next(path: str, next_param: str) -> None:
    response = Client().get(path)
    assert (response.status_code, response["Location"]) == (302, "/login/?next=" + next_param)


def test_the_sign_in_page_autofocuses_the_username_and_posts_with_csrf() -> None:
    response = Client().get("/login/?next=/inbox/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<input type="text" name="username"[^>]*autofocus', html)
    assert 'type="password" name="password"' in html
    assert '<form method="post" action="/login/"' in html and 'name="csrfmiddlewaretoken"' in html
    assert '<input type="hidden" name="next" value="/inbox/">' in html
    assert 'href="/login/?next=' not in html  # no "Log in" link on the sign-in page itself


def test_a_non_staff_approver_signs_in_and_reaches_the_inbox_but_not_the_dashboards(ann: User) -> None:
    client = Client(REMOTE_ADDR=ADDRESS)
    response = sign_in(client, "ann", PASSWORD, "/inbox/")
    assert (response.status_code, response["Location"]) == (302, "/inbox/")
    inbox = client.get("/inbox/")
    assert inbox.status_code == 200 and inbox.wsgi_request.user == ann
    assert b'action="/logout/"' in inbox.content
    assert client.get("/executions/").status_code == 403  # staff-only, with its 403 page


def test_without_next_approvers_land_on_the_inbox_and_staff_on_the_overview(ann: User) -> None:
    response = sign_in(Client(REMOTE_ADDR=ADDRESS), "ann", PASSWORD)
    assert response["Location"] == "/inbox/"
    User.objects.create_user("boss", password=PASSWORD, is_staff=True)
    response = sign_in(Client(REMOTE_ADDR=ADDRESS), "boss", PASSWORD)
    assert response["Location"] == "/"


def test_a_signed_in_visitor_of_login_is_sent_on(ann: User) -> None:
    client = Client()
    client.force_login(ann)
    response = client.get("/login/?next=/inbox/%3Ftab%3Ddone")
    assert (response.status_code, response["Location"]) == (302, "/inbox/?tab=done")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/inbox/", "http://evil.example",
                                    "https:///evil.example", "javascript:alert(1)", "/\\evil.example"])
def test_next_to_another_site_is_refused(ann: User, target: str) -> None:
    response = sign_in(Client(REMOTE_ADDR=ADDRESS), "ann", PASSWORD, target)
    assert (response.status_code, response["Location"]) == (302, "/inbox/")
    page = Client().get("/login/", {"next": target})
    assert b"evil.example" not in page.content and b"javascript:" not in page.content


@pytest.mark.parametrize("target", ["/login/", "/login/?next=/login/", "/logout/"])
def test_next_to_the_login_or_logout_page_lands_on_the_inbox_not_a_loop(ann: User, target: str) -> None:
    client = Client(REMOTE_ADDR=ADDRESS)
    response = sign_in(client, "ann", PASSWORD, target)
    assert (response.status_code, response["Location"]) == (302, "/inbox/")
    again = client.get("/login/", {"next": target})  # signed in: sent on, not a redirection loop
    assert (again.status_code, again["Location"]) == (302, "/inbox/")


def test_next_on_this_site_keeps_its_query(ann: User) -> None:
    response = sign_in(Client(REMOTE_ADDR=ADDRESS), "ann", PASSWORD, "/inbox/?tab=claimable&sort=due")
    assert response["Location"] == "/inbox/?tab=claimable&sort=due"


def test_a_hostile_next_is_shown_as_text() -> None:
    html = Client().get("/login/", {"next": '/inbox/?q="><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_bad_credentials_get_one_message_whoever_the_user_is(ann: User) -> None:
    User.objects.create_user("ivy", password=PASSWORD, is_active=False)
    pages = []
    for username, password in [("ann", "wrong"), ("nobody", PASSWORD), ("ivy", PASSWORD)]:
        client = Client(REMOTE_ADDR=ADDRESS)
        response = sign_in(client, username, password, "/inbox/")
        assert response.status_code == 200
        assert client.get("/inbox/").status_code == 302  # not signed in
        html = response.content.decode()
        assert 'role="alert"' in html and "do not match an active account" in html
        assert f'value="{username}"' in html  # the username is kept, the password is not
        assert PASSWORD not in html and 'value="wrong"' not in html
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[a-z]+"', "", html))
    assert pages[0] == pages[1] == pages[2]  # an unknown or inactive account reads as a wrong password


def test_a_missing_field_is_named_beside_it() -> None:
    response = Client(REMOTE_ADDR=ADDRESS).post("/login/", {"username": "ann"})
    assert response.status_code == 200
    assert b'id="id_password-error">This field is required.' in response.content


def test_logout_is_post_only_and_csrf_checked(ann: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(ann)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 403  # no CSRF token
    assert client.get("/inbox/").status_code == 200  # still signed in
    token = client.get("/inbox/").context["csrf_token"]
    response = client.post("/logout/", {"csrfmiddlewaretoken": str(token)})
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert client.get("/inbox/").status_code == 302


def test_the_nav_offers_log_in_to_anonymous_visitors_and_back_to_their_page(rf: RequestFactory) -> None:
    request = rf.get("/executions/?status=FAILED")
    request.user = AnonymousUser()
    html = render_to_string("base.html", request=request)
    assert '<a class="linkbtn" href="/login/?next=/executions/%3Fstatus%3DFAILED">Log in</a>' in html
    assert "Log out" not in html
