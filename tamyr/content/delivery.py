"""Delivering a campaign: one message row per recipient written first, then sent in batches by the task queue.

How a mailing is never sent twice and never dropped (docs/decisions/0032):

1. `start_campaign` writes one `Message` per recipient in one transaction (bulk, streamed in chunks, so 100,000
   recipients take seconds and little memory), each with its own Message-ID and language, and marks the campaign
   `sending`. A start that is repeated finds the rows already there (`ignore_conflicts` on the unique
   (campaign, person)) and only queues the sending again.
2. A sending task claims a batch with one conditional UPDATE (`claimed_at` set only where the row is still
   claimable: pending and unclaimed, deferred and due, or claimed longer ago than `claim_timeout()`, i.e. by a
   worker that died). Two workers never hold the same row: the UPDATE re-checks the condition, and each worker
   reads back only the rows carrying its own claim stamp.
3. The batch goes over ONE SMTP connection. A message's final "." (the moment the server takes it) is written into
   the kernel and held there (TCP_CORK) while its `handed_at` is recorded, then let go (`tamyr.content.smtp`);
   after the server's 250 it is marked `sent`, up to 50 messages per UPDATE (the `handed_at` already keeps it from
   being sent again). A worker stops sending its batch when half the claim timeout has passed, so a row it holds
   is never claimed by another worker while it may still send it.
4. A worker killed in the middle leaves its unsent rows claimed; they are claimed again once the claim is stale.
   Rows marked `sent` are never sent again, and neither are rows with `handed_at` set: the worker died after
   handing them over, so they are taken as delivered (`sent`, with a note). The kernel sends what a dead process's
   socket holds, so the held "." of a message whose hand-over was recorded reaches the server.

The remaining window, honestly: a worker killed after the "." went into the kernel and before the UPDATE recording
the hand-over was written (pure computation, no wait and no write that wakes another process in between) leaves a
message that the server gets and that is sent again: that recipient gets it twice. Until 2026-12-07 the record came
first and the "." after, and the window was the other way round (missing) and wider: the record's write wakes the
database's process, which a loaded machine often runs before the worker gets to the "." (bench/mailing.py's
`missing: 1`; tests/content/test_delivery_kill.py). SMTP has no two-phase commit, so one of "maybe twice" and
"maybe never" must remain for a kill between two writes; what is chosen is the narrowest. A worker killed after the
"." and before reading a refusal records as sent a message the server refused.

Temporary refusals (4xx, dropped connections) defer the message: it is retried after `retry_delay()`, up to
`max_attempts()` attempts, then `failed`; permanent refusals (5xx) fail it at once. A campaign is `sent` only when
every message has a final state (listmonk#2509).
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.message
import functools
import logging
import random
import re
import select
import smtplib
import time
import uuid
from dataclasses import dataclass, field
from email.header import Header
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from tamyr.content.models import (
    FINAL_MESSAGE_STATES,
    BouncedAddress,
    Campaign,
    CampaignStatus,
    Message,
    MessageState,
    SendingIdentity,
)
from tamyr.content.smtp import HandOverEmailBackend
from tamyr.core import audit
from tamyr.core.errors import DomainError
from tamyr.core.mail import delivery_connection
from tamyr.core.worker import stop_requested
from tamyr.registry.models import Consent, ConsentPurpose

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "tamyr.content.unsubscribe"
MAILTO_SUBJECT = "unsubscribe"  # the subject of a List-Unsubscribe mailto: reply: this word, then the signed token
WRITE_CHUNK = 5000  # message rows built and inserted at a time when a campaign starts
HANDED_SQL = f"UPDATE {Message._meta.db_table} SET handed_at = $1 WHERE id = $2 AND claimed_at = $3".encode()
MARK_EVERY = 50  # accepted messages marked `sent` per UPDATE
RATE_CHUNK = 50  # rate-limit tokens taken from the shared counter at a time
HANDED_OVER_NOTE = "taken as delivered: the worker stopped after handing it to the mail server"


class DeliveryError(DomainError):
    code = "campaign_not_startable"


# --- settings --------------------------------------------------------------------------------------------------


def batch_size() -> int:
    return int(getattr(settings, "TAMYR_MAILING_BATCH", 200))


def claim_timeout() -> dt.timedelta:
    """After this long a claim is taken to belong to a dead worker (a live one stops sending at half of it)."""
    return dt.timedelta(seconds=int(getattr(settings, "TAMYR_MAILING_CLAIM_SECONDS", 300)))


def retry_delay() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "TAMYR_MAILING_RETRY_SECONDS", 600)))


def max_attempts() -> int:
    return int(getattr(settings, "TAMYR_MAILING_MAX_ATTEMPTS", 5))


def parallel_senders() -> int:
    return max(1, int(getattr(settings, "TAMYR_MAILING_PARALLEL", 2)))


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def site_host() -> str:
    return urlsplit(site_url()).hostname or "tamyr.local"


# --- starting ----------------------------------------------------------------------------------------------------


def new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{site_host()}>"


def start_campaign(campaign: Campaign, *, acting_user: Any = None) -> int:
    """Write a message row for every recipient and start sending; returns the number of rows.

    The caller (the editor's service, the scheduler, `tamyr send_campaign`) has decided that the campaign may go.
    One transaction: either every recipient has a row and the campaign is `sending`, or nothing changed."""
    from tamyr.content.segments import recipients_with_language

    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("segment").get(pk=campaign.pk)
        if locked.status in (CampaignStatus.SENT, CampaignStatus.CANCELLED):
            raise DeliveryError(gettext("This campaign has already been sent or was cancelled."))
        if locked.status != CampaignStatus.SENDING:
            people: Any = recipients_with_language(locked)  # annotated: the stubs do not know `mail_language`
            rows = people.values_list("pk", "email", "mail_language")
            chunk: list[Message] = []
            for person_id, email, language in rows.iterator(chunk_size=WRITE_CHUNK):
                chunk.append(
                    Message(
                        campaign_id=locked.pk,
                        person_id=person_id,
                        email=email,
                        language=language,
                        message_id=new_message_id(),
                    )
                )
                if len(chunk) >= WRITE_CHUNK:
                    Message.objects.bulk_create(chunk, ignore_conflicts=True)
                    chunk = []
            if chunk:
                Message.objects.bulk_create(chunk, ignore_conflicts=True)
            locked.status = CampaignStatus.SENDING
            locked.started_at = timezone.now()
            locked.save(update_fields=["status", "started_at", "updated_at"])
            audit.record(acting_user, "content.campaign_started", locked)
        count = Message.objects.filter(campaign=locked).count()
        transaction.on_commit(lambda: enqueue_sending(locked.pk))
    campaign.status, campaign.started_at = locked.status, locked.started_at
    return count


def enqueue_sending(campaign_id: int, *, senders: int | None = None) -> None:
    from tamyr.content.tasks import send_campaign_batch

    for _index in range(senders or parallel_senders()):
        send_campaign_batch(campaign_id)


def start_due_campaigns(now: dt.datetime | None = None) -> list[int]:
    """Start the scheduled campaigns whose time has come. Each is started by whoever flips its status first (a
    conditional UPDATE), so two schedulers never start one campaign twice."""
    now = now or timezone.now()
    started: list[int] = []
    due = Campaign.objects.filter(status=CampaignStatus.SCHEDULED, scheduled_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            campaign = (
                Campaign.objects.select_for_update()
                .filter(pk=pk, status=CampaignStatus.SCHEDULED, scheduled_at__lte=now)
                .first()
            )
            if campaign is None:
                continue
            start_campaign(campaign)
            started.append(pk)
    return started


def resume_stalled(*, at_start: bool = False) -> list[int]:
    """Queue the sending again for campaigns whose worker died (its chain of tasks died with it): campaigns still
    `sending` with claimable messages and, unless a worker is just starting, no claim in the last claim timeout."""
    now = timezone.now()
    resumed: list[int] = []
    for campaign_id in Campaign.objects.filter(status=CampaignStatus.SENDING).values_list("pk", flat=True):
        if not Message.objects.filter(claimable(now), campaign_id=campaign_id).exists():
            finish_if_done(campaign_id)
            continue
        busy = Message.objects.filter(campaign_id=campaign_id, claimed_at__gte=now - claim_timeout()).exists()
        if at_start or not busy:
            enqueue_sending(campaign_id)
            resumed.append(campaign_id)
    return resumed


# --- claiming ----------------------------------------------------------------------------------------------------


def claimable(now: dt.datetime) -> Q:
    stale = now - claim_timeout()
    due = now - max(claim_timeout(), retry_delay())
    return (Q(state=MessageState.PENDING) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))) | (
        Q(state=MessageState.DEFERRED) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=due))
    )


def claim_batch(campaign_id: int, size: int) -> tuple[dt.datetime, list[int]]:
    """Claim up to `size` messages: (the claim stamp, their ids). The stamp is this claim's own (jittered to the
    microsecond), so reading back the rows that carry it tells exactly which rows this worker won."""
    now = timezone.now()
    stamp = now - dt.timedelta(microseconds=random.randrange(1_000_000))
    condition = claimable(now)
    with transaction.atomic():
        candidates = Message.objects.filter(condition, campaign_id=campaign_id).order_by()
        if db_connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        rows = list(candidates.values_list("pk", "handed_at")[:size])
        handed = [pk for pk, handed_at in rows if handed_at is not None]
        if handed:  # a dead worker handed these to the mail server: taken as delivered, never sent again
            Message.objects.filter(condition, pk__in=handed).update(
                state=MessageState.SENT, sent_at=F("handed_at"), error=HANDED_OVER_NOTE
            )
        ids = [pk for pk, handed_at in rows if handed_at is None]
        if not ids:
            return stamp, []
        Message.objects.filter(condition, pk__in=ids).update(claimed_at=stamp)
        mine = list(Message.objects.filter(pk__in=ids, claimed_at=stamp).order_by("pk").values_list("pk", flat=True))
    return stamp, mine


# --- rate limits ---------------------------------------------------------------------------------------------------


class RateLimiter:
    """A limit of messages per second per campaign and per provider: one counter per second, incremented
    atomically in the `throttle` cache, which is Redis when configured (shared by every worker) and else each
    process's memory (the limit then holds per worker process; a database cache would cost a round trip per
    message).

    Tokens are taken from the counter up to `RATE_CHUNK` at a time and spent locally within that second: one Redis
    round trip per chunk instead of one per message (issue 15 item 9: the per-message round trip was a seventh of a
    message's time). A worker's unspent tokens lapse with their second, so a limit is never exceeded; under a tight
    limit shared by several workers it may be slightly under-used."""

    def __init__(self, campaign: Campaign) -> None:
        self.cache = caches["throttle"]
        self.limits: list[tuple[str, int]] = []
        if campaign.rate_limit:
            self.limits.append((f"tamyr:mailing:campaign:{campaign.pk}", campaign.rate_limit))
        provider_rate = int(getattr(settings, "TAMYR_MAILING_PROVIDER_RATE", 0))
        if provider_rate:
            self.limits.append((f"tamyr:mailing:provider:{settings.EMAIL_HOST}", provider_rate))
        self.second = -1
        self.tokens = 0
        self.spent = False  # the limit was reached in `second`: wait for the next one

    def _take(self, prefix: str, limit: int, second: int, wanted: int) -> int:
        """Take up to `wanted` of the second's tokens; returns how many were granted."""
        key = f"{prefix}:{second}"
        try:
            count = self.cache.incr(key, wanted)
        except ValueError:
            self.cache.add(key, 0, timeout=10)
            count = self.cache.incr(key, wanted)
        return max(0, min(wanted, limit - (count - wanted)))

    def acquire(self) -> None:
        """Wait until one more message may be sent in the current second under every limit."""
        if not self.limits:
            return
        while True:
            second = int(time.time())
            if second != self.second:
                self.second, self.tokens, self.spent = second, 0, False
            if not self.tokens and not self.spent:
                wanted = min(RATE_CHUNK, *(limit for _prefix, limit in self.limits))
                granted = min(self._take(prefix, limit, second, wanted) for prefix, limit in self.limits)
                self.tokens, self.spent = granted, granted < wanted
            if self.tokens:
                self.tokens -= 1
                return
            time.sleep(max(0.001, second + 1 - time.time()))


# --- building one e-mail --------------------------------------------------------------------------------------------


def unsubscribe_token(message_id: str) -> str:
    return signing.dumps(message_id, salt=UNSUBSCRIBE_SALT)


def message_id_from_token(token: str) -> str | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def unsubscribe_url(message_id: str) -> str:
    return site_url() + reverse("content:unsubscribe", args=[unsubscribe_token(message_id)])


class MailingEmail(EmailMultiAlternatives):
    """A campaign's e-mail, DKIM-signed when its organization has a key (dkimpy, relaxed/relaxed).

    Its bytes are written directly (`raw()`) instead of through Django's MIME classes and the `email` package's
    generator, which cost more CPU than everything else a message needs (issue 15 item 9): a multipart/alternative
    of a plain-text and an HTML part, headers encoded as RFC 2047 words only when they are not ASCII, bodies 7bit or
    8bit (base64 when a line would be longer than SMTP allows). `message()` parses those same bytes, so the locmem
    backend and tests see exactly what an SMTP server gets."""

    dkim: tuple[bytes, bytes, bytes] | None = None  # (domain, selector, private key PEM)
    SIGNED_HEADERS: tuple[bytes, ...] = (b"from", b"to", b"subject", b"date", b"message-id", b"mime-version")
    SIGNED_HEADERS += (b"content-type", b"list-unsubscribe", b"list-unsubscribe-post")
    _raw: bytes | None = None

    def message(self, *args: Any, **kwargs: Any) -> Any:
        parsed: Any = email.message_from_bytes(self.raw(), _class=SentMessage)
        parsed.raw = self.raw()
        return parsed

    def raw(self) -> bytes:
        if self._raw is None:
            self._raw = self._build()
        return self._raw

    def _build(self) -> bytes:
        encoding = self.encoding or settings.DEFAULT_CHARSET
        boundary = f"==============={uuid.uuid4().hex}=="
        lines = [f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"', "MIME-Version: 1.0"]
        lines.append(_header("Subject", str(self.subject)))
        lines.append(f"From: {_address(str(self.from_email), encoding)}")
        lines.append("To: " + ", ".join(_address(address, encoding) for address in self.to))
        extra = {name.lower(): (name, value) for name, value in self.extra_headers.items()}
        if "date" not in extra:
            lines.append(f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}")
        lines += [_header(name, str(value)) for name, value in extra.values()]
        parts = [_part("text/plain", str(self.body))]
        parts += [_part(mimetype, str(content)) for content, mimetype in self.alternatives]
        head = "\r\n".join(lines).encode("ascii")
        separator = f"\r\n--{boundary}\r\n".encode("ascii")
        raw = head + b"\r\n" + separator + separator.join(parts) + f"\r\n--{boundary}--\r\n".encode("ascii")
        if self.dkim is None:
            return raw
        import dkim

        domain, selector, key = self.dkim
        signature = dkim.sign(
            raw, selector, domain, key, canonicalize=(b"relaxed", b"relaxed"), include_headers=list(self.SIGNED_HEADERS)
        )
        value = signature.decode("ascii").split(":", 1)[1]
        return b"DKIM-Signature: " + " ".join(value.split()).encode("ascii") + b"\r\n" + raw


class SentMessage(email.message.Message):
    """A campaign's e-mail as parsed from its bytes; `as_bytes()` gives back those very bytes."""

    raw = b""

    def as_bytes(self, unixfrom: bool = False, policy: Any = None, linesep: str = "\n") -> bytes:
        if not self.raw:
            return super().as_bytes(unixfrom, policy)
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode("ascii"))


def _header(name: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r} for header {name!r})")
    if value.isascii():
        return f"{name}: {value}"
    return f"{name}: " + Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


