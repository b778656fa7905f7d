"""Schemathesis against a live server: every operation of /api/v1/schema/, as every role, checked against the schema.

Builds a fresh SQLite database in a temporary folder, loads `tamyr demo`, makes a machine token for each demo login
(`tamyr drf_create_token`), starts gunicorn on a free port, and runs `schemathesis run` once per role (anonymous,
compatriot, staff, manager = admin of an organization, coordinator, admin = platform admin) with a bounded number of
examples per operation. Path parameters are drawn mostly from the demo's real slugs, ids and codes, so that the
requests reach the endpoints' logic rather than 404s. Fails (exit status 1) on any server error, undocumented status
code or content type, response that violates the schema, or response header that breaks its declaration.

Usage (from the repository root): .venv/bin/python .ci/schemathesis.py [--examples N] [--seed N] [--roles a,b]
Reports (JUnit XML and the console output of each role) go to --report-dir when it is given.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
ROLES = ["anonymous", "compatriot", "staff", "manager", "coordinator", "admin"]
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
]

# Real values for path parameters, per group of operations: regex on the path, the parameter, and where its values
# are (model, field, how many).
PATH_VALUES = [
    ("^/api/v1/countries/", "code", "tamyr.registry.models.Country", "code", 40),
    ("^/api/v1/organizations/", "slug", "tamyr.registry.models.Organization", "slug", 60),
    ("^/api/v1/networks/", "slug", "tamyr.registry.models.Network", "slug", 10),
    ("^/api/v1/people/", "id", "tamyr.registry.models.Person", "pk", 60),
    ("^/api/v1/events/", "slug", "tamyr.events.models.Event", "slug", 20),
    ("^/api/v1/registrations/", "code", "tamyr.events.models.Registration", "code", 60),
    ("^/api/v1/courses/", "slug", "tamyr.learning.models.Course", "slug", 40),
    ("^/api/v1/groups/", "id", "tamyr.learning.models.CourseGroup", "pk", 40),
    ("^/api/v1/enrollments/", "id", "tamyr.learning.models.Enrollment", "pk", 60),
    ("^/api/v1/certificates/", "code", "tamyr.learning.models.Certificate", "code", 20),
    ("^/api/v1/calls/", "slug", "tamyr.calls.models.Call", "slug", 10),
    ("^/api/v1/applications/", "code", "tamyr.calls.models.Application", "code", 40),
    ("^/api/v1/estimates/", "id", "tamyr.analytics.models.DiasporaEstimate", "pk", 10),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def tamyr(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "tamyr", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"tamyr {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit status {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def config_file(env: dict[str, str], path: Path) -> None:
    """schemathesis.toml: for each group of operations, its path parameter drawn from the demo's values 4 times in
    5 (the fifth is generated, so that unknown ones are tried too)."""
    script = "import json\nfrom django.utils.module_loading import import_string\nout = []\n"
    for _regex, _name, model, field, limit in PATH_VALUES:
        script += f"out.append(list(import_string({model!r}).objects.order_by('pk').values_list({field!r}, flat=True)"
        script += f"[:{limit}]))\n"
    script += "print(json.dumps(out))\n"
    values = json.loads(tamyr(env, "shell", "-c", script).strip().splitlines()[-1])
    lines = []
    for index, found in enumerate(values):
        if not found:
            continue
        lines += [f"[dictionaries.values{index}]", f"values = {json.dumps(found)}", ""]
    for index, ((regex, name, *_where), found) in enumerate(zip(PATH_VALUES, values, strict=True)):
        if not found:
            continue
        lines += [
            "[[operations]]",
            f"include-path-regex = {json.dumps(regex)}",
            f'parameters = {{ "path.{name}" = {{ dictionary = "values{index}", probability = 0.8 }} }}',
            "",
        ]
    path.write_text("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="examples per operation and role (default 25)")
    parser.add_argument("--seed", type=int, default=20261206, help="the same cases on every run unless changed")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated, of " + ", ".join(ROLES))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--parallel", type=int, default=2, help="roles tested at the same time")
    parser.add_argument("--mode", default="positive", help="positive (CI), negative or all: invalid input too")
    parser.add_argument("--checks", default=",".join(CHECKS), help="comma-separated schemathesis checks")
    parser.add_argument("--report-dir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server log)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tamyr-schemathesis."))
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tamyr.settings.base",
            "TAMYR_VAR_DIR": str(workdir / "var"),
            "TAMYR_DEBUG": "false",
            "TAMYR_TASKS_IMMEDIATE": "true",  # tasks run inside the request: an error in one is a 500 here
            "TAMYR_EMAIL": "memory",
            "TAMYR_LOG_LEVEL": "WARNING",
            "TAMYR_DEMO_LEARNERS": "60",  # the demo's courses, groups and certificates, without 1,450 learners
            # one address sends every request: throttling would turn most of them into 429s
            "TAMYR_API_ANON_RATE": "",
            "TAMYR_API_USER_RATE": "",
        }
    )
    server: subprocess.Popen[bytes] | None = None
    failed: list[str] = []
    try:
        started = time.monotonic()
        tamyr(env, "migrate", "--noinput")
        tamyr(env, "demo")
        tokens: dict[str, str] = {}
        roles = [role for role in args.roles.split(",") if role]
        for role in roles:
            if role == "anonymous":
                continue
            output = tamyr(env, "drf_create_token", role)
            match = re.search(r"\b[0-9a-f]{40}\b", output)
            if match is None:
                raise SystemExit(f"no token in the output of drf_create_token {role}: {output!r}")
            tokens[role] = match.group(0)
        config = workdir / "schemathesis.toml"
        config_file(env, config)
        log(f"demo database, {len(tokens)} tokens and the parameter values ready in {time.monotonic() - started:.0f} s")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = (workdir / "server.log").open("wb")
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "tamyr.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(args.workers), "--timeout", "120", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(f"{base}/api/v1/schema/?format=json", server)

        def command_for(role: str) -> list[str]:
            # one worker per schemathesis process: its threads build Hypothesis strategies concurrently, which
            # CPython 3.11's compiler does not survive ("AST constructor recursion depth mismatch"); roles run
            # side by side as processes instead
            command = [str(VENV_BIN / "schemathesis"), "--config-file", str(config), "run"]
            command += [f"{base}/api/v1/schema/?format=json", "--url", base, "--checks", args.checks]
            command += ["--phases", "examples,fuzzing", "--mode", args.mode, "--max-examples", str(args.examples)]
            command += ["--seed", str(args.seed), "--workers", "1", "--no-shrink"]
            command += ["--suppress-health-check", "all", "--request-timeout", "60"]
            if role in tokens:
                command += ["--header", f"Authorization: Token {tokens[role]}"]
            if args.report_dir:
                command += ["--report", "junit", "--report-junit-path", str(args.report_dir / f"{role}.xml")]
            return command

        if args.report_dir:
            args.report_dir.mkdir(parents=True, exist_ok=True)
        waiting = list(roles)
        running: dict[str, tuple[subprocess.Popen[str], float, Path]] = {}
        while waiting or running:
            while waiting and len(running) < args.parallel:
                role = waiting.pop(0)
                output = workdir / f"{role}.txt"
                with output.open("w") as stream:
                    process = subprocess.Popen(
                        command_for(role), cwd=workdir, env=env, stdout=stream, stderr=subprocess.STDOUT, text=True
                    )
                running[role] = (process, time.monotonic(), output)
            time.sleep(0.5)
            for role, (process, role_started, output) in list(running.items()):
                if process.poll() is None:
                    continue
                del running[role]
                text = output.read_text()
                summary = [line for line in text.splitlines() if re.search(r"\d+ (passed|failures?|errors?)", line)]
                took = time.monotonic() - role_started
                log(f"{role}: {summary[-1].strip('= ') if summary else 'no summary'} ({took:.0f} s)")
                if args.report_dir:
                    shutil.copy(output, args.report_dir / f"{role}.txt")
                if process.returncode != 0:
                    failed.append(role)
                    print(text[-20000:])
        took = time.monotonic() - started
        log(f"schemathesis: {len(roles) - len(failed)} of {len(roles)} roles passed in {took:.0f} s")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if failed or args.keep:
            log(f"kept {workdir} (server.log, the database)")
            if failed and (workdir / "server.log").exists():
                print((workdir / "server.log").read_text()[-10000:])
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        log("schemathesis failed for: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
