"""One binôme's six months as a durable workflow.

The workflow is the single writer of its binôme's facts: a command arrives as an update, is judged
by the domain (a refusal is a rejected update: nothing in history, nothing in the store), and its
facts are appended by a local activity, in the same workflow task, before the update answers. Time-driven
facts (expiry, cadence, monitoring, term, end of evaluation) come from the domain's schedule, dated at their
deadline. State is folded from the facts the append says the store holds (its own, or those an attempt before a
crash wrote), so the store and the workflow cannot disagree for longer than one workflow task.
"""

import asyncio
import math
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from domain.commands import CommandEnvelope
    from domain.decide import decide
    from domain.engagements import change_for
    from domain.errors import DomainError
    from domain.facts import Fact, same_facts
    from domain.programme import Programme
    from domain.schedule import catch_up, due_facts, next_deadline
    from domain.state import BinomeState, evolve
    from workflows.refusals import is_refusal, refusal
    from workflows.types import (
        APPEND_FACTS, COMMAND_UPDATE, STATE_QUERY, WORKFLOW_NAME, AppendFacts, BinomeInput, CommandOutcome,
        StoredFact,
    )


# Patch ids. The deadline's timer is kept across commands (histories recorded before re-armed it at each one).
KEPT_TIMER = "kept-deadline-timer"
# Facts are appended by a local activity, in the workflow task that decided them, and come back as stored
# (histories recorded before ran an ordinary activity: one more workflow task and five more events per append).
LOCAL_APPEND = "local-append"


def append_retry(first_retry_seconds: float) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=first_retry_seconds),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=1),
        non_retryable_error_types=["AppendConflict"],
    )


def _same_facts(stored: list[StoredFact], decided: list[Fact]) -> bool:
    return same_facts([recorded.fact for recorded in stored], decided)