def _address(address: str, encoding: str) -> str:
    """An address header's value: as given when it is a plain ASCII address, else as Django writes it."""
    if address.isascii() and address.count("@") == 1 and not any(c in address for c in ' <>"(),;:\\\r\n'):
        return address
    return _sanitized(address, encoding)


@functools.lru_cache(maxsize=64)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def _part(mimetype: str, text: str) -> bytes:
    data = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n").encode("utf-8")
    if max(len(line) for line in data.split(b"\r\n")) > 998:
        transfer, data = "base64", base64.encodebytes(data).replace(b"\n", b"\r\n")
    else:
        transfer = "7bit" if data.isascii() else "8bit"
    head = f'Content-Type: {mimetype}; charset="utf-8"\r\nContent-Transfer-Encoding: {transfer}\r\n\r\n'
    return head.encode("ascii") + data


def identity_of(campaign: Campaign) -> SendingIdentity | None:
    return SendingIdentity.objects.filter(organization_id=campaign.organization_id).first()


def build_email(campaign: Campaign, message: Message, identity: SendingIdentity | None) -> MailingEmail:
    from tamyr.content.mailing import render_message

    assert message.person is not None
    subject, text, html = render_message(campaign, message.person, message.language)
    link = unsubscribe_url(message.message_id)
    with translation.override(message.language):
        label = gettext("Unsubscribe from these e-mails")
    text = f"{text}\n\n-- \n{label}: {link}\n"
    footer = f'<p style="font-size:small"><a href="{escape(link)}">{escape(label)}</a></p>'
    html = html.replace("</body>", footer + "</body>") if "</body>" in html else html + footer
    unsubscribe = [f"<{link}>"]
    mailto = getattr(settings, "TAMYR_MAILING_UNSUBSCRIBE_MAILTO", "")
    if mailto:  # the reply lands in the mailbox `tamyr process_bounces` reads, which unsubscribes its sender
        unsubscribe.append(f"<mailto:{mailto}?subject={MAILTO_SUBJECT}%20{unsubscribe_token(message.message_id)}>")
    if identity is not None:
        sender = f"{identity.from_name} <{identity.from_email}>" if identity.from_name else identity.from_email
    else:
        sender = settings.DEFAULT_FROM_EMAIL
    email = MailingEmail(
        subject=subject,
        body=text,
        from_email=sender,
        to=[message.email],
        headers={
            "Message-ID": message.message_id,
            "X-Tamyr-Message": message.message_id,
            "List-Unsubscribe": ", ".join(unsubscribe),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(html, "text/html")
    if identity is not None and identity.signs:
        from tamyr.core import crypto

        key = crypto.decrypt(bytes(identity.dkim_private_key_encrypted))
        email.dkim = (identity.dkim_domain.encode(), identity.dkim_selector.encode(), key)
    return email


# --- sending one batch ------------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0
    stopped: bool = False  # the campaign is no longer sending (cancelled, finished)
    errors: list[str] = field(default_factory=list)


def smtp_code(error: BaseException) -> int | None:
    """The SMTP reply code of a refusal, or None when the connection itself failed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return int(codes[0]) if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code)
    return None


def _mark(message: Message, stamp: dt.datetime, **fields: Any) -> int:
    return Message.objects.filter(pk=message.pk, claimed_at=stamp).update(**fields)


class HandOverLog:
    """Records, for one batch, that each message is being handed to the mail server, just before its final ".".

    On PostgreSQL the UPDATE is sent (libpq's asynchronous call) on a connection of the batch's own and the "."
    follows at once, without waiting for the database's answer: between the two writes there is no wait for a kill
    to land in. (Waiting for the commit first leaves a window as long as a commit, in which a killed worker leaves a
    message recorded as handed over that the server never got: measured by bench/mailing.py.) A statement received
    whole is executed even if its client dies, so the record holds. The answer is read only when the next
    hand-over is sent or before the batch writes to its messages (`settle()`): the commit's wait overlaps the next
    message's SMTP exchange instead of adding to each message (issue 15 item 9). The connection is its own so that
    the ORM's queries never meet an unread answer. Elsewhere (SQLite, or inside a transaction as in tests) it is an
    ordinary UPDATE."""

    def __init__(self, stamp: dt.datetime) -> None:
        self.stamp = stamp
        self._connection: Any = None
        self._waiting = False
        if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
            import psycopg

            self._connection = psycopg.connect(**db_connection.get_connection_params(), autocommit=True)

    def record(self, message: Message) -> None:
        if self._connection is None:
            _mark(message, self.stamp, handed_at=timezone.now())
            return
        self.settle()
        pgconn = self._connection.pgconn
        now = timezone.now().isoformat().encode()
        pgconn.send_query_params(HANDED_SQL, [now, str(message.pk).encode(), self.stamp.isoformat().encode()])
        while pgconn.flush():
            select.select([], [pgconn.socket], [])
        self._waiting = True

    def settle(self) -> None:
        """Read the answer to the last UPDATE sent: once this returns, every hand-over of the batch is recorded."""
        if not self._waiting:
            return
        self._waiting = False
        from psycopg import pq

        pgconn = self._connection.pgconn
        failure = None
        while (answer := pgconn.get_result()) is not None:
            if answer.status != pq.ExecStatus.COMMAND_OK:
                failure = (answer.error_message or b"").decode(errors="replace")
        if failure:
            raise DatabaseError(f"recording a hand-over failed: {failure}")

    def close(self) -> None:
        try:
            self.settle()
        finally:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


class HandOver:
    """The hand-over of one message, called by the SMTP connection just before its final "."."""

    def __init__(self, message: Message, log: HandOverLog) -> None:
        self.message, self.log, self.done = message, log, False

    def prepare(self) -> None:
        """Before the final "." is written: read the answer to the last hand-over's UPDATE, so that nothing waits
        between the "." and this one's UPDATE."""
        self.log.settle()

    def __call__(self) -> None:
        self.log.record(self.message)
        self.done = True

    def settle(self) -> None:
        """Nothing to wait for after each message: the log reads the answer with the next hand-over."""


def mailing_connection() -> Any:
    """The delivery backend; Django's SMTP backend is replaced by the one that reports each hand-over."""
    from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

    backend = delivery_connection()
    return HandOverEmailBackend() if type(backend) is SMTPBackend else backend


def _mark_sent(pks: list[int], stamp: dt.datetime) -> int:
    """Mark accepted messages `sent`, several in one UPDATE: each one's `handed_at`, committed before its final
    ".", already keeps it from being sent again, so this UPDATE need not follow each 250 at once."""
    if not pks:
        return 0
    marked = Message.objects.filter(pk__in=pks, claimed_at=stamp).update(
        state=MessageState.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    if marked != len(pks):  # cannot happen while we stop at half the claim timeout; say so loudly if it ever does
        logger.error("%d accepted messages were claimed by another worker while being sent", len(pks) - marked)
    return marked


def _refused(message: Message, stamp: dt.datetime, error: BaseException, result: BatchResult) -> None:
    code = smtp_code(error)
    text = f"{code or ''} {error}".strip()[:300]
    permanent = code is not None and 500 <= code < 600
    if permanent or message.attempts + 1 >= max_attempts():
        _mark(message, stamp, state=MessageState.FAILED, attempts=F("attempts") + 1, error=text, handed_at=None)
        result.failed += 1
    else:
        _mark(message, stamp, state=MessageState.DEFERRED, attempts=F("attempts") + 1, error=text, handed_at=None)
        result.deferred += 1


def send_batch(campaign_id: int) -> BatchResult:
    """Claim one batch of the campaign's messages and hand them to the mail server over one connection."""
    result = BatchResult()
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.SENDING:
        result.stopped = True
        return result
    stamp, ids = claim_batch(campaign_id, batch_size())
    result.claimed = len(ids)
    if not ids:
        return result
    deadline = stamp + claim_timeout() / 2
    messages = list(Message.objects.filter(pk__in=ids).select_related("person__user").order_by("pk"))
    person_ids = [message.person_id for message in messages if message.person_id]
    consenting = set(
        Consent.objects.filter(
            person_id__in=person_ids, purpose=ConsentPurpose.CONTACT, withdrawn_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    bouncing = set(
        BouncedAddress.objects.filter(email__in=[message.email for message in messages]).values_list("email", flat=True)
    )
    to_send: list[Message] = []
    skipped: list[int] = []
    for message in messages:
        person = message.person
        if (
            person is None
            or person.erased_at is not None
            or person.merged_into_id is not None
            or person.pk not in consenting
            or message.email in bouncing
        ):
            skipped.append(message.pk)
        else:
            to_send.append(message)
    if skipped:
        result.skipped = Message.objects.filter(pk__in=skipped, claimed_at=stamp).update(state=MessageState.SKIPPED)
    identity = identity_of(campaign)
    limiter = RateLimiter(campaign)
    unsent = [message.pk for message in to_send]
    accepted: list[int] = []  # accepted by the server, to be marked `sent` together (their `handed_at` is set)
    smtp = mailing_connection()
    log = HandOverLog(stamp)
    try:
        smtp.open()
    except OSError as error:
        result.errors.append(str(error))
        to_send = []
    try:
        for message in to_send:
            if timezone.now() >= deadline or stop_requested():
                break
            email = build_email(campaign, message, identity)
            limiter.acquire()
            unsent.remove(message.pk)
            hand_over = HandOver(message, log)
            if isinstance(smtp, HandOverEmailBackend):
                smtp.set_hand_over(hand_over)
            else:  # a backend without SMTP's final ".": recorded just before the message is handed to it
                hand_over()
            try:
                smtp.send_messages([email])
            except (smtplib.SMTPException, OSError) as error:
                log.settle()  # this message's hand-over (if any) is recorded before its row is written again
                result.errors.append(str(error)[:200])
                if smtp_code(error) is None and hand_over.done:
                    # the connection broke after the data and its "." went out: the server may well have it
                    accepted.append(message.pk)
                    _mark(message, stamp, error=HANDED_OVER_NOTE)
                else:
                    _refused(message, stamp, error, result)
                if smtp_code(error) is None:  # the connection broke: open a new one for the rest
                    smtp.close()
                    try:
                        smtp.open()
                    except OSError:
                        break
                continue
            accepted.append(message.pk)
            if len(accepted) >= MARK_EVERY:
                log.settle()
                result.sent += _mark_sent(accepted, stamp)
                accepted = []
    finally:
        smtp.close()
        try:
            log.close()
        finally:
            result.sent += _mark_sent(accepted, stamp)
    if unsent:  # handed back for the next claim (a stop request, the deadline, a mail server that went away)
        result.released = Message.objects.filter(pk__in=unsent, claimed_at=stamp).update(claimed_at=None)
    return result


def finish_if_done(campaign_id: int) -> bool:
    """Mark the campaign `sent` when every message has a final state (and only then)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id, status=CampaignStatus.SENDING).first()
        if campaign is None:
            return False
        if Message.objects.filter(campaign_id=campaign_id).exclude(state__in=FINAL_MESSAGE_STATES).exists():
            return False
        campaign.status = CampaignStatus.SENT
        campaign.finished_at = timezone.now()
        campaign.save(update_fields=["status", "finished_at", "updated_at"])
        audit.record(None, "content.campaign_sent", campaign)
    return True


def progress(campaign: Campaign) -> dict[str, int]:
    """Counts of messages per state, and unsubscribed ones: one grouped query."""
    from django.db.models import Count

    counts = dict.fromkeys(MessageState.values, 0)
    for row in Message.objects.filter(campaign=campaign).values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    counts["total"] = sum(counts.values())
    counts["unsubscribed"] = Message.objects.filter(campaign=campaign, unsubscribed_at__isnull=False).count()
    return counts


def run_to_end(campaign_id: int, *, report: Any = None) -> None:
    """Send the whole campaign in this process (for `tamyr send_campaign` and tests), batch after batch; waits for
    deferred messages and stale claims to come due."""
    while True:
        result = send_batch(campaign_id)
        if report is not None:
            report(result)
        if result.stopped or finish_if_done(campaign_id):
            return
        if not result.claimed:
            time.sleep(1)


# --- what recipients and mail servers tell us back: unsubscribes and bounces ----------------------------------------


def message_for_token(token: str) -> Message | None:
    """The message an unsubscribe link was made for, or None when the link was altered or is not ours."""
    message_id = message_id_from_token(token)
    if message_id is None:
        return None
    return Message.objects.select_related("person", "campaign").filter(message_id=message_id).first()


@transaction.atomic
def message_unsubscribe(*, message: Message) -> Message:
    """The recipient of `message` withdraws their `contact` consent (through the registry's service, which audits
    it); the message remembers it was the one they unsubscribed from. Doing it twice changes nothing.

    Who may: whoever holds the signed link (the token is the recipient's proof, as RFC 8058 expects: the one-click
    POST comes from their mail client, signed in nowhere)."""
    from tamyr.registry.services import consent_withdraw

    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.unsubscribed_at is not None:
        return locked
    if locked.person is not None:
        active = Consent.objects.filter(
            person=locked.person, purpose=ConsentPurpose.CONTACT, withdrawn_at__isnull=True
        ).order_by("pk")
        for consent in active.select_related("person"):
            consent_withdraw(consent=consent, acting_user=None)
    locked.unsubscribed_at = timezone.now()
    locked.save(update_fields=["unsubscribed_at"])
    audit.record(None, "content.unsubscribed", locked.campaign, message_id=locked.message_id)
    return locked


@dataclass
class Bounce:
    message_id: str = ""
    email: str = ""
    permanent: bool = True
    reason: str = ""


@transaction.atomic
def bounce_record(*, bounce: Bounce) -> Message | None:
    """A mail server said a message could not be delivered. Matched by Message-ID (else by address, the latest
    message to it). A permanent bounce marks the message `bounced` and the address as bouncing (mailings skip it;
    the address stays on the person's record); a temporary one is only noted on the message."""
    message: Message | None = None
    if bounce.message_id:
        message_id = bounce.message_id.strip()
        if not message_id.startswith("<"):
            message_id = f"<{message_id}>"
        message = Message.objects.select_for_update().filter(message_id=message_id).first()
    if message is None and bounce.email:
        message = Message.objects.select_for_update().filter(email__iexact=bounce.email).order_by("-pk").first()
    if message is None:
        return None
    reason = (bounce.reason or ("permanent bounce" if bounce.permanent else "temporary bounce"))[:300]
    if bounce.permanent:
        message.state = MessageState.BOUNCED
        message.error = reason
        message.save(update_fields=["state", "error"])
        BouncedAddress.objects.update_or_create(
            email=(bounce.email or message.email).lower(),
            defaults={"person_id": message.person_id, "message": message, "reason": reason},
        )
        audit.record(None, "content.address_bounced", message.campaign, message_id=message.message_id)
    else:
        message.error = reason
        message.save(update_fields=["error"])
    return message


DNS_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
MIN_DKIM_BITS = 1024  # RFC 8301: signers must use at least 1,024 bits (2,048 recommended)


def _domain_name(value: str) -> bool:
    labels = value.split(".")
    return len(value) <= 253 and len(labels) >= 2 and all(DNS_LABEL.match(label) for label in labels)


def check_dkim_key(pem: bytes) -> None:
    """A DKIM private key the signer can use: an RSA key in PEM, unencrypted, of at least 1,024 bits."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise DomainError(
            gettext("This is not an unencrypted private key in PEM format (-----BEGIN PRIVATE KEY-----)."),
            code="dkim_key_invalid",
            field="dkim_private_key",
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DomainError(gettext("DKIM keys must be RSA keys."), code="dkim_key_invalid", field="dkim_private_key")
    if key.key_size < MIN_DKIM_BITS:
        raise DomainError(
            gettext("The key has %(bits)d bits; DKIM needs at least 1,024 (2,048 are recommended).")
            % {"bits": key.key_size},
            code="dkim_key_invalid",
            field="dkim_private_key",
        )


@transaction.atomic
def sending_identity_set(
    *,
    organization: Any,
    from_email: str,
    from_name: str = "",
    dkim_domain: str = "",
    dkim_selector: str = "",
    dkim_private_key_pem: bytes | None = None,
    acting_user: Any,
) -> SendingIdentity:
    """Set who the organization's mailings come from and, optionally, the DKIM key that signs them (stored
    encrypted). `dkim_private_key_pem`: None keeps the stored key, b"" removes it. Only the organization's
    administrators may (`content.change_sending_identity`).

    Checked: a valid sender address; a DKIM domain and selector given together, as DNS names; a key only with
    them, and them only with a key (new or stored); the key usable (`check_dkim_key`); and the sender's domain
    within the DKIM domain, so that the signature aligns with the From address (DMARC, relaxed alignment) instead
    of signing mail that receivers would still reject."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from tamyr.accounts import permissions
    from tamyr.core import crypto
    from tamyr.core.errors import NotAllowed

    if not permissions.can(acting_user, "content.change_sending_identity", organization):
        raise NotAllowed(gettext("Only the administrators of this organization may do this."))
    from_email, from_name = from_email.strip(), " ".join(from_name.split())
    dkim_domain, dkim_selector = dkim_domain.strip().lower().rstrip("."), dkim_selector.strip()
    try:
        validate_email(from_email)
    except ValidationError:
        raise DomainError(gettext("Enter a valid e-mail address."), code="invalid_email", field="from_email") from None
    if len(from_name) > 200:
        raise DomainError(gettext("The sender name is too long."), code="too_long", field="from_name")
    identity = SendingIdentity.objects.select_for_update().filter(organization=organization).first()
    has_key = bool(dkim_private_key_pem) or (
        dkim_private_key_pem is None and identity is not None and bool(identity.dkim_private_key_encrypted)
    )
    if bool(dkim_domain) != bool(dkim_selector):
        raise DomainError(
            gettext("Give both the DKIM domain and its selector, or neither."),
            code="dkim_incomplete",
            field="dkim_selector" if dkim_domain else "dkim_domain",
        )
    if dkim_domain and not _domain_name(dkim_domain):
        raise DomainError(gettext("Enter a domain name such as example.org."), code="invalid", field="dkim_domain")
    if dkim_selector and not all(DNS_LABEL.match(label) for label in dkim_selector.split(".")):
        raise DomainError(
            gettext("A selector is a DNS label: letters, digits and hyphens."), code="invalid", field="dkim_selector"
        )
    if dkim_private_key_pem and not dkim_domain:
        raise DomainError(
            gettext("A DKIM key needs its domain and selector."), code="dkim_incomplete", field="dkim_domain"
        )
    if dkim_domain and not has_key:
        raise DomainError(
            gettext("Give the private key that signs for this domain, or leave the DKIM fields empty."),
            code="dkim_incomplete",
            field="dkim_private_key",
        )
    if dkim_domain:
        sender_domain = from_email.rpartition("@")[2].lower()
        if sender_domain != dkim_domain and not sender_domain.endswith("." + dkim_domain):
            raise DomainError(
                gettext("The sender address must be at the DKIM domain (or one of its subdomains)."),
                code="dkim_not_aligned",
                field="from_email",
            )
    if dkim_private_key_pem:
        check_dkim_key(dkim_private_key_pem)
    if identity is None:
        identity = SendingIdentity(organization=organization)
    identity.from_email, identity.from_name = from_email, from_name
    identity.dkim_domain, identity.dkim_selector = dkim_domain, dkim_selector
    if dkim_private_key_pem is not None:
        identity.dkim_private_key_encrypted = crypto.encrypt(dkim_private_key_pem) if dkim_private_key_pem else b""
    if not dkim_domain:
        identity.dkim_private_key_encrypted = b""  # no domain to sign for: the key is not kept
    identity.save()
    audit.record(acting_user, "content.sending_identity_changed", organization)
    return identity


def envelope_address(address: str, encoding: str) -> str:
    """The address for SMTP's MAIL FROM / RCPT TO: Django's `sanitize_address`, skipped for plain ASCII addresses."""
    return _address(address, encoding)
