"""Request parsing that tolerates what Conductor clients really send.

The SDK sends `{}` bodies on DELETE, unquoted plain-text log bodies under a JSON content type,
Python-style `True`/`False` in query strings and the literal string `None` for absent values.
Bodies are size- and depth-limited: a pathological document gets a 400, never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework.parsers import BaseParser

from orchestrator.conf import baton

from .exceptions import BadRequest


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(raw: bytes | str) -> Any:
    if isinstance(raw, bytes):
        if len(raw) > baton.MAX_BODY_BYTES:
            raise BadRequest(f"Request body is larger than {baton.MAX_BODY_BYTES} bytes")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest("Request body is not UTF-8") from exc
    if not raw.strip():
        return None
    _check_depth(raw)
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"Malformed JSON: {exc}") from exc


def _check_depth(text: str) -> None:
    # Cheap pre-scan so a 10,000-deep document never reaches the recursive decoder.
    depth = limit = 0
    limit = baton.MAX_JSON_DEPTH
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                raise BadRequest(f"JSON nesting deeper than {limit} levels")
        elif ch in "]}":
            depth -= 1


class TolerantJSONParser(BaseParser):
    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return loads(stream.read() if stream is not None else b"")


class LogLineParser(BaseParser):
    """A task log line, as text: the SDK sends it unquoted despite its JSON content type.

    Parsing it here (rather than reading `request.body` in the view) keeps the body readable
    after the session CSRF check has consumed the stream.
    """

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        if len(raw) > baton.MAX_BODY_BYTES:
            raise BadRequest(f"Request body is larger than {baton.MAX_BODY_BYTES} bytes")
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            return text
        return parsed if isinstance(parsed, str) else text


def flag(params: Any, name: str, default: bool = False) -> bool:
    value = params.get(name)
    if value is None or value in ("", "None", "null"):
        return default
    return str(value).strip().lower() in ("true", "1", "yes", "on")


def text(params: Any, name: str) -> str | None:
    value = params.get(name)
    if value is None or value in ("", "None", "null"):
        return None
    return str(value)


def integer(params: Any, name: str, default: int | None = None, *, low: int | None = None,
            high: int | None = None) -> int | None:
    value = text(params, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise BadRequest(f"Query parameter '{name}' must be an integer, got {value!r}") from exc
    if low is not None and number < low or high is not None and number > high:
        raise BadRequest(f"Query parameter '{name}' must be between {low} and {high}, got {number}")
    return number


def require_object(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def require_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadRequest(f"{what} must be a JSON array, got {type(value).__name__}")
    return value


class IgnoreAcceptNegotiation:
    """Always answer JSON: Conductor clients send Accept headers (e.g. text/plain) they don't mean."""

    def select_parser(self, request: Any, parsers: list[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Any, renderers: list[Any], format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type
