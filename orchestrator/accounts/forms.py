"""The sign-in form: Django's AuthenticationForm with the throttle in front of the password check."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

from orchestrator.accounts import throttle


def client_address(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: a client-supplied X-Forwarded-For would let anyone pick their own key.
    return request.META.get("REMOTE_ADDR") if request is not None else None


class ThrottledAuthenticationForm(AuthenticationForm):
    # One message for a wrong password, an unknown user and an inactive one: no user enumeration.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match an active account. Check both and try again.",
        "throttled": "Too many failed sign-in attempts for this username or from this address. "
                     "Try again in %(minutes)s minutes.",
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.throttled = False
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none", spellcheck="false")
        if self.is_bound and self.data.get("username"):
            # back after an error with the username kept: the password is what to type next
            self.fields["username"].widget.attrs.pop("autofocus", None)
            self.fields["password"].widget.attrs["autofocus"] = True

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        wait = throttle.retry_after(username, address)
        if wait:
            # refused before authenticate(): a locked key learns nothing, not even a right password
            self.throttled = True
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled",
                                        params={"minutes": max(1, math.ceil(wait / 60))})
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if self.cleaned_data.get("password") is not None:
                throttle.record_failure(username, address)
            raise
        throttle.forget_username(username)
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's login (staff only) behind the same throttle and counts: otherwise /admin/login/
    would be an unthrottled way round /login/'s limit."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": ThrottledAuthenticationForm.error_messages["throttled"],
    }
