"""Saved views of the run list: a user's named filter and sort, kept as the list's query string.

Per user: every read and write is scoped to the user who asks, so another user's view is "not
found" (never "forbidden": its existence is not theirs to learn). A view is checked with the
list's own filter parser when it is saved, so a saved view always opens a valid list.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.http import QueryDict

from .filters import DEFAULT_SORT, FilterError, RunFilter, parse
from .models import SavedView

# Where the user is in the list, not what the list shows: never part of a view.
NOT_SAVED = ("after", "partial")
# What the form sends when nothing is chosen: left out, so a view says only what it narrows.
DEFAULTS = {"sort": DEFAULT_SORT, "size": str(RunFilter.size)}
MAX_NAME = 100
MAX_VIEWS = 50  # per user

User = AbstractBaseUser | AnonymousUser


class ViewError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NoSuchView(LookupError):
    pass


def canonical_query(raw: str) -> str:
    """The list query a view stores: paging dropped, empty fields dropped, the filter checked."""
    params = QueryDict(raw, mutable=True)
    for key in NOT_SAVED:
        params.pop(key, None)
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        for value in values:
            if value.strip() and DEFAULTS.get(key) != value.strip():
                kept.appendlist(key, value)
    try:
        parse(dict(kept.lists()))
    except FilterError as exc:
        raise ViewError(exc.errors) from exc
    return kept.urlencode()


def _name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise ViewError({"name": "give the view a name"})
    if len(name) > MAX_NAME:
        raise ViewError({"name": f"at most {MAX_NAME} characters"})
    return name


def _uid(user: User) -> int:
    if user.pk is None:  # the pages are behind login; a guard for any other caller
        raise NoSuchView("log in to have saved views")
    return int(user.pk)


def mine(user: User) -> list[SavedView]:
    return list(SavedView.objects.filter(user_id=_uid(user)).order_by("name", "id"))


def save(user: User, name: str, query: str) -> tuple[SavedView, bool]:
    """Save the list's query under `name`; a view of that name already there gets the new query."""
    name, query = _name(name), canonical_query(query)
    with transaction.atomic():
        view = SavedView.objects.select_for_update().filter(user_id=_uid(user), name=name).first()
        if view is not None:
            view.query = query
            view.save(update_fields=["query", "updated"])
            return view, False
        if SavedView.objects.filter(user_id=_uid(user)).count() >= MAX_VIEWS:
            raise ViewError({"name": f"you have {MAX_VIEWS} views already; delete one first"})
        try:
            with transaction.atomic():
                return SavedView.objects.create(user_id=_uid(user), name=name, query=query), True
        except IntegrityError as exc:  # the same name saved at the same moment in another tab
            raise ViewError({"name": f"you already have a view named {name!r}"}) from exc


def _own(user: User, view_id: int) -> SavedView:
    view = SavedView.objects.filter(user_id=_uid(user), id=view_id).first()
    if view is None:
        raise NoSuchView(view_id)
    return view


def rename(user: User, view_id: int, name: str) -> SavedView:
    view, name = _own(user, view_id), _name(name)
    if name == view.name:
        return view
    if SavedView.objects.filter(user_id=_uid(user), name=name).exists():
        raise ViewError({"name": f"you already have a view named {name!r}"})
    view.name = name
    try:
        with transaction.atomic():
            view.save(update_fields=["name", "updated"])
    except IntegrityError as exc:
        raise ViewError({"name": f"you already have a view named {name!r}"}) from exc
    return view


def delete(user: User, view_id: int) -> str:
    view = _own(user, view_id)
    view.delete()
    return view.name
