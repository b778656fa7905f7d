"""API throttles: per signed-in user, and per IP address for the anonymous (docs/decisions/0011).

DRF's own classes, with two changes:

- the counts live in the `throttle` cache (Redis when `REDIS_URL` is set, else each process's memory): with the
  embedded database cache every API request would cost two more database round trips; per-process counts on one
  machine only multiply the limit by the number of workers;
- the rate is read from `TAMYR_API_THROTTLE_RATES` on every request rather than once at import, so an operator's
  setting (and a test's) applies as it is. A rate of None turns that throttle off.

The client's address is `REMOTE_ADDR`, or, behind `TAMYR_TRUSTED_PROXIES` proxies, the address the nearest of
them saw (DRF's `NUM_PROXIES`), never a header the client could invent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

THROTTLE_CACHE = "throttle"


class _Configured:
    cache: Any = ConnectionProxy(caches, THROTTLE_CACHE)

    def get_rate(self) -> str | None:
        return getattr(settings, "TAMYR_API_THROTTLE_RATES", {}).get(getattr(self, "scope", None))


class AnonThrottle(_Configured, AnonRateThrottle):
    """Anonymous requests, counted per client IP address (`anon` rate)."""


class UserThrottle(_Configured, UserRateThrottle):
    """Signed-in requests (session or token), counted per user (`user` rate); the anonymous are left to
    `AnonThrottle`."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
