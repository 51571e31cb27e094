"""/login/ and /logout/: Django's auth views with our form, template and landing pages.

LoginView already honours `next` only for same-site URLs (url_has_allowed_host_and_scheme with
the request's host; https required when the request is https), and sends a signed-in visitor on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import resolve_url

from orchestrator.accounts.forms import ThrottledAuthenticationForm


class SignInView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        # `next` back to /login/ would loop (Django raises for a signed-in visitor: a 500), and
        # /logout/ answers GET with 405: both fall back to the landing page.
        target = super().get_redirect_url()
        if urlsplit(target).path in (self.request.path, resolve_url("accounts:logout")):
            return ""
        return target

    def get_default_redirect_url(self) -> str:
        # Staff land on the overview; everyone else on their inbox (the dashboards are staff-only).
        if self.request.user.is_staff:
            return resolve_url("/")
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5's LogoutView answers GET with 405), CSRF-checked; lands on /login/."""
