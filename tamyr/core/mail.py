"""An e-mail backend that hands messages to the task queue, so pages never wait on a mail server."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from tamyr.core.tasks import deliver_email

        count = 0
        for message in email_messages:
            message.connection = None  # connections do not pickle; the worker opens its own
            deliver_email(message)
            count += 1
        return count


def delivery_connection(**kwargs: Any) -> BaseEmailBackend:
    from django.conf import settings
    from django.core.mail import get_connection

    return get_connection(settings.TAMYR_DELIVERY_EMAIL_BACKEND, **kwargs)
