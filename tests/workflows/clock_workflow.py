"""A workflow that reads the wall clock: the sandbox must refuse it (its own module, for the sandbox to import)."""

from datetime import datetime

from temporalio import workflow


@workflow.defn(sandboxed=True)
class ReadsTheClock:
    @workflow.run
    async def run(self) -> str:
        return datetime.now().isoformat()
