"""Backup and restore of a whole site: the database, the public and the private files, and what the keys need.

Why this exists (issue 10): a `pg_dump` drill restored every table, but not the uploads, the certificate PDFs or
the secret that decrypts the organizations' signing keys, and the task queue (outside the dump) then ran jobs that
referred to a state the restored database no longer had. A backup made here is one directory:

    manifest.json         format version, created at, engine, every table's rows and checksum, every file's SHA-256,
                          and which key-encryption key the stored signing keys need (its fingerprint)
    database.dump         PostgreSQL: `pg_dump --format=custom`, taken in the same snapshot as the table checksums
    database.sqlite3      SQLite: the online backup API's copy
    public/...            settings.MEDIA_ROOT
    private/...           settings.PRIVATE_MEDIA_ROOT
    key-encryption-key    only with `include_key`: the secrets that decrypt the signing keys

Restore goes into an empty database and empty folders only (unless forced), checks every hash before it writes
anything, and checks every table's rows and checksum afterwards. What it means for the queue and the keys is in
docs/decisions/0010-backup-and-restore.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connections

from tamyr.core import crypto

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEY_FILE = "key-encryption-key"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ROOTS = ("public", "private")
_CHUNK = 1024 * 1024
_MODULUS = 2**256
# PostgreSQL connection OPTIONS that are Django's or psycopg's, not libpq's
_NOT_LIBPQ = {"server_side_binding", "prepare_threshold", "pool", "isolation_level", "assume_role", "cursor_factory"}


class BackupError(Exception):
    """Backup or restore cannot go on; the message says why and what to do."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    missing_key_fingerprints: list[str] = field(default_factory=list)
    key_included: bool = False


# --- where things are -------------------------------------------------------------------------------------------


def engine_of(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _pg_params(database: dict[str, Any]) -> dict[str, Any]:
    """libpq parameters of a Django database setting (the password apart: it goes in PGPASSWORD for the tools)."""
    params: dict[str, Any] = {"dbname": database["NAME"]}
    for key, name in (("USER", "user"), ("HOST", "host"), ("PORT", "port")):
        if database.get(key):
            params[name] = str(database[key])
    params.update({k: v for k, v in (database.get("OPTIONS") or {}).items() if k not in _NOT_LIBPQ})
    return params


def _pg_connect(database: dict[str, Any], **kwargs: Any) -> Any:
    import psycopg

    password = database.get("PASSWORD") or None
    connection = psycopg.connect(**_pg_params(database), password=password, **kwargs)
    return connection


def _pg_tool(tool: str, database: dict[str, Any], args: list[str]) -> None:
    from psycopg.conninfo import make_conninfo

    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client (postgresql-client) of the server's version."
        )
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    command = [executable, *args, f"--dbname={make_conninfo(**_pg_params(database))}"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit status {result.returncode}): {result.stderr.strip()}")


# --- what a table holds -----------------------------------------------------------------------------------------


def _canonical(value: Any) -> bytes:
    """One value as bytes that name its type too, so that 1, "1" and b"1" differ."""
    if value is None:
        return b"N"
    if isinstance(value, bytes | bytearray | memoryview):
        return b"B" + bytes(value)
    if isinstance(value, bool):
        return b"T" if value else b"F"
    if isinstance(value, str):
        return b"S" + value.encode("utf-8", "surrogatepass")
    if isinstance(value, int | Decimal):
        return b"I" + str(value).encode()
    if isinstance(value, float):
        return b"R" + repr(value).encode()
    if isinstance(value, dict | list):
        return b"J" + json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return b"D" + value.isoformat().encode()
    return b"O" + str(value).encode()


def digest_rows(rows: Iterable[Iterable[Any]]) -> tuple[int, str]:
    """(row count, checksum) of a table: the sum of every row's SHA-256 modulo 2**256. A sum does not depend on the
    order the rows come in and needs no memory for sorting, so a table of any size is checked in one pass."""
    count = 0
    total = 0
    for row in rows:
        digest = hashlib.sha256()
        for value in row:
            encoded = _canonical(value)
            digest.update(len(encoded).to_bytes(8, "big"))
            digest.update(encoded)
        total = (total + int.from_bytes(digest.digest(), "big")) % _MODULUS
        count += 1
    return count, f"{total:064x}"


