"""What comes back from a mailing: one-click unsubscribes (RFC 8058), bounces (webhook and DSN mailbox), DKIM."""

from __future__ import annotations

import mailbox
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tamyr.accounts.permissions import SYSTEM
from tamyr.content import delivery
from tamyr.content.models import BouncedAddress, Message, MessageState, SendingIdentity
from tamyr.core.models import AuditEntry
from tamyr.registry.models import Consent, Organization
from tests.content.factories import campaign, recipient
from tests.smtp_sink import SMTPSink

pytestmark = pytest.mark.django_db


def sent_message(organization: Organization, **person: Any) -> Message:
    recipient(**person)
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    delivery.send_batch(mailing.pk)
    return Message.objects.get(campaign=mailing)


def unsubscribe_path(message: Message) -> str:
    return f"/unsubscribe/{delivery.unsubscribe_token(message.message_id)}/"


def test_opening_the_unsubscribe_link_asks_and_changes_nothing(organization: Organization, client: Client) -> None:
    message = sent_message(organization, language="kk")
    response = client.get(unsubscribe_path(message))
    assert response.status_code == 200
    assert "Жазылымнан бас тарту" in response.content.decode()  # in the language the e-mail was written in
    assert Consent.objects.get(person=message.person).withdrawn_at is None
    message.refresh_from_db()
    assert message.unsubscribed_at is None


def test_confirming_withdraws_the_contact_consent(organization: Organization, client: Client) -> None:
    message = sent_message(organization)
    response = client.post(unsubscribe_path(message))
    assert response.status_code == 200
    assert Consent.objects.get(person=message.person).withdrawn_at is not None
    message.refresh_from_db()
    assert message.unsubscribed_at is not None
    assert AuditEntry.objects.filter(action="registry.consent_withdrawn").exists()


def test_the_one_click_post_of_a_mail_client_unsubscribes_without_a_csrf_token(organization: Organization) -> None:
    message = sent_message(organization)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_path(message), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Consent.objects.get(person=message.person).withdrawn_at is not None


