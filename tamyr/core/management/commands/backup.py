"""`tamyr backup DEST`: the database, the public and private files and the key's fingerprint in one folder."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tamyr.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database, MEDIA_ROOT and PRIVATE_MEDIA_ROOT into the new folder DEST, with a manifest of "
        "every table's rows and checksum and every file's SHA-256. The key-encryption key is left out unless "
        "--include-key (the manifest names its fingerprint either way)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("destination", help="A new or empty folder.")
        parser.add_argument(
            "--include-key",
            action="store_true",
            help="Also write the key-encryption key (TAMYR_KEY_ENCRYPTION_KEY, or TAMYR_SECRET_KEY when that is "
            "unset) into the backup. Whoever holds the backup can then sign in your organizations' names.",
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        destination = Path(options["destination"])
        try:
            manifest = backup.backup_create(
                destination=destination, using=options["database"], include_key=options["include_key"]
            )
        except backup.BackupError as error:
            raise CommandError(str(error))
        tables = manifest["database"]["tables"]
        keys = manifest["keys"]
        self.stdout.write(
            f"Backed up {len(tables)} tables ({sum(t['rows'] for t in tables.values())} rows) and "
            f"{len(manifest['files'])} files into {destination}."
        )
        needed = ", ".join(keys["decrypt_with"]) or "none (no signing key stored yet)"
        if keys["included"]:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup includes the key ({backup.KEY_FILE}; fingerprint {needed}): keep it as safe as "
                    "the key itself."
                )
            )
        else:
            self.stdout.write(
                f"The backup does NOT include the key-encryption key ({keys['source']}). Restoring needs the key "
                f"with fingerprint {needed}: keep it apart from the backup (a password manager, a sealed envelope)."
            )
        if keys["undecryptable_values"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{keys['undecryptable_values']} stored signing key(s) decrypt with no configured key already."
                )
            )