def _sqlite_tables(connection: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        rows, checksum = digest_rows(connection.execute(f"SELECT * FROM {quoted}"))  # names from the catalogue
        tables[name] = {"rows": rows, "checksum": checksum}
    return tables


def _pg_tables(connection: Any) -> dict[str, dict[str, Any]]:
    from psycopg import sql

    names = connection.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY schemaname, tablename"
    ).fetchall()
    tables = {}
    for schema, name in names:
        with connection.cursor(name="tamyr_backup_rows") as cursor:
            cursor.itersize = 5000
            cursor.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, name)))
            rows, checksum = digest_rows(cursor)
        tables[name if schema == "public" else f"{schema}.{name}"] = {"rows": rows, "checksum": checksum}
    return tables


def _encrypted_tokens(execute: Any) -> list[bytes]:
    """The stored tokens of every encrypted column (read in the backup's own snapshot through `execute`)."""
    tokens: list[bytes] = []
    for model, field_name in crypto.encrypted_fields():
        column = model._meta.get_field(field_name).column  # type: ignore[union-attr]
        table = model._meta.db_table
        tokens.extend(bytes(row[0]) for row in execute(f'SELECT "{column}" FROM "{table}"'))
    for model, field_name in crypto.encrypted_json_fields():
        column = model._meta.get_field(field_name).column  # type: ignore[union-attr]
        table = model._meta.db_table
        for (value,) in execute(f'SELECT "{column}" FROM "{table}"'):
            tokens.extend(crypto.tokens_in(json.loads(value) if isinstance(value, str | bytes) else value))
    return tokens


def _keys_section(tokens: list[bytes], *, include_key: bool) -> dict[str, Any]:
    fingerprints = [crypto.fingerprint_of_token(token) for token in tokens]
    return {
        "source": crypto.secrets_source(),
        "encrypted_values": len(tokens),
        "decrypt_with": sorted({fp for fp in fingerprints if fp}),
        "undecryptable_values": sum(1 for fp in fingerprints if fp is None),
        "included": include_key,
        "file": KEY_FILE if include_key else None,
    }


# --- files ------------------------------------------------------------------------------------------------------


def _copy_hashing(source: Path, destination: Path) -> tuple[str, int]:
    """Copy one file and return the SHA-256 and size of what was written."""
    digest = hashlib.sha256()
    size = 0
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with source.open("rb") as reader, destination.open("wb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(root: Path, *, skip: Path | None = None) -> Iterator[Path]:
    """Regular files under `root` (links are not followed), in a stable order; `skip` is a folder left out."""
    if not root.is_dir():
        return
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if skip is None or (Path(directory) / d) != skip)
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] not in ROOTS:
        raise BackupError(f"The manifest names a file outside the backup ({name!r}): it was altered.")
    return path


