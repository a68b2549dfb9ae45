"""`mentorat` command line: serve (everything, embedded), api, worker, rebuild-views, parked-facts,
retry-parked, healthcheck.

The composition root (and with it the application, the views, Temporal's worker) and the HTTP edge are imported by
the commands that use them: each takes seconds to import, and `healthcheck` runs every 30 s in production."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import urllib.request

import structlog

from typing import TYPE_CHECKING

from mentorat.database import DatabaseSetupError
from mentorat.devserver import DevServer, dev_server_address
from mentorat.local_secrets import with_local_secrets
from mentorat.logging import configure_logging
from mentorat.payload_codec import generate_key
from mentorat.settings import Settings
from mentorat.worker_processes import WorkerProcesses, die_with_parent

if TYPE_CHECKING:
    from mentorat.bootstrap import Container

log = structlog.get_logger("mentorat")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mentorat", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="Temporal dev server + worker + API on embedded defaults")
    commands.add_parser("api", help="the HTTP API (with the read-view projector)")
    commands.add_parser("worker", help="the Temporal worker")
    rebuild = commands.add_parser("rebuild-views", help="rebuild the read views (or one) from the event store")
    rebuild.add_argument("--view", help="only this view (binomes, staff_tasks, persons)")
    commands.add_parser("parked-facts", help="list the facts a view could not apply, set aside")
    commands.add_parser("record-held-places",
                        help="once, after upgrading: record the places binômes opened before programmes hold")
    retry = commands.add_parser("retry-parked", help="apply the parked facts again, in order")
    retry.add_argument("--view", help="only this view's parked facts")
    new_key = commands.add_parser("new-key", help="print a new data key for MENTORAT_DATA_KEYS (put it first)")
    new_key.add_argument("key_id", help="its id, e.g. 2026-11")
    demo = commands.add_parser("demo", help="fill an empty installation with a fictional programme and ten months "
                                             "of its life (then `serve`)")
    demo.add_argument("--mentors", type=int, default=110)
    demo.add_argument("--mentees", type=int, default=160)
    demo.add_argument("--seed", type=int, default=2026)
    check = commands.add_parser("healthcheck", help="exit 0 when the API / worker's dependencies answer")
    check.add_argument("what", choices=["api", "worker"])
    args = parser.parse_args(argv)

    if args.command == "new-key":
        print(generate_key(args.key_id))
        return 0
    settings = with_local_secrets(Settings())
    configure_logging(settings.log_format, settings.log_level)
    runners = {
        "serve": lambda: asyncio.run(serve(settings)),
        "api": lambda: asyncio.run(run_api(settings)),
        "worker": lambda: asyncio.run(run_worker(settings)),
        "rebuild-views": lambda: rebuild_views(settings, args.view),
        "parked-facts": lambda: parked_facts(settings),
        "record-held-places": lambda: record_held_places(settings),
        "retry-parked": lambda: retry_parked(settings, args.view),
        "healthcheck": lambda: _exit_now(asyncio.run(healthcheck(settings, args.what))),
        "demo": lambda: asyncio.run(run_demo(settings, args.mentors, args.mentees, args.seed)),
    }
    try:
        with contextlib.suppress(KeyboardInterrupt):
            return runners[args.command]() or 0
    except DatabaseSetupError as error:
        # What to create or fix, on one line: a traceback would only bury it.
        print(f"mentorat: {error}", file=sys.stderr)
        return 2
    return 0


def _first_administrator(container: Container, services) -> None:
    """On a new installation, the first administrator: its one-time password is printed once, to be changed at the
    first login (or MENTORAT_ADMIN_PASSWORD is used, and nothing is printed)."""
    settings = container.settings
    given = settings.admin_password.get_secret_value() or None
    password = services.accounts.ensure_first_administrator(settings.admin_username, given)
    if password is not None:
        print(f"\n  Premier administrateur : {settings.admin_username}\n  Mot de passe à usage unique : {password}\n"
              f"  (à changer à la première connexion : POST /auth/password ; voir le README)\n", flush=True)


def _root():
    """The composition root, imported when a command needs it."""
    from mentorat import bootstrap
    return bootstrap


def _http_edge():
    """uvicorn and the app factory, imported only by the commands that serve HTTP: a worker process never does, and
    FastAPI with every route's models takes seconds to import. Called before anything runs (an import blocks)."""
    import uvicorn

    from api.app import create_app
    return uvicorn, create_app


