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
RUN_ENTRY = "src/run.tsx"  # the read-only run diagram on the execution page (executions/views_run.py)


def manifest_path() -> Path:
    return Path(settings.BASE_DIR) / "static" / "editor" / ".vite" / "manifest.json"


@lru_cache(maxsize=8)
def _assets_for(path: str, mtime: float, name: str) -> dict[str, Any]:
    manifest = json.loads(Path(path).read_text())
    entry = manifest[name]
    # With two entries (editor, run page) Vite moves shared code and its CSS into chunks the
    # entries import: collect CSS and preloads through the static imports, not the entry alone.
    css: list[str] = list(entry.get("css", []))
    preload: list[str] = []
    todo, seen = list(entry.get("imports", [])), set()
    while todo:
        key = todo.pop(0)
        if key in seen or key not in manifest:
            continue
        seen.add(key)
        chunk = manifest[key]
        preload.append(chunk["file"])
        css += [c for c in chunk.get("css", []) if c not in css]
        todo += chunk.get("imports", [])
    return {
        "js": static("editor/" + entry["file"]),
        "css": [static("editor/" + c) for c in css],
        "preload": [static("editor/" + f) for f in preload],
    }


def assets(entry: str = ENTRY) -> dict[str, Any] | None:
    """The entry's hashed JS/CSS URLs, or None when the front end has not been built."""
    path = manifest_path()
    try:
        return _assets_for(str(path), path.stat().st_mtime, entry)
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
