"""`tamyr drf_create_token USERNAME`: DRF's command, except that the token is marked as a machine token.

Whoever runs a command on the server is an operator; the token they make for a machine is vouched for by them, so
its owner's staff role works through the API without an authenticator app (`accounts.authentication`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tamyr.accounts.models import User
from tamyr.accounts.services import machine_token_create


class Command(BaseCommand):
    help = "Print the API token of a user (made if missing), marked as a machine token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("-r", "--reset", action="store_true", dest="reset_token", help="Replace the token.")
        parser.add_argument("--note", default="", help="What the machine is, for the admin's list of tokens.")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"Cannot create the Token: user {username} does not exist")
        token = machine_token_create(user=user, reset=options["reset_token"], acting_user=None, note=options["note"])
        self.stdout.write(f"Generated token {token.key} for user {username}")