@workflow.defn(name=WORKFLOW_NAME)
class BinomeWorkflow:
    @workflow.init
    def __init__(self, input: BinomeInput) -> None:
        if input.state is not None:
            self._state = BinomeState.from_dict(input.state)
        else:
            self._state = BinomeState(input.binome_id, Programme.from_dict(input.programme))
        self._options = input.options
        # Commands and timers append one at a time: each decides on the state the previous one left.
        self._lock = asyncio.Lock()
        # The timer of the next deadline, kept across commands that do not move it.
        self._timer: asyncio.Task | None = None
        self._timer_deadline: datetime | None = None
        # Commands whose facts the store gave back in place of the ones decided here: recorded by a run of this
        # workflow task before a crash. Their update is still waiting for its first answer: not a repeat.
        self._taken_from_store: dict[str, list[StoredFact]] = {}

    @workflow.run
    async def run(self, input: BinomeInput) -> dict:
        if self._state.stage is None and not await self._wait_for_proposal():
            return {"binome_id": input.binome_id, "stage": None}
        while not self._state.finished:
            async with self._lock:
                await self._catch_up(workflow.now())
            if self._state.finished:
                break
            if self._should_continue_as_new():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(BinomeInput(
                    binome_id=input.binome_id, programme=input.programme,
                    options=self._options, state=self._state.to_dict(),
                ))
            await self._wait_for_news_or_deadline()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return {"binome_id": input.binome_id, "stage": self._state.stage.value, "version": self._state.version}

    @workflow.update(name=COMMAND_UPDATE)
    async def command(self, envelope: CommandEnvelope) -> CommandOutcome:
        async with self._lock:
            now = workflow.now()
            await self._catch_up(now)
            while True:
                previous = self._state.commands.get(envelope.command_id)
                try:
                    # A known id with another body is refused here; who may send it, by the validator only: it
                    # runs for every new update (update-with-start too) and is skipped only on replay.
                    facts = decide(self._state, envelope, now, admitted=True)
                except DomainError as error:
                    raise refusal(error) from None
                if previous is not None:
                    first_answer = self._taken_from_store.pop(envelope.command_id, None)
                    if first_answer is not None:
                        return self._outcome(previous.positions, facts=first_answer)
                    return self._outcome(previous.positions, repeated=True)
                stored = await self._record(facts)
                if _same_facts(stored, facts):
                    return self._outcome([fact.position for fact in facts], facts=stored)
                # The store held other facts at those places (written before a crash, then folded): judged again
                # on them (this very command, taken from the store; or another, and this one decided anew).

    @command.validator
    def _validate_command(self, envelope: CommandEnvelope) -> None:
        # Judged on the state as time has already made it, so a late answer to an expired proposal is refused here.
        now = workflow.now()
        state, _ = catch_up(self._state, now)
        try:
            decide(state, envelope, now)
        except DomainError as error:
            raise refusal(error) from None

    @workflow.query(name=STATE_QUERY)
    def state(self) -> dict:
        return self._state.to_dict()

    async def _wait_for_proposal(self) -> bool:
        try:
            await workflow.wait_condition(
                lambda: self._state.stage is not None, timeout=self._options.proposal_wait_seconds)
        except asyncio.TimeoutError:
            return False
        return True

    async def _wait_for_news_or_deadline(self) -> None:
        if not workflow.patched(KEPT_TIMER):
            return await self._wait_with_a_new_timer()
        deadline = next_deadline(self._state)
        if self._timer is None or self._timer.done() or deadline != self._timer_deadline:
            # A timer only when the next deadline moved (or the last one rang): a command that leaves the
            # deadline where it was costs no timer events in the history.
            if self._timer is not None:
                self._timer.cancel()
            self._timer, self._timer_deadline = self._timer_until(deadline), deadline
        version = self._state.version
        await workflow.wait_condition(lambda: self._state.version != version or self._should_continue_as_new()
                                      or (self._timer is not None and self._timer.done()))

    def _timer_until(self, deadline: datetime | None) -> asyncio.Task | None:
        if deadline is None:
            return None
        # To the millisecond (whole seconds made a deadline up to a second late), never before it: a deadline
        # already reached was recorded before this wait.
        milliseconds = max(1, math.ceil((deadline - workflow.now()) / timedelta(milliseconds=1)))
        return asyncio.create_task(asyncio.sleep(milliseconds / 1000))

    async def _wait_with_a_new_timer(self) -> None:
        """How histories recorded before KEPT_TIMER waited: a timer started, then cancelled, at every command."""
        deadline = next_deadline(self._state)
        version = self._state.version
        timeout = None
        if deadline is not None:
            # Whole seconds, at least one: a timer for a deadline already reached would never be needed.
            timeout = max(1, math.ceil((deadline - workflow.now()).total_seconds()))
        try:
            await workflow.wait_condition(
                lambda: self._state.version != version or self._should_continue_as_new(), timeout=timeout)
        except asyncio.TimeoutError:
            pass

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        return (info.is_continue_as_new_suggested()
                or info.get_current_history_length() >= self._options.continue_as_new_after_events)

    async def _catch_up(self, now: datetime) -> None:
        """Records what time has made due, until nothing is (what the store gives back may leave more due)."""
        while facts := due_facts(self._state, now):
            await self._record(facts)

    async def _record(self, facts: list[Fact]) -> list[StoredFact]:
        """Appends `facts` and folds what the store holds from their first position on (the same facts, or those
        an attempt before a crash decided at another moment): the state always follows the store."""
        if not facts:
            return []
        # Taking or freeing the mentor's and mentee's places is written with the facts, in one transaction.
        request = AppendFacts(self._state.binome_id, facts, change_for(self._state, facts))
        timeout = timedelta(seconds=self._options.append_timeout_seconds)
        retry = append_retry(self._options.append_first_retry_seconds)
        try:
            if workflow.patched(LOCAL_APPEND):
                stored = await workflow.execute_local_activity(
                    APPEND_FACTS, request, result_type=list[StoredFact], start_to_close_timeout=timeout,
                    retry_policy=retry)
            else:
                await workflow.execute_activity(APPEND_FACTS, request, start_to_close_timeout=timeout,
                                                retry_policy=retry)
                stored = None  # that activity's answer was not what the store holds
        except ActivityError as failed:
            # A rule across binômes said no (the mentee was proposed elsewhere first): the command is refused.
            if is_refusal(failed.cause):
                raise failed.cause from None
            raise
        if stored is None:
            stored_facts = facts
        else:
            stored_facts = [recorded.fact for recorded in stored]
            if not _same_facts(stored, facts):
                self._remember_taken_from_store(stored)
        for fact in stored_facts:
            evolve(self._state, fact)
        return stored or []

    def _remember_taken_from_store(self, stored: list[StoredFact]) -> None:
        for recorded in stored:
            if recorded.fact.command_id is not None:
                self._taken_from_store.setdefault(recorded.fact.command_id, []).append(recorded)

    def _outcome(self, positions: list[int], repeated: bool = False,
                 facts: list[StoredFact] | None = None) -> CommandOutcome:
        return CommandOutcome(
            binome_id=self._state.binome_id, version=self._state.version,
            stage=self._state.stage.value, positions=list(positions), repeated=repeated, facts=facts or [],
        )
