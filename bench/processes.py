"""What the benches that run the real service share: free ports, its settings in the environment, `mentorat worker`
processes of their own beside the composition root in the bench's process, and stopping it all in order."""

import argparse
import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from temporalio.client import Client

from mentorat.bootstrap import Container, build_container, with_payload_codec
from mentorat.settings import Settings
from mentorat.worker_processes import WORKER_COMMAND

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_settings(data_dir: Path, store: str, temporal_address: str, task_queue: str, bench: str,
                 postgres_user: str) -> None:
    """The service's settings, in this process's environment (read by `Settings()` here and by the workers)."""
    os.environ.update({"MENTORAT_DATA_DIR": str(data_dir), "MENTORAT_EVENT_STORE": store,
                       "MENTORAT_TEMPORAL_ADDRESS": temporal_address, "MENTORAT_TASK_QUEUE": task_queue,
                       "MENTORAT_LOG_LEVEL": "WARNING"})
    if store == "postgres":
        os.environ.update(MENTORAT_POSTGRES_DB=f"bench_{bench}_{int(time.time())}",
                          MENTORAT_POSTGRES_USER=postgres_user)


def start_workers(count: int, log_dir: Path) -> tuple[list[subprocess.Popen], list[Path]]:
    """`count` worker processes on this environment's settings, each logging (JSON) to a file of its own."""
    logs = [log_dir / f"worker-{n}.log" for n in range(count)]
    workers = []
    for log in logs:
        with open(log, "w") as out:  # the worker writes to its own copy
            workers.append(subprocess.Popen(WORKER_COMMAND, cwd=ROOT, env={**os.environ, "MENTORAT_LOG_FORMAT": "json"},
                                            stdout=out, stderr=subprocess.STDOUT))
    return workers, logs


def stop_in_order(workers: list[subprocess.Popen], services, container) -> None:
    """The workers first (nothing more is appended; killed if they do not stop), then the services' own stops, then
    the stores."""
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    for stop in services.on_stop:
        stop()
    container.close()


@contextlib.contextmanager
def service_and_workers(client: Client, data_dir: Path, args: argparse.Namespace, bench: str) -> Iterator[
        tuple[Container, object, list[subprocess.Popen], list[Path]]]:
    """The composition root in this process on `client`'s Temporal (its projector started) and `args.workers`
    `mentorat worker` processes beside it, on `args.store` (`args.postgres_user`); all stopped in order at the end."""
    use_settings(data_dir, args.store, client.service_client.config.target_host, f"bench-{bench}", bench,
                 args.postgres_user)
    container = build_container(Settings())  # creates the database the workers then share
    # The workers encrypt payloads with the data keys of the shared data directory: so must this process.
    container.temporal = with_payload_codec(client, container.settings)
    services = container.services()
    workers: list[subprocess.Popen] = []
    try:
        for start in services.on_start:
            start()
        workers, logs = start_workers(args.workers, data_dir)
        yield container, services, workers, logs
    finally:
        stop_in_order(workers, services, container)


def add_postgres_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-user", default="postgres")


@contextlib.contextmanager
def throwaway_postgres(args: argparse.Namespace, bench: str, **settings) -> Iterator[Settings]:
    """Settings on a database of this run's own (`bench_<bench>_<time>`, created by the composition root),
    dropped at the end. `args` holds `add_postgres_arguments`'s options."""
    dbname = f"bench_{bench}_{int(time.time())}"
    try:
        yield Settings(_env_file=None, event_store="postgres", postgres_host=args.pg_host, postgres_port=args.pg_port,
                       postgres_user=args.pg_user, postgres_db=dbname, **settings)
    finally:
        with psycopg.connect(host=args.pg_host, port=args.pg_port, user=args.pg_user, dbname="postgres",
                             autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
