"""Test settings: fast hashing, tasks run inline, mail kept in memory."""

from __future__ import annotations

from tamyr.settings.base import *
from tamyr.settings.base import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
TAMYR_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_BACKEND = "tamyr.core.mail.QueuedEmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
}
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# `tamyr demo` in tests: no generated learners (1,450 reproduce seed 003; tamyr.learning.demo) — the courses, and
# the `compatriot` login's enrollments, are still built. The learning demo's own tests ask for the learners they need.
TAMYR_DEMO_LEARNERS = 0
