"""The visual workflow editor: one page that boots the React app built by Vite into static/editor/.

The page reads Vite's manifest to include the hashed entry script and its CSS; client-side routing
handles /editor/ (definitions) and /editor/<name>/?version=N (the editor itself).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.csrf import ensure_csrf_cookie

ENTRY = "src/main.tsx"


def manifest_path() -> Path:
    return Path(settings.BASE_DIR) / "static" / "editor" / ".vite" / "manifest.json"


@lru_cache(maxsize=4)
def _assets_for(path: str, mtime: float) -> dict[str, Any]:
    manifest = json.loads(Path(path).read_text())
    entry = manifest[ENTRY]
    return {
        "js": static("editor/" + entry["file"]),
        "css": [static("editor/" + css) for css in entry.get("css", [])],
        "preload": [static("editor/" + manifest[i]["file"]) for i in entry.get("imports", []) if i in manifest],
    }


def assets() -> dict[str, Any] | None:
    """The entry's hashed JS/CSS URLs, or None when the front end has not been built."""
    path = manifest_path()
    try:
        return _assets_for(str(path), path.stat().st_mtime)
    except (OSError, KeyError, ValueError):
        return None


@login_required
@ensure_csrf_cookie
def editor(request: HttpRequest, name: str | None = None) -> HttpResponse:
    built = assets()
    config = {
        "base": "/editor/",
        "api": "/api",
        "csrfToken": get_token(request),
        "user": request.user.get_username(),
    }
    status = 200 if built else 503
    return render(request, "editor/app.html", {"assets": built, "config": config}, status=status)
