"""A PostgreSQL server for a benchmark, started and stopped by the benchmark itself: the
tests' .ci/postgres (a fresh folder, 127.0.0.1, a free port, deleted after), but durable —
fsync and synchronous commits on — since the benchmarks measure what a clinic would see.

    with pg_server.running() as url:      # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
        ...
    url = pg_server.database(url, "clinicdesk_bench")   # a fresh database on that server
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def running():
    """The server's URL while the block runs; the server and its folder gone after."""
    env = dict(os.environ, CLINICDESK_PG_DURABLE="1")
    process = subprocess.Popen(["bash", str(ROOT / ".ci" / "postgres")], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("postgresql"):
            raise RuntimeError(f".ci/postgres did not start a server (said {url!r})")
        yield url
    finally:
        process.send_signal(signal.SIGTERM)  # its trap stops the server and deletes the folder
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        # what the script left in its session: its idle `sleep 3600`, which would hold this
        # process's stderr open (a caller reading it through a pipe would wait an hour)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def database(url: str, name: str) -> str:
    """A new, empty database `name` on the server at `url` (dropped first if it was there)."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def plain_url(url: str) -> str:
    """The URL psycopg itself takes (SQLAlchemy's driver name removed)."""
    return url.replace("postgresql+psycopg://", "postgresql://")
