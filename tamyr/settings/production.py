"""Production: secrets and hosts come only from the environment; HTTPS everywhere."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from tamyr.settings.base import *
from tamyr.settings.env import env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("TAMYR_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set TAMYR_SECRET_KEY: production never generates or stores its own key.")
DEBUG = False
ALLOWED_HOSTS = env_list("TAMYR_ALLOWED_HOSTS", [])
SECURE_SSL_REDIRECT = env_bool("TAMYR_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("TAMYR_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
WHITENOISE_USE_FINDERS = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
SERVE_MEDIA = env_bool("TAMYR_SERVE_MEDIA", False)
# TAMYR_SITE_URL must be the public https address: every command stops until it is (tamyr/core/checks.py)
SITE_URL_MUST_BE_HTTPS = True
