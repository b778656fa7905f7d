"""System checks of the deployment's settings that Django's own do not cover.

TAMYR_SITE_URL is written into everything Tamyr signs and sends: the issuers' did:web identifiers, the credentials'
ids and status lists, the links in e-mails and on PDFs. A wallet resolves did:web only over https and only at a
public host, so credentials issued under `http://127.0.0.1:8000` (the development default) can never be checked
by anyone else. Production (`SITE_URL_MUST_BE_HTTPS`, set in settings/production.py) therefore refuses to run
management commands (`migrate`, `run_huey`; the web service's unit runs `tamyr check --deploy` before gunicorn)
until it is set to an https address; `check --deploy` reports it under any settings.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "")


def site_url_errors() -> list[Error]:
    url = str(getattr(settings, "SITE_URL", "") or "")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host not in LOCAL_HOSTS and not host.endswith(".localhost"):
        return []
    return [
        Error(
            f"TAMYR_SITE_URL is {url!r}: set it to the site's public https address (https://tamyr.example.org).",
            hint=(
                "Credentials, their issuers' did:web identifiers and every link Tamyr sends are made from it; a "
                "credential issued under another address cannot be resolved by a wallet."
            ),
            id="tamyr.E001",
        )
    ]


@register(Tags.security)
def check_site_url_in_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Every command of a production deployment stops on it."""
    return site_url_errors() if getattr(settings, "SITE_URL_MUST_BE_HTTPS", False) else []


@register(Tags.security, deploy=True)
def check_site_url_for_deploy(app_configs: Any, **kwargs: Any) -> list[Error]:
    """`check --deploy` under other settings (production reports it through the check above, once)."""
    return [] if getattr(settings, "SITE_URL_MUST_BE_HTTPS", False) else site_url_errors()
