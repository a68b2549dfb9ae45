"""A real worker in its own process, for tests that kill it. Optionally dies right after a store commit.

    python -m tests.support.worker_process --address 127.0.0.1:7233 --task-queue q [--crash-after-append N] [--cached]

Store settings come from MENTORAT_* variables, as for `mentorat worker`. With --crash-after-append N the
process exits abruptly just after its N-th append has committed, before Temporal hears of it: the
"crash between the store and Temporal". Without --cached every workflow task replays from history; with it the
worker keeps workflows cached as in production, so Temporal sends their tasks to its sticky queue first.
"""

import argparse
import asyncio
import os

from temporalio.client import Client

from eventstore import FactStore
from mentorat.bootstrap import build_store
from mentorat.logging import configure_logging
from mentorat.settings import Settings
from worker.worker import build_worker


class CrashingStore:
    def __init__(self, store: FactStore, crash_after: int):
        self._store = store
        self._crash_after = crash_after
        self._appends = 0

    def append(self, stream_id, facts):
        return self._counted(self._store.append(stream_id, facts), facts)

    def append_with(self, stream_id, facts, others):
        return self._counted(self._store.append_with(stream_id, facts, others), facts)

    def record(self, stream_id, facts, others=()):
        return self._counted(self._store.record(stream_id, facts, others), facts)

    def _counted(self, written, facts):
        self._appends += 1
        if self._appends == self._crash_after:
            print(f"crashing after append {self._appends}: {[f.type for f in facts]}", flush=True)
            os._exit(3)
        return written

    def __getattr__(self, name):
        return getattr(self._store, name)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--crash-after-append", type=int, default=0)
    parser.add_argument("--cached", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    configure_logging("json", "INFO")
    store = build_store(settings)
    if args.crash_after_append:
        store = CrashingStore(store, args.crash_after_append)
    client = await Client.connect(args.address)
    worker = build_worker(client, store, args.task_queue, **({} if args.cached else {"max_cached_workflows": 0}))
    print("worker ready", flush=True)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
