"""`tamyr process_bounces --mbox FILE` (or `--maildir DIR`): read delivery status notifications and record bounces,
and unsubscribe the senders of replies to a mailing's `List-Unsubscribe` mailto: (`TAMYR_MAILING_UNSUBSCRIBE_MAILTO`
must be delivered to this mailbox; without the setting no mailto: is advertised)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tamyr.content import bounces, delivery


class Command(BaseCommand):
    help = "Record the bounces (RFC 3464 reports) and unsubscribe requests found in an mbox file or a Maildir."

    def add_arguments(self, parser: Any) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--mbox", type=Path, help="An mbox file of bounce reports.")
        where.add_argument("--maildir", type=Path, help="A Maildir of bounce reports.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["mbox"] or options["maildir"]
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        reports = matched = permanent = unsubscribed = refused = 0
        for message in bounces.read_mailbox(path, maildir=bool(options["maildir"])):
            token = bounces.unsubscribe_token_in(message)
            if token is not None:
                sent = delivery.message_for_token(token)
                if sent is None:
                    refused += 1  # altered, or not one of ours: nothing changes
                else:
                    delivery.message_unsubscribe(message=sent)
                    unsubscribed += 1
                continue
            for bounce in bounces.bounces_in(message):
                reports += 1
                if delivery.bounce_record(bounce=bounce) is not None:
                    matched += 1
                    permanent += int(bounce.permanent)
        self.stdout.write(
            f"{reports} bounces read, {matched} matched a message, {permanent} permanent; "
            f"{unsubscribed} unsubscribed by reply, {refused} unsubscribe replies not valid."
        )
