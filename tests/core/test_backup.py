"""`tamyr backup` and `tamyr restore`: the demo and its files come back whole into a new database and new folders,
a target that is not empty is refused, and nothing queued before the restore runs after it.

The comparison here does not use the backup module's own checksums: each table is read back as the database
prints its rows (SQLite's quote(), PostgreSQL's row text), sorted and hashed."""

from __future__ import annotations

import hashlib
import io
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from tamyr.core import backup, crypto
from tamyr.core.tasks import deliver_email
from tamyr.learning.credentials import keys
from tests.factories import OrganizationFactory

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
# The round trips commit the demo, which pg_dump (another session) must see; on SQLite every backup needs committed
# data, as its online backup cannot copy from a connection inside a transaction. serialized_rollback: a
# transactional test ends by emptying the tables, and the countries that a migration loads must come back.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
pytestmark = pytest.mark.django_db(transaction=ON_SQLITE, serialized_rollback=ON_SQLITE)
TARGET = "restore_target"


# --- what a database and a folder hold, read independently of tamyr.core.backup -----------------------------------


def _sqlite_content(cursor: Any, tables: list[str]) -> dict[str, tuple[int, str]]:
    content = {}
    for table in tables:
        columns = [row[1] for row in cursor.execute(f'PRAGMA table_info("{table}")').fetchall()]
        printed = " || '|' || ".join(f'quote("{column}")' for column in columns)
        rows = sorted(row[0] for row in cursor.execute(f'SELECT {printed} FROM "{table}"').fetchall())
        content[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return content


def _postgres_content(cursor: Any, tables: list[str]) -> dict[str, tuple[int, str]]:
    cursor.execute("SET TIME ZONE 'UTC'")
    content = {}
    for table in tables:
        cursor.execute(f'SELECT t::text FROM "{table}" AS t')
        rows = sorted(row[0] for row in cursor.fetchall())
        content[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return content


def source_content() -> dict[str, tuple[int, str]]:
    tables = sorted(connection.introspection.table_names(include_views=False))
    with connection.cursor() as cursor:
        if ON_POSTGRES:
            return _postgres_content(cursor, tables)
        return _sqlite_content(cursor, tables)


def target_content(database: dict[str, Any]) -> dict[str, tuple[int, str]]:
    if ON_POSTGRES:
        with _maintenance(database, database["NAME"]) as target:
            names = target.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
            return _postgres_content(target.cursor(), sorted(name for (name,) in names))
    with sqlite3.connect(database["NAME"]) as target:
        names = target.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return _sqlite_content(target.cursor(), sorted(name for (name,) in names.fetchall()))


def file_hashes(*roots: Path) -> dict[str, str]:
    return {
        f"{index}/{path.relative_to(root).as_posix()}": hashlib.sha256(path.read_bytes()).hexdigest()
        for index, root in enumerate(roots)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- a site to back up, and somewhere new to restore it ------------------------------------------------------------


def _maintenance(database: dict[str, Any], dbname: str = "postgres") -> Any:
    return psycopg.connect(
        dbname=dbname,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        autocommit=True,
    )


@pytest.fixture
def folders(settings: Any, tmp_path: Path) -> dict[str, Path]:
    """The site's public and private folders, with a file of each kind in them."""
    media, private = tmp_path / "site" / "media", tmp_path / "site" / "private"
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = str(media), str(private)
    (media / "logos").mkdir(parents=True)
    (media / "logos" / "otandastar.png").write_bytes(b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(2048))
    (private / "imports" / "2026").mkdir(parents=True)
    (private / "imports" / "2026" / "people.csv").write_text("name,country\nӘйгерім Сүлейменова,TR\n")
    (private / "certificates").mkdir()
    (private / "certificates" / "a.pdf").write_bytes(b"%PDF-1.7\n" + secrets.token_bytes(4096))
    return {"media": media, "private": private}


@pytest.fixture
def restore_target(settings: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A new database (a new SQLite file, or a PostgreSQL database created here and dropped at the end whatever
    happens) registered as the alias `restore_target`; new folders become MEDIA_ROOT and PRIVATE_MEDIA_ROOT when
    the test calls `use_target_folders`."""
    database = {**connections["default"].settings_dict}
    if ON_POSTGRES:
        database["NAME"] = f"{database['NAME']}_restored_{secrets.token_hex(4)}"
        with _maintenance(database) as admin:
            admin.execute(f'CREATE DATABASE "{database["NAME"]}"')
    else:
        database["NAME"] = str(tmp_path / "restored" / "tamyr.sqlite3")
    connections.settings[TARGET] = database
    try:
        yield {
            "database": database,
            "media": tmp_path / "restored" / "media",
            "private": tmp_path / "restored" / "private",
        }
    finally:
        connections[TARGET].close()
        del connections[TARGET]
        del connections.settings[TARGET]
        if ON_POSTGRES:
            with _maintenance(database) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')


def use_target_folders(settings: Any, target: dict[str, Any]) -> None:
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = str(target["media"]), str(target["private"])


def run_backup(destination: Path, **options: Any) -> str:
    out = io.StringIO()
    call_command("backup", str(destination), stdout=out, **options)
    return out.getvalue()


def run_restore(source: Path, **options: Any) -> str:
    out = io.StringIO()
    call_command("restore", str(source), database=TARGET, stdout=out, **options)
    return out.getvalue()


# --- the round trip ------------------------------------------------------------------------------------------------


def _round_trip(settings: Any, folders: dict[str, Path], target: dict[str, Any], tmp_path: Path) -> None:
    call_command("demo", people=5, stdout=io.StringIO())
    before_tables, before_files = source_content(), file_hashes(folders["media"], folders["private"])
    run_backup(tmp_path / "backup")
    use_target_folders(settings, target)
    run_restore(tmp_path / "backup")
    assert target_content(target["database"]) == before_tables
    assert file_hashes(target["media"], target["private"]) == before_files
    assert before_tables["registry_person"][0] >= 5 and len(before_files) > 3  # the demo wrote certificate PDFs too


@committed
@pytest.mark.skipif(not ON_SQLITE, reason="the SQLite variant; PostgreSQL has its own test")
def test_the_demo_and_its_files_come_back_whole_on_sqlite(
    settings: Any, folders: dict[str, Path], restore_target: dict[str, Any], tmp_path: Path
) -> None:
    _round_trip(settings, folders, restore_target, tmp_path)


@committed
@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (CI runs the suite there too): pg_dump, pg_restore")
def test_the_demo_and_its_files_come_back_whole_on_postgres(
    settings: Any, folders: dict[str, Path], restore_target: dict[str, Any], tmp_path: Path
) -> None:
    _round_trip(settings, folders, restore_target, tmp_path)


def test_the_manifest_lists_every_table_and_file_and_says_the_key_is_not_included(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    out = run_backup(tmp_path / "backup")
    manifest = backup.read_manifest(tmp_path / "backup")
    assert set(manifest["database"]["tables"]) == set(connection.introspection.table_names(include_views=False))
    assert sorted(manifest["files"]) == [
        "private/certificates/a.pdf",
        "private/imports/2026/people.csv",
        "public/logos/otandastar.png",
    ]
    assert manifest["keys"]["included"] is False and not (tmp_path / "backup" / backup.KEY_FILE).exists()
    assert "does NOT include the key-encryption key" in out


def test_a_changed_file_in_the_backup_stops_the_restore_before_it_writes(
    settings: Any, folders: dict[str, Path], restore_target: dict[str, Any], tmp_path: Path
) -> None:
    run_backup(tmp_path / "backup")
    (tmp_path / "backup" / "private" / "imports" / "2026" / "people.csv").write_text("altered")
    use_target_folders(settings, restore_target)
    with pytest.raises(CommandError, match="damaged"):
        run_restore(tmp_path / "backup")
    assert backup.database_is_empty(restore_target["database"])
    assert not restore_target["private"].exists()


# --- an empty target only ------------------------------------------------------------------------------------------


def test_restore_refuses_a_database_that_is_not_empty(folders: dict[str, Path], tmp_path: Path) -> None:
    run_backup(tmp_path / "backup")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())  # the site's own database


def test_restore_refuses_a_folder_that_is_not_empty(
    settings: Any, folders: dict[str, Path], restore_target: dict[str, Any], tmp_path: Path
) -> None:
    run_backup(tmp_path / "backup")
    use_target_folders(settings, restore_target)
    restore_target["private"].mkdir(parents=True)
    (restore_target["private"] / "keep.txt").write_text("someone's file")
    with pytest.raises(CommandError, match="is not empty"):
        run_restore(tmp_path / "backup")
    assert (restore_target["private"] / "keep.txt").read_text() == "someone's file"
    assert backup.database_is_empty(restore_target["database"])


# --- the task queue ------------------------------------------------------------------------------------------------


@pytest.fixture
def real_queue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The configured Huey with a queue on disk, as in production, instead of the tests' immediate mode."""
    monkeypatch.setattr(HUEY, "_immediate", False)
    monkeypatch.setattr(HUEY, "storage", SqliteStorage(HUEY.name, filename=str(tmp_path / "tasks.sqlite3")))


def test_a_task_queued_after_the_backup_does_not_run_after_the_restore(
    settings: Any, folders: dict[str, Path], restore_target: dict[str, Any], real_queue: None, tmp_path: Path
) -> None:
    run_backup(tmp_path / "backup")
    deliver_email(EmailMessage("Event cancelled", "The forum is cancelled.", to=["aigerim@example.org"]))
    assert HUEY.pending_count() == 1
    use_target_folders(settings, restore_target)
    out = run_restore(tmp_path / "backup")
    while (task := HUEY.dequeue()) is not None:  # what the worker would do next
        HUEY.execute(task)
    assert mail.outbox == []
    assert "Discarded 1 queued task(s)" in out


# --- the key ---------------------------------------------------------------------------------------------------------


@committed
def test_the_restore_names_the_key_the_signing_keys_need_when_it_is_not_configured(
    settings: Any, folders: dict[str, Path], restore_target: dict[str, Any], tmp_path: Path
) -> None:
    keys.create_issuer_key(OrganizationFactory())  # encrypted under the secret key
    run_backup(tmp_path / "backup")
    settings.TAMYR_KEY_ENCRYPTION_KEY = "the new site's key"
    use_target_folders(settings, restore_target)
    out = run_restore(tmp_path / "backup")
    assert f"need the key-encryption key with fingerprint {crypto.fingerprint(settings.SECRET_KEY)}" in out
    assert "tamyr rotate_keys --old-key-file" in out


def test_include_key_writes_the_key_into_the_backup_and_says_so(
    settings: Any, folders: dict[str, Path], tmp_path: Path
) -> None:
    settings.TAMYR_KEY_ENCRYPTION_KEY = "kek-2026,kek-2025"
    out = run_backup(tmp_path / "backup", include_key=True)
    assert (tmp_path / "backup" / backup.KEY_FILE).read_text().strip() == "kek-2026,kek-2025"
    assert backup.read_manifest(tmp_path / "backup")["keys"]["included"] is True
    assert "The backup includes the key" in out
