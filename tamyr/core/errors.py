"""Domain errors carry a stable code for the API and a translated message for people."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    code = "invalid"

    def __init__(self, message: str | Promise, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field


class NotAllowed(DomainError):
    code = "not_allowed"
