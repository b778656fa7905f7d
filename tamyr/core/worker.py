"""The task worker (`tamyr run_huey`): Huey's consumer, told to stop gracefully on SIGTERM and to tell jobs so.

Huey's consumer treats SIGTERM (what `systemctl stop` and `systemctl restart` send) as "stop now": the process
exits and the worker threads die wherever they are, in the middle of a job's transaction. The settings make
SIGTERM the graceful signal instead (`graceful_signal: "TERM"`, with a `shutdown_timeout` shorter than systemd's
`TimeoutStopSec`): the consumer sets its stop flag and waits for the running tasks. A task that runs a long job
(`tamyr.core.jobs.run`) checks `stop_requested()` between its items, so it checkpoints and hands the job back at
once instead of holding the shutdown until the whole batch is done.

This module is loaded by `huey.contrib.djhuey` while Django sets up its apps (the `huey_class` setting), so it
imports no model at module level.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import huey
from huey.consumer import Consumer as HueyConsumer


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


_flags: list[StopFlag] = []
_flags_lock = threading.Lock()


def watch_stop_flag(flag: StopFlag) -> None:
    """Make `stop_requested()` true once `flag` is set (the consumer's stop flag; a test's event)."""
    with _flags_lock:
        _flags.append(flag)


def forget_stop_flag(flag: StopFlag) -> None:
    with _flags_lock:
        if flag in _flags:
            _flags.remove(flag)


def stop_requested() -> bool:
    """Whether the process running this code is shutting down and a job should checkpoint now."""
    return any(flag.is_set() for flag in _flags)


class Consumer(HueyConsumer):
    """Huey's consumer that shares its stop flag with jobs and sweeps the jobs a dead worker left when it starts."""

    def __init__(self, huey_instance: Any, **options: Any) -> None:
        super().__init__(huey_instance, **options)
        # The flag is set for SIGTERM and SIGINT alike; with process workers it is a fork-safe flag, which the
        # children inherit along with this module's list.
        watch_stop_flag(self.stop_flag)

    def start(self) -> None:
        from tamyr.core import job_tasks

        # Before the workers start: the sweep is the first task they see.
        job_tasks.sweep_jobs_at_start()
        super().start()


class _WithJobAwareConsumer:
    def create_consumer(self, **options: Any) -> Consumer:
        return Consumer(self, **options)


class SqliteHuey(_WithJobAwareConsumer, huey.SqliteHuey):
    """The embedded queue (a SQLite file), with the job-aware consumer."""


class RedisHuey(_WithJobAwareConsumer, huey.RedisHuey):
    """The queue on Redis, with the job-aware consumer."""