def test_an_altered_unsubscribe_link_changes_nothing(organization: Organization, client: Client) -> None:
    message = sent_message(organization)
    token = delivery.unsubscribe_token(message.message_id)
    response = client.post(f"/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 404
    assert b"not valid" in response.content
    assert Consent.objects.get(person=message.person).withdrawn_at is None


def test_an_unsubscribed_person_gets_no_next_campaign(organization: Organization, client: Client) -> None:
    message = sent_message(organization)
    client.post(unsubscribe_path(message))
    assert delivery.start_campaign(campaign(organization)) == 0


def rsa_key() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    import base64

    return private, base64.b64encode(public).decode()


def test_a_message_signed_with_the_organizations_key_verifies(organization: Organization) -> None:
    private, public = rsa_key()
    delivery.sending_identity_set(
        organization=organization,
        from_email="news@otandastar.example",
        from_name="Otandastar",
        dkim_domain="otandastar.example",
        dkim_selector="tamyr",
        dkim_private_key_pem=private,
        acting_user=SYSTEM,
    )
    assert private not in bytes(SendingIdentity.objects.get().dkim_private_key_encrypted)  # stored encrypted
    sent_message(organization)
    raw = mail.outbox[0].message().as_bytes(linesep="\r\n")
    assert b"DKIM-Signature:" in raw

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"tamyr._domainkey.otandastar.example."
        return f"v=DKIM1; k=rsa; p={public}".encode()

    assert dkim.verify(raw, dnsfunc=dns)
    assert not dkim.verify(raw.replace(b"the course opens", b"the course closes"), dnsfunc=dns)


def test_without_a_key_the_message_is_not_signed(organization: Organization) -> None:
    sent_message(organization)
    assert b"DKIM-Signature:" not in mail.outbox[0].message().as_bytes()


def test_the_smtp_hand_over_is_recorded_and_the_server_gets_each_message_once(
    organization: Organization, settings: Any
) -> None:
    with SMTPSink() as sink:
        settings.TAMYR_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        for _index in range(3):
            recipient()
        mailing = campaign(organization)
        delivery.start_campaign(mailing)
        delivery.send_batch(mailing.pk)
        counts = dict(sink.handler.counts)
    rows = list(Message.objects.filter(campaign=mailing))
    assert counts == {row.message_id: 1 for row in rows}
    assert all(row.state == MessageState.SENT and row.handed_at is not None for row in rows)


def test_a_refusal_by_the_smtp_server_defers_and_clears_the_hand_over(
    organization: Organization, settings: Any
) -> None:
    with SMTPSink() as sink:
        settings.TAMYR_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        person = recipient()
        sink.handler.refuse[person.email] = "452 Mailbox full, try later"
        mailing = campaign(organization)
        delivery.start_campaign(mailing)
        delivery.send_batch(mailing.pk)
    row = Message.objects.get(campaign=mailing)
    assert row.state == MessageState.DEFERRED and row.handed_at is None and row.error.startswith("452")


def test_a_message_a_dead_worker_handed_over_is_taken_as_delivered(organization: Organization) -> None:
    recipient()
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    stamp, (pk,) = delivery.claim_batch(mailing.pk, 10)
    Message.objects.filter(pk=pk).update(handed_at=stamp, claimed_at=stamp - delivery.claim_timeout())
    assert delivery.send_batch(mailing.pk).claimed == 0
    assert mail.outbox == []
    row = Message.objects.get(pk=pk)
    assert row.state == MessageState.SENT and row.error == delivery.HANDED_OVER_NOTE


WEBHOOK = "/api/v1/mail/bounces/"


def test_the_bounce_webhook_refuses_a_wrong_secret(organization: Organization, client: Client, settings: Any) -> None:
    settings.TAMYR_BOUNCE_WEBHOOK_SECRET = "s3cret"
    message = sent_message(organization)
    response = client.post(
        WEBHOOK, {"message_id": message.message_id}, content_type="application/json", HTTP_X_TAMYR_WEBHOOK_SECRET="no"
    )
    assert response.status_code == 403
    assert Message.objects.get(pk=message.pk).state == MessageState.SENT


def test_a_permanent_bounce_marks_the_message_and_the_address(
    organization: Organization, client: Client, settings: Any
) -> None:
    settings.TAMYR_BOUNCE_WEBHOOK_SECRET = "s3cret"
    message = sent_message(organization)
    response = client.post(
        WEBHOOK,
        {"message_id": message.message_id, "email": message.email, "permanent": True},
        content_type="application/json",
        HTTP_X_TAMYR_WEBHOOK_SECRET="s3cret",
    )
    assert response.status_code == 200 and response.json() == {"matched": True, "state": "bounced"}
    assert Message.objects.get(pk=message.pk).state == MessageState.BOUNCED
    assert BouncedAddress.objects.get().person == message.person
    assert message.person is not None and message.person.email == message.email  # the address stays on the record


def test_a_bouncing_address_is_skipped_by_the_next_campaign(organization: Organization) -> None:
    message = sent_message(organization)
    delivery.bounce_record(bounce=delivery.Bounce(email=message.email, permanent=True))
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    delivery.send_batch(mailing.pk)
    assert Message.objects.get(campaign=mailing).state == MessageState.SKIPPED


def test_the_bounce_webhook_asks_for_a_message_id_or_an_address(client: Client, settings: Any) -> None:
    settings.TAMYR_BOUNCE_WEBHOOK_SECRET = "s3cret"
    response = client.post(
        WEBHOOK, {"permanent": True}, content_type="application/json", HTTP_X_TAMYR_WEBHOOK_SECRET="s3cret"
    )
    assert response.status_code == 400


def dsn(message: Message, *, status: str = "5.1.1", action: str = "failed") -> bytes:
    """A delivery status notification as Postfix writes one (RFC 3464)."""
    return (
        "From: MAILER-DAEMON@mx.example\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
        "--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example\n\n"
        f"Final-Recipient: rfc822; {message.email}\nAction: {action}\nStatus: {status}\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
        "--B\nContent-Type: text/rfc822-headers\n\n"
        f"Message-ID: {message.message_id}\nSubject: Hello\n\n"
        "--B--\n"
    ).encode()


def test_process_bounces_reads_a_dsn_from_an_mbox(organization: Organization, tmp_path: Path) -> None:
    message = sent_message(organization)
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(str(path))
    box.add(dsn(message))
    box.flush()
    call_command("process_bounces", "--mbox", str(path))
    assert Message.objects.get(pk=message.pk).state == MessageState.BOUNCED
    assert BouncedAddress.objects.filter(email=message.email).exists()


def test_a_delayed_report_is_not_a_permanent_bounce(organization: Organization, tmp_path: Path) -> None:
    message = sent_message(organization)
    path = tmp_path / "Maildir"
    box = mailbox.Maildir(str(path))
    box.add(dsn(message, status="4.2.2", action="delayed"))
    call_command("process_bounces", "--maildir", str(path))
    assert Message.objects.get(pk=message.pk).state == MessageState.SENT
    assert not BouncedAddress.objects.exists()


def unsubscribe_reply(message: Message, *, subject_prefix: str = "") -> bytes:
    """What a mail client sends for the mailto: in the message's List-Unsubscribe header."""
    sent = next(m for m in mail.outbox if m.extra_headers["Message-ID"] == message.message_id)
    header = sent.extra_headers["List-Unsubscribe"]
    mailto = next(part.strip(" <>") for part in header.split(",") if "mailto:" in part)
    address, _sep, query = mailto.removeprefix("mailto:").partition("?")
    subject = unquote(query.removeprefix("subject="))
    return (
        f"From: {message.email}\r\nTo: {address}\r\nSubject: {subject_prefix}{subject}\r\n"
        "Message-ID: <reply@client.example>\r\n\r\n\r\n"
    ).encode()


def test_a_reply_to_the_mailto_unsubscribe_withdraws_the_consent(
    organization: Organization, tmp_path: Path, settings: Any
) -> None:
    settings.TAMYR_MAILING_UNSUBSCRIBE_MAILTO = "unsubscribe@tamyr.example.org"
    message = sent_message(organization)
    assert (
        "mailto:unsubscribe@tamyr.example.org?subject=unsubscribe%20"
        in mail.outbox[0].extra_headers["List-Unsubscribe"]
    )
    path = tmp_path / "Maildir"
    box = mailbox.Maildir(str(path))
    box.add(unsubscribe_reply(message, subject_prefix="Re: "))
    box.add(dsn(message, status="4.2.2", action="delayed"))  # bounces in the same mailbox are still read
    out = StringIO()
    call_command("process_bounces", "--maildir", str(path), stdout=out)
    assert "1 unsubscribed by reply" in out.getvalue()
    assert Message.objects.get(pk=message.pk).unsubscribed_at is not None
    assert Consent.objects.get(person=message.person).withdrawn_at is not None
    assert delivery.start_campaign(campaign(organization)) == 0  # the next campaign does not write to them


def test_a_reply_naming_only_a_message_id_or_an_altered_token_changes_nothing(
    organization: Organization, tmp_path: Path, settings: Any
) -> None:
    settings.TAMYR_MAILING_UNSUBSCRIBE_MAILTO = "unsubscribe@tamyr.example.org"
    message = sent_message(organization)
    token = delivery.unsubscribe_token(message.message_id)
    path = tmp_path / "replies.mbox"
    box = mailbox.mbox(str(path))
    for subject in (f"unsubscribe {message.message_id.strip('<>')}", f"unsubscribe {token[:-2]}xx"):
        box.add(f"From: someone@example.org\r\nSubject: {subject}\r\n\r\n\r\n".encode())
    box.flush()
    out = StringIO()
    call_command("process_bounces", "--mbox", str(path), stdout=out)
    assert "0 unsubscribed by reply, 2 unsubscribe replies not valid" in out.getvalue()
    assert Consent.objects.get(person=message.person).withdrawn_at is None


def test_without_a_mailbox_for_replies_no_mailto_is_advertised(organization: Organization, settings: Any) -> None:
    settings.TAMYR_MAILING_UNSUBSCRIBE_MAILTO = ""
    sent_message(organization)
    assert "mailto:" not in mail.outbox[0].extra_headers["List-Unsubscribe"]
