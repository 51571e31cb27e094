"""Fixtures the page tests of this tier share."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from . import dashboards


@pytest.fixture()
def staff(client: Client) -> Client:
    """A logged-in superuser, with the dashboards' sample definitions registered."""
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw-boss-12345"))
    dashboards.register()
    return client
