"""Builds the Temporal worker that runs binôme workflows with their store activities."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from eventstore import FactStore
from worker.activities import StoreActivities
from worker.sandbox import workflow_runner
from workflows.binome import BinomeWorkflow


ACTIVITY_THREADS = 8
# A workflow's next task waits this long on the queue of the worker that has it cached before any worker may
# take it: after that worker died, this (not the SDK's default 10 s) is what the binôme waits.
STICKY_TIMEOUT = timedelta(seconds=3)


def build_worker(client: Client, store: FactStore, task_queue: str, **worker_options) -> Worker:
    activities = StoreActivities(store)
    worker_options.setdefault("sticky_queue_schedule_to_start_timeout", STICKY_TIMEOUT)
    worker_options.setdefault("workflow_runner", workflow_runner(client.data_converter))
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[BinomeWorkflow],
        activities=[activities.append_facts],
        # The store's drivers are synchronous: activities run in threads. No more taken than threads, so an
        # activity never spends its start-to-close time queued behind others.
        activity_executor=ThreadPoolExecutor(max_workers=ACTIVITY_THREADS),
        max_concurrent_activities=ACTIVITY_THREADS,
        **worker_options,
    )
