"""The editor page itself (no browser): login, the Vite manifest, the CSRF token, escaping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from editor import views


@pytest.fixture()
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / ".vite" / "manifest.json"
    path.parent.mkdir()
    path.write_text(json.dumps({
        "src/main.tsx": {"file": "assets/main-abc123.js", "css": ["assets/main-def456.css"], "imports": ["_shared.js"],
                         "isEntry": True},
        "_shared.js": {"file": "assets/shared-789.js"},
    }))
    monkeypatch.setattr(views, "manifest_path", lambda: path)
    return path


@pytest.fixture()
def user_client(client: Client, django_user_model: type) -> Client:
    user = django_user_model.objects.create_user("ed", password="pw-123456789")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_login_required(client: Client) -> None:
    response = client.get("/editor/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/editor/"


@pytest.mark.django_db
def test_page_includes_hashed_assets_and_csrf(user_client: Client, manifest: Path) -> None:
    response = user_client.get("/editor/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<script type="module" src="/static/editor/assets/main-abc123.js">' in html
    assert 'href="/static/editor/assets/main-def456.css"' in html
    assert 'rel="modulepreload" href="/static/editor/assets/shared-789.js"' in html
    config = json.loads(html.split('id="baton-config" type="application/json">')[1].split("</script>")[0])
    assert config["base"] == "/editor/" and config["user"] == "ed" and config["csrfToken"]
    assert "csrftoken" in response.cookies


@pytest.mark.django_db
def test_client_side_routes_and_escaping(user_client: Client, manifest: Path) -> None:
    response = user_client.get("/editor/order_flow/?version=3")
    assert response.status_code == 200
    # a hostile workflow name in the URL never reaches the page as markup
    response = user_client.get("/editor/%3Cimg%20src=x%20onerror=alert(1)%3E/")
    assert b"<img src=x" not in response.content


@pytest.mark.django_db
def test_explains_a_missing_build(user_client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "manifest_path", lambda: tmp_path / "nope.json")
    response = user_client.get("/editor/")
    assert response.status_code == 503
    assert b"npm run build" in response.content


def test_two_entries_get_the_css_of_the_chunk_they_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # With the run page's entry beside the editor's, Vite puts the shared code and its CSS in a chunk.
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({
        "src/main.tsx": {"file": "assets/main-1.js", "isEntry": True, "imports": ["_styles.js"]},
        "src/run.tsx": {"file": "assets/run-2.js", "isEntry": True, "imports": ["_styles.js"]},
        "_styles.js": {"file": "assets/styles-3.js", "css": ["assets/styles-4.css"], "imports": ["_index.js"]},
        "_index.js": {"file": "assets/index-5.js"},
    }))
    monkeypatch.setattr(views, "manifest_path", lambda: path)
    for entry, js in ((views.ENTRY, "main-1"), (views.RUN_ENTRY, "run-2")):
        built = views.assets(entry)
        assert built is not None
        assert built["js"] == f"/static/editor/assets/{js}.js"
        assert built["css"] == ["/static/editor/assets/styles-4.css"]
        assert built["preload"] == ["/static/editor/assets/styles-3.js", "/static/editor/assets/index-5.js"]
