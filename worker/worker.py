"""Builds the Temporal worker that runs binôme workflows with their store activities."""

from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

from eventstore import FactStore
from worker.activities import StoreActivities
from workflows.binome import BinomeWorkflow


ACTIVITY_THREADS = 8


def build_worker(client: Client, store: FactStore, task_queue: str, **worker_options) -> Worker:
    activities = StoreActivities(store)
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
