"""The deployment check of TAMYR_SITE_URL (tamyr/core/checks.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks


def _ids(*, deploy: bool) -> list[str]:
    return [message.id for message in checks.run_checks(include_deployment_checks=deploy, tags=[checks.Tags.security])]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://tamyr.example.org", "https://localhost:8443", "", "tamyr.example.org"]
)
def test_production_refuses_a_site_url_that_is_not_a_public_https_address(settings: Any, url: str) -> None:
    settings.SITE_URL_MUST_BE_HTTPS = True
    settings.SITE_URL = url
    assert _ids(deploy=False).count("tamyr.E001") == 1  # every command stops, not only `check --deploy`
    assert _ids(deploy=True).count("tamyr.E001") == 1  # and it is said once


def test_production_starts_with_an_https_site_url(settings: Any) -> None:
    settings.SITE_URL_MUST_BE_HTTPS = True
    settings.SITE_URL = "https://tamyr.example.org"
    assert "tamyr.E001" not in _ids(deploy=True)


def test_check_deploy_reports_it_under_any_settings_and_development_runs_on(settings: Any) -> None:
    settings.SITE_URL_MUST_BE_HTTPS = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert "tamyr.E001" not in _ids(deploy=False)
    assert "tamyr.E001" in _ids(deploy=True)


def test_the_production_settings_require_it() -> None:
    from pathlib import Path

    import tamyr.settings

    production = Path(tamyr.settings.__file__).with_name("production.py").read_text(encoding="utf-8")
    assert "SITE_URL_MUST_BE_HTTPS = True" in production