def _is_empty_folder(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


# --- backup -----------------------------------------------------------------------------------------------------


def backup_create(
    *,
    destination: Path,
    using: str = "default",
    media_root: Path | None = None,
    private_root: Path | None = None,
    include_key: bool = False,
) -> dict[str, Any]:
    """Write a backup of database `using` and the two file roots into `destination` (new or empty); returns the
    manifest. The database is copied first, the files after it: a file written meanwhile is an extra file in the
    backup, never a missing one for a row that is there."""
    media_root = Path(media_root or settings.MEDIA_ROOT).resolve()
    private_root = Path(private_root or settings.PRIVATE_MEDIA_ROOT).resolve()
    destination = Path(destination)
    if not _is_empty_folder(destination):
        raise BackupError(f"{destination} is not empty: back up into a new folder.")
    destination.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(destination, 0o700)  # the backup holds personal data

    database = connections[using].settings_dict
    engine = engine_of(database)
    dump = destination / DUMP_FILES[engine]
    if engine == "postgresql":
        tables, keys = _backup_postgresql(database, dump, include_key=include_key)
    else:
        tables, keys = _backup_sqlite(using, dump, include_key=include_key)
    os.chmod(dump, 0o600)

    files: dict[str, dict[str, Any]] = {}
    for prefix, root, skip in (("public", media_root, private_root), ("private", private_root, None)):
        for path in _walk(root, skip=skip):
            relative = f"{prefix}/{path.relative_to(root).as_posix()}"
            sha256, size = _copy_hashing(path, destination / relative)
            files[relative] = {"sha256": sha256, "size": size}
    if include_key:
        key_path = destination / KEY_FILE
        key_path.write_text(",".join(crypto.configured_secrets()) + "\n")
        os.chmod(key_path, 0o600)

    manifest = {
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": {
            "engine": engine,
            "file": dump.name,
            "sha256": file_sha256(dump),
            "tables": tables,
        },
        "files": files,
        "keys": keys,
        "task_queue": "not included: tasks queued at backup time are not in the backup (docs/decisions/0010)",
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def _backup_postgresql(
    database: dict[str, Any], dump: Path, *, include_key: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """pg_dump in the snapshot of a repeatable-read transaction that also counts and checksums every table, so that
    the manifest describes exactly what the dump holds even while the site is writing."""
    from psycopg import IsolationLevel

    with _pg_connect(database) as connection:
        connection.isolation_level = IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        connection.execute("SET TIME ZONE 'UTC'")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _pg_tool("pg_dump", database, ["--format=custom", f"--snapshot={snapshot}", f"--file={dump}"])
        tables = _pg_tables(connection)
        keys = _keys_section(_encrypted_tokens(lambda query: connection.execute(query)), include_key=include_key)
        connection.rollback()
    return tables, keys


def _backup_sqlite(using: str, dump: Path, *, include_key: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """SQLite's online backup (consistent while other connections write), then the figures read from the copy."""
    source = connections[using]
    if source.in_atomic_block:  # the backup API would wait forever for the transaction's pages
        raise BackupError("An SQLite backup cannot run inside a transaction: run it on its own.")
    source.ensure_connection()
    target = sqlite3.connect(dump)
    try:
        source.connection.backup(target)
        tables = _sqlite_tables(target)
        keys = _keys_section(_encrypted_tokens(target.execute), include_key=include_key)
    finally:
        target.close()
    return tables, keys


# --- restore ----------------------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is not a Tamyr backup: it has no {MANIFEST}.")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {manifest.get('format_version')}; this Tamyr reads version "
            f"{FORMAT_VERSION}."
        )
    return manifest


def database_is_empty(database: dict[str, Any]) -> bool:
    """True when the database has no table at all (a new SQLite file, or a PostgreSQL database just created)."""
    if engine_of(database) == "sqlite":
        path = Path(database["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    import psycopg

    try:
        with _pg_connect(database, autocommit=True) as connection:
            found = connection.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()[0]
    except psycopg.OperationalError as error:
        raise BackupError(
            f"Cannot reach the database {database['NAME']}: {error}. Create it empty first "
            f"(createdb -O OWNER {database['NAME']}) and run restore again."
        )
    return bool(found == 0)


def verify_backup(source: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest names is there with its SHA-256 (the database dump included), before any write."""
    if manifest["database"]["file"] not in DUMP_FILES.values():
        raise BackupError(f"The manifest names an unknown database file ({manifest['database']['file']!r}).")
    wrong: list[str] = []
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    expected.update({name: item["sha256"] for name, item in manifest["files"].items()})
    for name, sha256 in expected.items():
        if name != manifest["database"]["file"]:
            _safe_relative(name)
        path = source / name
        if not path.is_file() or file_sha256(path) != sha256:
            wrong.append(name)
    if wrong:
        raise BackupError(
            f"{len(wrong)} file(s) of the backup are missing or differ from the manifest (first: {wrong[0]}): "
            "the backup is damaged; restore an older one."
        )


def backup_restore(
    *,
    source: Path,
    database: dict[str, Any],
    media_root: Path,
    private_root: Path,
    force: bool = False,
) -> RestoreReport:
    """Bring a backup back into an empty database and empty folders, and prove that it came back whole.

    Refuses a database with tables or a folder with files unless `force` (which then replaces what is there).
    The task queue is not touched here: `task_queue_discard` is the caller's next step (the command does it)."""
    source = Path(source)
    manifest = read_manifest(source)
    engine = engine_of(database)
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['database']['engine']} database; the target is {engine}. Restore into "
            "the same kind of database."
        )
    roots = {"public": Path(media_root), "private": Path(private_root)}
    if not force:
        if not database_is_empty(database):
            raise BackupError(
                f"The database {database['NAME']} is not empty: restore into a new, empty database "
                "(or pass --force to replace its content)."
            )
        for root in roots.values():
            if not _is_empty_folder(root):
                raise BackupError(
                    f"{root} is not empty: restore into a new, empty folder (or pass --force to replace its content)."
                )
    verify_backup(source, manifest)

    dump = source / manifest["database"]["file"]
    if engine == "postgresql":
        tables = _restore_postgresql(dump, database, clean=force)
    else:
        tables = _restore_sqlite(dump, database)
    expected_tables = manifest["database"]["tables"]
    if tables != expected_tables:
        names = set(tables) | set(expected_tables)
        differing = sorted(name for name in names if tables.get(name) != expected_tables.get(name))
        raise BackupError(
            f"The restored database differs from the backup in {len(differing)} table(s) ({', '.join(differing[:5])})."
        )

    for root in roots.values():
        if force and root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True, exist_ok=True)
    for name, item in manifest["files"].items():
        relative = _safe_relative(name)
        target = roots[relative.parts[0]].joinpath(*relative.parts[1:])
        sha256, _size = _copy_hashing(source / name, target)
        if sha256 != item["sha256"]:
            raise BackupError(f"{target} was written differently from the backup: check the disk and restore again.")

    keys = manifest["keys"]
    configured = {crypto.fingerprint(secret) for secret in crypto.configured_secrets()}
    return RestoreReport(
        tables=len(tables),
        rows=sum(table["rows"] for table in tables.values()),
        files=len(manifest["files"]),
        missing_key_fingerprints=[fp for fp in keys["decrypt_with"] if fp not in configured],
        key_included=bool(keys["included"]),
    )


def _restore_postgresql(dump: Path, database: dict[str, Any], *, clean: bool) -> dict[str, Any]:
    # one transaction: a failure leaves the database as empty as it was; owners and grants are the restoring role's
    options = ["--no-owner", "--no-acl", "--single-transaction", "--exit-on-error"]
    if clean:
        options += ["--clean", "--if-exists"]
    _pg_tool("pg_restore", database, [*options, str(dump)])
    with _pg_connect(database) as connection:
        connection.execute("SET TIME ZONE 'UTC'")
        tables = _pg_tables(connection)
        connection.rollback()
    return tables


def _restore_sqlite(dump: Path, database: dict[str, Any]) -> dict[str, Any]:
    path = Path(database["NAME"])
    if str(path) in ("", ":memory:") or str(path).startswith("file:"):
        raise BackupError("Restore needs an SQLite database file, not an in-memory database.")
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        return _sqlite_tables(target)
    finally:
        source.close()
        target.close()


# --- after a restore --------------------------------------------------------------------------------------------


def task_queue_discard() -> int:
    """Empty the configured Huey's queue, schedule and results (task locks included). Tasks queued before the
    restore refer to a state that the restored database may not have (issue 10: cancellation e-mails for an event
    the backup shows as published); what must happen again happens from the restored rows. Returns how many
    queued or scheduled tasks were discarded."""
    from huey.contrib.djhuey import HUEY

    discarded = int(HUEY.pending_count()) + int(HUEY.scheduled_count())
    HUEY.flush()
    return discarded


def after_restore_discard() -> int:
    """What follows every restore: the task queue emptied (`task_queue_discard`) and the caches cleared, since
    cached pages and counts describe the state before it. Returns how many tasks were discarded."""
    from django.core.cache import caches
    from django.db import DatabaseError

    discarded = task_queue_discard()
    for alias in settings.CACHES:
        # a database cache whose table the backup did not have holds nothing
        with contextlib.suppress(DatabaseError):
            caches[alias].clear()
    return discarded
