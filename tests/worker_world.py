"""A real task worker for the kill tests: `tamyr run_huey` processes (tests/slow_worker.py) that share the test
database, so that a test can stop one in the middle of a job (SIGTERM, SIGKILL) and look at what it left."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


class WorkerWorld:
    """The test database shared with `tamyr run_huey` processes (tests/slow_worker.py).

    On PostgreSQL the worker connects to the test database itself (the test runs with committed transactions). On
    SQLite the test database lives in memory, so it is copied to a file for the worker (`share`) and the file is
    copied back before the test looks at the result with the ORM (`collect`)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.workers: list[subprocess.Popen[bytes]] = []
        self.sqlite_file: Path | None = None
        database = connection.settings_dict
        if connection.vendor == "sqlite":
            self.sqlite_file = tmp_path / "worker.sqlite3"
            url = f"sqlite:///{self.sqlite_file}"
        else:
            user, password = quote(database["USER"] or "", safe=""), quote(database.get("PASSWORD") or "", safe="")
            credentials = f"{user}:{password}" if password else user
            host = quote(database["HOST"] or "", safe="")  # a Unix socket's folder, percent-encoded
            url = f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{database['NAME']}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tamyr.settings.base",  # the real worker settings: SIGTERM is graceful
            "DATABASE_URL": url,
            "REDIS_URL": "",
            "TAMYR_TASKS_IMMEDIATE": "false",
            "TAMYR_VAR_DIR": str(tmp_path / "var"),  # its own task queue
            "TAMYR_SECRET_KEY": settings.SECRET_KEY,
            "TAMYR_KEY_ENCRYPTION_KEY": getattr(settings, "TAMYR_KEY_ENCRYPTION_KEY", "")
            or os.environ.get("TAMYR_KEY_ENCRYPTION_KEY", ""),
            "TAMYR_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TAMYR_PRIVATE_ROOT": str(getattr(settings, "PRIVATE_MEDIA_ROOT", tmp_path / "private")),
            "TAMYR_WORKERS": "1",
            "TAMYR_JOB_LEASE_SECONDS": "2",
            "TAMYR_WORKER_SHUTDOWN_TIMEOUT": "20",
            "TAMYR_EMAIL": "console",
            "SLOW_PDF_SECONDS": "0.08",
            "CHUNK_SIZE": "4",
            "SLOW_IMPORT_CHUNK_SECONDS": "0.5",
            "IMPORT_CHUNK": "4",
            "PYTHONPATH": str(ROOT),
        }

    def share(self) -> None:
        if self.sqlite_file is not None:
            connection.ensure_connection()
            with sqlite3.connect(self.sqlite_file) as target:
                connection.connection.backup(target)
            target.close()

    def collect(self) -> None:
        if self.sqlite_file is not None:
            source = sqlite3.connect(self.sqlite_file)
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()

    def _fetchone(self, query: str, params: tuple[Any, ...] = ()) -> Any:
        """Read without the ORM: on SQLite the rows are in the worker's file. `query` uses `?` placeholders."""
        if self.sqlite_file is not None:
            source = sqlite3.connect(self.sqlite_file, timeout=20)
            try:
                return source.execute(query, params).fetchone()
            finally:
                source.close()
        with connection.cursor() as cursor:
            cursor.execute(query.replace("?", "%s"), list(params))
            return cursor.fetchone()

    def row(self, table: str, pk: int, columns: list[str]) -> dict[str, Any]:
        """A row as the worker left it."""
        row = self._fetchone(f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?", (pk,))
        return dict(zip(columns, row, strict=True))

    def count(self, table: str) -> int:
        return int(self._fetchone(f"SELECT COUNT(*) FROM {table}")[0])

    def tmp_dir(self, index: int) -> Path:
        """Worker `index`'s temporary folder: each has its own, as systemd's `PrivateTmp=true` gives the service."""
        return self.tmp_path / f"tmp-{index}"

    def start_worker(self) -> subprocess.Popen[bytes]:
        index = len(self.workers)
        log = (self.tmp_path / f"worker-{index}.log").open("wb")
        self.tmp_dir(index).mkdir()
        env = {**self.env, "TMPDIR": str(self.tmp_dir(index))}
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.slow_worker"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        self.workers.append(worker)
        return worker

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                logs = "\n".join(path.read_text()[-3000:] for path in sorted(self.tmp_path.glob("worker-*.log")))
                raise AssertionError(f"timed out; worker logs:\n{logs}")
            time.sleep(0.1)

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)


# Committed transactions, so that the worker sees the rows; serialized_rollback as tests/events/test_concurrency.py
# says why (a transactional test ends by emptying the tables, migrations' data included).
worker_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)
