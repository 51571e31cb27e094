"""The run page's log viewer: server-side search (`q`), the text download (/executions/<id>/logs.txt)
with its content, headers and roles, and the copy / full-screen controls rendered beside them.

Log lines are posted through the real worker path (tasks.claim + tasks.update with logs).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

HOSTILE = '<script>alert("x")</script>'
TRACEBACK = 'Traceback (most recent call last):\n  File "w.py", line 3, in charge\nValueError: card declined'


def lines_of(html: str) -> int:
    return html.count('class="log-line"')


def test_search_filters_lines_on_the_server_case_insensitive_and_escaped(staff: Client) -> None:
    wf = d.start()
    first = d.work("dash_charge", "FAILED", reason="declined", log=TRACEBACK)
    d.work("dash_charge", "COMPLETED", log="charged " + HOSTILE)
    d.work("dash_ship", "COMPLETED", log="shipped parcel")
    assert lines_of(staff.get(f"/executions/{wf}").content.decode()) == 3
    found = staff.get(f"/executions/{wf}?q=CARD+DECLINED").content.decode()
    assert lines_of(found) == 1 and "Traceback" in found and 'value="CARD DECLINED"' in found
    assert "1 line matching" in found
    hostile = staff.get(f"/executions/{wf}", {"q": HOSTILE}).content.decode()
    assert lines_of(hostile) == 1 and HOSTILE not in hostile
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in hostile
    # search and task filter together, and the live log refresh (new lines appended) keeps both
    assert lines_of(staff.get(f"/executions/{wf}?q=charged&logs_task={first}").content.decode()) == 0
    page = staff.get(f"/executions/{wf}?q=ship").content.decode()
    assert 'data-live-url="?partial=live&amp;q=ship"' in page and 'data-logs-url="?partial=logs&amp;q=ship"' in page
    live = staff.get(f"/executions/{wf}?partial=logs&q=ship").content.decode()
    assert lines_of(live) == 1 and "shipped parcel" in live
    assert lines_of(staff.get(f"/executions/{wf}?partial=logs&q=ship&logs_task={first}").content.decode()) == 0
    assert lines_of(staff.get(f"/executions/{wf}?partial=logs&q=ship&after=1").content.decode()) == 1
    assert lines_of(staff.get(f"/executions/{wf}?q=nothing-like-this").content.decode()) == 0
    # the controls: copy, full screen, and the download link narrowed like the view
    assert 'id="log-copy"' in page and 'id="log-fullscreen"' in page
    assert f'href="/executions/{wf}/logs.txt?q=ship" download' in page


def test_download_is_every_line_with_time_ref_and_attempt_as_a_text_attachment(staff: Client) -> None:
    wf = d.start()
    d.work("dash_charge", "FAILED", reason="declined", log=TRACEBACK)
    d.work("dash_charge", "COMPLETED", log="charged " + HOSTILE)
    response = staff.get(f"/executions/{wf}/logs.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{wf}-logs.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    text = response.content.decode()
    entries = [line for line in text.splitlines() if not line.startswith("    ")]
    assert len(entries) == 2
    assert entries[0].endswith("  charge  attempt 1  Traceback (most recent call last):")
    assert entries[1].endswith(f"  charge  attempt 2  charged {HOSTILE}")  # text stays text: it is not HTML
    assert entries[0][:4].isdigit() and "T" in entries[0][:11] and entries[0][23:29] == "+00:00"
    assert '    ValueError: card declined' in text  # a traceback keeps its lines, indented under its head
    narrowed = staff.get(f"/executions/{wf}/logs.txt?q=charged").content.decode()
    assert narrowed.count("\n") == 1 and "attempt 2" in narrowed


def test_download_of_an_unknown_run_is_404_and_roles_apply(client: Client) -> None:
    assert client.get("/executions/nope/logs.txt").status_code == 302  # anonymous: to the login page
    client.force_login(get_user_model().objects.create_user("pat", "p@example.com", "pw-pat-12345"))
    d.register()
    wf = d.start()
    assert client.get(f"/executions/{wf}/logs.txt").status_code == 403  # a non-staff user sees no logs
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw-boss-12345"))
    assert client.get("/executions/nope/logs.txt").status_code == 404
    empty = client.get(f"/executions/{wf}/logs.txt")
    assert empty.status_code == 200 and empty.content == b""


def test_the_page_caps_its_lines_and_says_so_while_the_download_has_them_all(
        staff: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    import executions.views_run

    monkeypatch.setattr(executions.views_run, "LOG_LINES_SHOWN", 1)
    wf = d.start()
    d.work("dash_charge", "COMPLETED", log="one")
    d.work("dash_ship", "COMPLETED", log="two")
    html = staff.get(f"/executions/{wf}").content.decode()
    assert lines_of(html) == 1 and "download for every line" in html
    assert staff.get(f"/executions/{wf}/logs.txt").content.decode().count("\n") == 2
