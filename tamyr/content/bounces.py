"""Reading bounces (RFC 3464 delivery status notifications) and `List-Unsubscribe` mailto: replies from an mbox
file or a Maildir, without IMAP.

A DSN is `multipart/report; report-type=delivery-status`: a `message/delivery-status` part with one block per
recipient (`Final-Recipient`, `Action`, `Status`), and the returned message or its headers, where our `Message-ID`
and `X-Tamyr-Message` headers are found. `failed` with a 5.x.x status is permanent; `delayed` or 4.x.x temporary.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from email.message import Message as EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from tamyr.content.delivery import Bounce

MESSAGE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
UNSUBSCRIBE_SUBJECT = re.compile(r"\bunsubscribe\s+([A-Za-z0-9_:\-]{20,})", re.IGNORECASE)


def unsubscribe_token_in(message: EmailMessage) -> str | None:
    """The signed token of a reply to a `List-Unsubscribe` mailto: (RFC 2369), the subject being "unsubscribe
    <token>" (a client may prefix "Re:"); None for anything else, DSNs included. The token is checked by whoever
    uses it (`delivery.message_for_token`), as the link's is: it is the recipient's proof, the reply's From is not."""
    if message.get_content_type() == "multipart/report":
        return None
    subject = " ".join(str(message.get("Subject", "")).split())
    found = UNSUBSCRIBE_SUBJECT.search(subject)
    return found.group(1) if found else None


def _headers_of_returned(part: EmailMessage) -> EmailMessage | None:
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        first = payload[0] if isinstance(payload, list) and payload else None
        return first if isinstance(first, EmailMessage) else None
    if part.get_content_type() == "text/rfc822-headers":
        raw = part.get_payload(decode=True)
        return BytesHeaderParser().parsebytes(raw) if isinstance(raw, bytes) else None
    return None


def bounces_in(message: EmailMessage) -> list[Bounce]:
    """The bounces a DSN reports (none when `message` is not a DSN)."""
    if message.get_content_type() != "multipart/report":
        return []
    original_id = ""
    blocks: list[EmailMessage] = []
    for part in message.walk():
        returned = _headers_of_returned(part)
        if returned is not None:
            found = MESSAGE_ID.search(str(returned.get("X-Tamyr-Message") or returned.get("Message-ID") or ""))
            original_id = found.group(0) if found else original_id
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                blocks = [block for block in payload if isinstance(block, EmailMessage)]
    found_bounces: list[Bounce] = []
    for block in blocks:
        action = str(block.get("Action", "")).strip().lower()
        if not action:
            continue  # the per-message block (Reporting-MTA, ...)
        if action not in ("failed", "delayed"):
            continue  # delivered, relayed, expanded: not a bounce
        status = str(block.get("Status", "")).strip()
        recipient = str(block.get("Original-Recipient") or block.get("Final-Recipient") or "")
        email = recipient.split(";", 1)[-1].strip()
        permanent = action == "failed" and not status.startswith("4")
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
        reason = f"{status} {diagnostic}".strip() or action
        found_bounces.append(Bounce(message_id=original_id, email=email, permanent=permanent, reason=reason[:300]))
    return found_bounces


def read_mailbox(path: Path, *, maildir: bool = False) -> Iterator[EmailMessage]:
    box: mailbox.Mailbox[Any] = mailbox.Maildir(str(path), create=False) if maildir else mailbox.mbox(str(path))
    yield from box