async def _serve_api(container: Container) -> None:
    uvicorn, create_app = _http_edge()
    settings = container.settings
    services = container.services()
    _first_administrator(container, services)
    config = uvicorn.Config(create_app(services, settings), host=settings.api_host, port=settings.api_port,
                            log_config=None, lifespan="on", proxy_headers=True,
                            forwarded_allow_ips=settings.forwarded_allow_ips)
    await uvicorn.Server(config).serve()


async def _resume_open_binomes(container: Container) -> None:
    """In the background, when a worker starts: the open binômes whose workflow Temporal does not run (a demo, a
    lost Temporal database) get one, from their state (several workers may do it at once: each start is once)."""
    from application.resumption import resume_open_binomes
    from application.temporal_gateway import BinomeWorkflows
    try:
        await resume_open_binomes(container.store, container.views,
                                  BinomeWorkflows(container.temporal, container.settings), container.workflow_options)
    except Exception as error:  # the service runs without it; the next start tries again
        log.error("binomes_not_resumed", error=str(error), exc_info=error)


def _on_stop_signals(callback) -> None:
    """Ctrl-C / SIGTERM call `callback` instead of raising KeyboardInterrupt in the middle of a shutdown.

    uvicorn handles the signal itself while it serves and re-raises it once stopped: it then lands here.
    """
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, callback)


async def serve(settings: Settings) -> None:
    """Everything in one process tree: data under settings.data_dir, kept across restarts."""
    _on_stop_signals(lambda: None)
    _http_edge()
    container = _root().build_container(settings)
    dev_server = None
    if settings.temporal_address:
        container.temporal = await _root().connect_temporal(settings)
    else:
        dev_server = DevServer(settings.temporal_dev_db_path, settings.temporal_dev_port,
                               settings.temporal_ui_port, settings.temporal_namespace,
                               codec_endpoint=f"http://{settings.api_host}:{settings.api_port}/codec")
        container.temporal = _root().with_payload_codec(await dev_server.start(), settings)
        log.info("temporal_dev_server_started", address=dev_server.address, ui=dev_server.ui_url)
    # Workers in processes of their own (`worker_processes`), or in this one when it is 0.
    address = settings.temporal_address or dev_server.address
    workers = (WorkerProcesses(settings.worker_processes, address) if settings.worker_processes
               else _root().build_temporal_worker(container))
    log.info("mentorat_ready", api=f"http://{settings.api_host}:{settings.api_port}",
             docs=f"http://{settings.api_host}:{settings.api_port}/docs", data_dir=str(settings.data_dir.resolve()))
    try:
        async with workers:
            # Worker processes resume them themselves (`run_worker`); a worker in this process, here.
            resuming = asyncio.create_task(_resume_open_binomes(container)) if not settings.worker_processes \
                else None
            # uvicorn handles Ctrl-C: when it returns, the workers drain and the dev server stops.
            await _serve_api(container)
            if resuming is not None:
                resuming.cancel()
    finally:
        container.close()
        if dev_server is not None:
            dev_server.stop()
        log.info("mentorat_stopped")


async def run_api(settings: Settings) -> None:
    _on_stop_signals(lambda: None)
    _http_edge()
    # Lazily: the API starts while Temporal is unreachable (reads work, /health says so, commands answer 503).
    container = _root().build_container(settings, await _root().connect_temporal(settings, lazy=True))
    try:
        await _serve_api(container)
    finally:
        container.close()


async def run_worker(settings: Settings) -> None:
    die_with_parent()
    container = _root().build_container(settings, await _root().connect_temporal(settings))
    worker = _root().build_temporal_worker(container)
    # Stop polling and shut down in order: a container stop is not a crash.
    _on_stop_signals(lambda: asyncio.ensure_future(worker.shutdown()))
    log.info("worker_started", task_queue=settings.task_queue)
    resuming = asyncio.create_task(_resume_open_binomes(container))
    try:
        await worker.run()
    finally:
        resuming.cancel()
        container.close()


