"""Playwright against Debian's Chromium; `playwright install` is never needed.

Playwright's sync API runs an event loop in the test thread, so Django's guard against ORM calls from async
code would trip on every query the test makes; the test itself is synchronous, so the guard is lifted here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("TAMYR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def session_cookie(user: Any) -> str:
    """A signed-in session for `user`, made the way `Client.force_login` makes one: no login form per test."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return str(session.session_key)


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium, started after the test database is set up and stopped before it is flushed.

    While Playwright's sync API is active, its event loop counts as running in this thread, and Django then
    keeps database connections apart from the ones it set up (and serialized) for the test. Starting the
    browser per test, after the database fixtures, keeps Django's set-up and tear-down on its own connections.
    """
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; install it with `apt-get install chromium`."
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {message}", pytrace=False)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
            # The connections the test body opened while the event loop ran.
            connections.close_all()


@pytest.fixture(scope="module", autouse=True)
def _restore_database_after_flush(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Put back the migrated data (countries, cache table rows) that a live-server test flushes away.

    A transactional test ends by emptying every table. Later tests, and the next run with `--reuse-db`,
    expect what the migrations loaded, so the content serialized when the test database was set up is
    loaded again once this module's tests are done.
    """
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
