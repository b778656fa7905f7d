"""`tamyr restore SOURCE`: a backup back into an empty database and empty folders, then an empty task queue."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tamyr.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `tamyr backup` into the configured database, MEDIA_ROOT and PRIVATE_MEDIA_ROOT, "
        "which must be empty (unless --force), check every table and file against the manifest, and then empty "
        "the task queue. Stop the web processes and the worker first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("source", help="A folder written by `tamyr backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the content of a database or folder that is not empty."
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        alias = options["database"]
        connections[alias].close()  # SQLite: the file is replaced under this process's connection otherwise
        try:
            report = backup.backup_restore(
                source=source,
                database=connections[alias].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                private_root=Path(settings.PRIVATE_MEDIA_ROOT),
                force=options["force"],
            )
        except backup.BackupError as error:
            raise CommandError(str(error))
        discarded = backup.after_restore_discard()
        self.stdout.write(
            f"Restored {report.tables} tables ({report.rows} rows) and {report.files} files; every checksum "
            f"matches the manifest. Discarded {discarded} queued task(s): nothing queued before the restore runs."
        )
        if report.missing_key_fingerprints:
            where = (
                f"It is in {source / backup.KEY_FILE}: "
                if report.key_included
                else "The backup does not include it: find it where you keep the key, then "
            )
            self.stdout.write(
                self.style.WARNING(
                    "The signing keys in this backup need the key-encryption key with fingerprint "
                    f"{', '.join(report.missing_key_fingerprints)}, which is not configured, so issuing "
                    f"certificates will stop with an error. {where}run `tamyr rotate_keys --old-key-file FILE` "
                    "(FILE holding that key) to re-encrypt them under your TAMYR_KEY_ENCRYPTION_KEY."
                )
            )
