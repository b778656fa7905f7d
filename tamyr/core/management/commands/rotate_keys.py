"""`tamyr rotate_keys`: every stored signing key re-encrypted under the first TAMYR_KEY_ENCRYPTION_KEY."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tamyr.core import crypto


class Command(BaseCommand):
    help = (
        "Re-encrypt every value encrypted at rest under the first key of TAMYR_KEY_ENCRYPTION_KEY, in one "
        "transaction. The old key is given as a later comma-separated value of TAMYR_KEY_ENCRYPTION_KEY or in a "
        "file (--old-key-file), never on the command line, where other users and the shell history would see it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--old-key-file",
            type=Path,
            help="A file holding the old key(s), comma- or line-separated (a backup's key-encryption-key file).",
        )
        parser.add_argument("--check", action="store_true", help="Only report which key decrypts the values.")

    def handle(self, *args: Any, **options: Any) -> None:
        old: list[str] = []
        if options["old_key_file"]:
            try:
                old = crypto.split_secrets(options["old_key_file"].read_text())
            except OSError as error:
                raise CommandError(f"Cannot read {options['old_key_file']}: {error.strerror}.")
        new = crypto.configured_secrets()[0]
        try:
            counts = crypto.re_encrypt_all(old_secrets=old, check_only=options["check"])
        except crypto.RotationError as error:
            raise CommandError(
                f"{error} Give the key they were encrypted with (the backup's manifest names its fingerprint) in "
                "TAMYR_KEY_ENCRYPTION_KEY after the new one, or with --old-key-file."
            )
        by_key = ", ".join(f"{count} under {fp}" for fp, count in sorted(counts.items())) or "no values stored"
        if options["check"]:
            self.stdout.write(f"Encrypted values: {by_key}. The key in force is {crypto.fingerprint(new)}.")
            return
        then = (
            "Remove the old keys from TAMYR_KEY_ENCRYPTION_KEY now"
            if len(crypto.configured_secrets()) > 1
            else "Keep the old key as long as you keep backups made before this"
        )
        self.stdout.write(
            f"Re-encrypted {sum(counts.values())} value(s) ({by_key}) under the key {crypto.fingerprint(new)} "
            f"({crypto.secrets_source()}). {then}."
        )
