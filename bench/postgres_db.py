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
