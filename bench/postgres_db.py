"""The throwaway PostgreSQL database each benchmark creates and drops: one copy for every script in bench/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SOCKET_DIRECTORY = Path("/var/run/postgresql")


def default_database_url(prefix: str) -> str:
    """PostgreSQL through its Unix socket when it listens on one here, else over TCP on 127.0.0.1."""
    name = f"{prefix}_{os.getpid()}"
    if (SOCKET_DIRECTORY / ".s.PGSQL.5432").exists():
        return f"postgres://postgres@{str(SOCKET_DIRECTORY).replace('/', '%2F')}/{name}"
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def _maintenance(url: str) -> tuple[Any, str]:
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(maintenance, autocommit=True, connect_timeout=5), parts.path.lstrip("/")


def create_database(url: str) -> None:
    from psycopg import sql

    connection, name = _maintenance(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    from psycopg import sql

    connection, name = _maintenance(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def load_average() -> str:
    """The load average when a figure was taken: the machine is shared, so each line says how busy it was."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def copy(table: str, columns: tuple[str, ...], rows: Any) -> int:
    """Rows into a table with PostgreSQL's COPY: a million rows in seconds, where the ORM takes minutes."""
    from django.db import connection

    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)
            written += 1
    return written


def bench_environment(database_url: str, prefix: str) -> Path:
    """Settings for a benchmark run: its own throwaway database (created here) and folder, tasks run at once, mail kept
    in memory, no Redis; returns the folder. Call before `django.setup()`."""
    import tempfile

    var = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tamyr.settings.base",
            "DATABASE_URL": database_url,
            "TAMYR_VAR_DIR": str(var),
            "TAMYR_LOG_LEVEL": "WARNING",
            "TAMYR_TASKS_IMMEDIATE": "true",
            "TAMYR_EMAIL": "memory",
        }
    )
    os.environ.pop("REDIS_URL", None)
    create_database(database_url)
    return var