async def run_demo(settings: Settings, mentors: int, mentees: int, seed: int) -> int:
    """The demo's story written into this installation's store (it must be empty), through the real services."""
    from mentorat.demo import fill
    from mentorat.local_binomes import LocalBinomes
    # Commands do not wait for the views (the story catches them up when it reads them); their warnings muted.
    settings = settings.model_copy(update={"read_your_writes_seconds": 0.0})
    configure_logging(settings.log_format, "ERROR")
    container = _root().build_container(settings)
    try:
        if container.views.persons("mentor", 1).items or container.views.persons("mentee", 1).items:
            print("mentorat demo: cette installation n'est pas vide (des personnes y sont inscrites) ; "
                  "utilisez un autre MENTORAT_DATA_DIR.", file=sys.stderr)
            return 1
        local = LocalBinomes(container.store)
        services = _root().build_services(container, run_projector=False, workflows=local)
        filled = await fill(services, local, container.projector.catch_up, mentors, mentees, seed,
                            lambda line: print(line, flush=True))
        print("Vues de lecture…", flush=True)
        container.projector.catch_up()
    finally:
        container.close()
    print(f"\nDémo prête : {filled.organisations} partenaires, {filled.mentors} mentors, {filled.mentees} mentees, "
          f"{filled.binomes} binômes proposés.\nLancez ./scripts/serve puis ouvrez "
          f"http://{settings.api_host}:{settings.api_port}/app/ :")
    for username, password in filled.accounts:
        print(f"  {username} / {password}")
    return 0


def _unknown_view(container: Container, view: str | None) -> bool:
    if view is not None and view not in container.projector.names:
        print(f"vue inconnue : {view} (vues : {', '.join(container.projector.names)})", file=sys.stderr)
        return True
    return False


def rebuild_views(settings: Settings, view: str | None = None) -> int:
    container = _root().build_container(settings)

    def progress(done: int, total: int) -> None:
        print(f"\rvues reconstruites : {done}/{total} faits ({100 * done // max(total, 1)} %)", end="", flush=True)

    try:
        if _unknown_view(container, view):
            return 2
        count = container.projector.rebuild(view, progress)
        print(f"\nterminé : {count} faits rejoués")
        return 0
    finally:
        container.close()


def _exit_now(code: int) -> None:
    """Ends a short-lived process without the interpreter's teardown.

    The Temporal client's Rust threads outlive the event loop and can abort that teardown at random
    ("PyGILState_Release … finalizing", exit 134: temporalio/sdk-python#300); a check has nothing to clean up.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def record_held_places(settings: Settings) -> int:
    container = _root().build_container(settings)

    def progress(position: int) -> None:
        print(f"\rjournal lu jusqu'à {position}", end="", flush=True)

    try:
        from application import backfill
        count = backfill.record_held_places(container.store, progress)
    finally:
        container.close()
    print(f"\n{count} place(s) de binôme enregistrée(s)")
    return 0


def parked_facts(settings: Settings) -> int:
    container = _root().build_container(settings)
    try:
        parked = container.projector.parked()
    finally:
        container.close()
    if not parked:
        print("aucun fait mis de côté")
        return 0
    print("vue\tnotification\tflux\tposition\ttype\tmis de côté le\terreur")
    for fact in parked:
        print(f"{fact.projection}\t{fact.notification_id}\t{fact.stream_id}\t{fact.position}\t{fact.fact_type}\t"
              f"{fact.parked_at.isoformat()}\t{fact.error}")
    print(f"{len(parked)} fait(s) mis de côté")
    return 0


def retry_parked(settings: Settings, view: str | None = None) -> int:
    container = _root().build_container(settings)
    try:
        if _unknown_view(container, view):
            return 2
        outcome = container.projector.retry_parked(view)
    finally:
        container.close()
    print(f"{outcome.applied} fait(s) appliqué(s), {outcome.still_parked} encore mis de côté")
    return 0 if outcome.still_parked == 0 else 1


async def healthcheck(settings: Settings, what: str) -> int:
    try:
        if what == "api":
            host = "127.0.0.1" if settings.api_host in ("0.0.0.0", "::") else settings.api_host
            with urllib.request.urlopen(f"http://{host}:{settings.api_port}/health", timeout=5) as answer:
                return 0 if answer.status == 200 else 1
        # No address: `serve` runs its own dev server, on the configured port.
        address = settings.temporal_address or dev_server_address(settings.temporal_dev_port)
        # A plain client: the check sends no payload to encrypt, and needs none of the composition root.
        from temporalio.client import Client
        client = await Client.connect(address, namespace=settings.temporal_namespace)
        await client.service_client.check_health()
        return 0
    except Exception as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
