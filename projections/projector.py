"""Follows the event store's notification log into the named projections, exactly once each.

Each projection has its own tracked position: a batch of facts and the projection's new position are
written in one view transaction, so a crash keeps both or neither and the next run resumes from the
position. A fact a projection cannot apply is parked (see applier.py) and the projection moves on; a
projection whose database fails is retried later while the others go on. Between batches, a projection may
remember the states it wrote (memory.py), so the next batch need not read them back. A rebuild replays the
whole log in one transaction (replay.py).

When to look at the log: on PostgreSQL the store says when facts are committed, by any process (LISTEN/NOTIFY,
eventstore/commits.py), and the follower looks then, with a slow poll besides in case a notification was lost
(`notified_poll_seconds`). The SQLite store has no such signal: the follower polls (`poll_seconds`). Either way
a reader waiting for its write wakes it, and is woken in turn by each pass that moved a position.
"""

import dataclasses
import threading
from collections import OrderedDict
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import structlog
from sqlalchemy import Connection, delete

from eventstore import FactStore, RecordedFact
from eventstore.commits import CommitWatch
from projections import parking, schema, tracking
from projections.applier import apply_facts, is_outage, reapply_parked
from projections.accounts import AccountsProjection
from projections.data_reads import PersonalDataReadsProjection
from projections.binomes import BinomesProjection
from projections.collector import collector_paused
from projections.database import ViewDatabase
from projections.mentor_hours import MentorHoursProjection
from projections.organisations import OrganisationsProjection
from projections.partner_feed import PartnerFeedProjection
from projections.persons import PersonsProjection
from projections.programmes import ProgrammesProjection
from projections.projection import Projection
from projections.replay import replay
from projections.results import ResultsProjection
from projections.sessions import SessionsProjection
from projections.staff_tasks import StaffTasksProjection

log = structlog.get_logger("mentorat.projector")
# A projection whose database fails waits 1 s, then 2, 4, … up to 10 s between attempts.
# Streams whose latest applied position is remembered (the read-your-writes waits ask about recent facts).
REMEMBERED_STREAMS = 10_000
FIRST_PAUSE_SECONDS, LONGEST_PAUSE_SECONDS = 1.0, 10.0
# A rebuild reads the log in chunks of REBUILD_READ_SIZE (progress is shown after each) and writes its rows every
# REBUILD_FLUSH_FACTS facts, all in one transaction (replay.py). If a fact fails there, it replays in batches of
# REBUILD_BATCH_SIZE (one transaction each, as the follower's): each binôme a batch touches is written once per batch.
REBUILD_READ_SIZE = 5_000
REBUILD_FLUSH_FACTS = 100_000
REBUILD_BATCH_SIZE = 10_000


def default_projections() -> list[Projection]:
    # "binomes" last: a command's answer waits until the binôme row shows its facts, and by then the
    # other projections of the same pass (its tasks) show them too.
    return [ProgrammesProjection(), PersonsProjection(), AccountsProjection(), PersonalDataReadsProjection(),
            OrganisationsProjection(), MentorHoursProjection(), PartnerFeedProjection(), SessionsProjection(),
            ResultsProjection(), StaffTasksProjection(),
            BinomesProjection()]


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    parked: int


class RetryOutcome(NamedTuple):
    applied: int
    still_parked: int


class Projector:
    def __init__(self, store: FactStore, views: ViewDatabase, poll_seconds: float = 0.2, batch_size: int = 500,
                 projections: list[Projection] | None = None, rebuild_batch_size: int = REBUILD_BATCH_SIZE,
                 notified_poll_seconds: float = 5.0):
        self._store = store
        self._views = views
        self._poll_seconds = poll_seconds
        self._notified_poll_seconds = notified_poll_seconds
        self._batch_size = batch_size
        self._rebuild_batch_size = rebuild_batch_size
        self._projections = {p.name: p for p in (projections or default_projections())}
        self._paused_until: dict[str, float] = {}
        # Where each projection stood after this projector's last look: a pass with nothing new to apply
        # then costs one read of the log's end, not a write transaction per projection.
        self._reached: dict[str, int] = {}
        # (projection, stream id) -> the highest position of that stream it applied here, most recent last.
        self._applied: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._failures: dict[str, int] = {}
        # One pass (or rebuild, or retry) at a time in this process: the projections' memories (memory.py) are
        # used and forgotten under it. Between processes, the tracking rows' lock does the same.
        self._passing = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        # Passes that moved a position (this projector's, or another's it saw): what waiting readers wait for.
        self._progressed = threading.Condition()
        self._progress = 0
        self._commits: CommitWatch | None = None
        self._thread: threading.Thread | None = None

    @property
    def names(self) -> list[str]:
        return list(self._projections)

    def setup(self) -> None:
        """Migrates the view database to the latest schema and gives every projection a tracking row."""
        with self._views.write() as conn:
            schema.upgrade(conn)
            tracking.ensure(conn, self.names)

    # --- positions and status -------------------------------------------------------------------

    def position(self) -> int:
        """The position every projection has reached (the smallest)."""
        with self._views.read() as conn:
            known = tracking.positions(conn)
        return min((known.get(name, 0) for name in self._projections), default=0)

    def applied(self, projection: str, stream_id: str) -> int:
        """The highest position of `stream_id` that this projector has applied to `projection` lately; 0 if it
        does not know (another projector may have applied it, or long ago: then ask the view itself)."""
        return self._applied.get((projection, stream_id), 0)

    def status(self) -> list[ProjectionStatus]:
        with self._views.read() as conn:
            known = tracking.positions(conn)
            parked = parking.counts(conn)
        return [ProjectionStatus(name, known.get(name, 0), parked.get(name, 0)) for name in self._projections]

    def parked(self, name: str | None = None) -> list[parking.ParkedFact]:
        with self._views.read() as conn:
            return parking.listed(conn, self._known(name) if name else None)

    # --- following the log ----------------------------------------------------------------------

    def run_once(self, batch_size: int | None = None) -> int:
        """One batch for every projection; returns how many facts of the log the furthest-moving one passed.

        A projection whose database fails does not stop the others: they advance, then the first such
        error is raised.
        """
        count, errors = self._pass(list(self._projections.values()), batch_size or self._batch_size)
        if errors:
            raise errors[0][1]
        return count

    def catch_up(self, on_progress: Callable[[int, int], None] | None = None, batch_size: int | None = None) -> int:
        """Applies everything recorded so far; `on_progress(done, total)` after each batch."""
        total = max(self._store.last_log_position() - self.position(), 0)
        done = 0
        while (count := self.run_once(batch_size)) > 0:
            done += count
            if on_progress:
                on_progress(done, max(total, done))
        return done

    def rebuild(self, name: str | None = None, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Empties one projection (or all) and replays the whole log into it; returns the facts replayed.

        In one transaction first (replay.py: each row written about once; stopped midway, nothing has changed). If
        a fact fails there, the log is replayed in batches instead, parking what fails while the rest applies.
        """
        chosen = [self._known(name)] if name else self.names
        log.info("projection_rebuild_started", projections=chosen)
        with collector_paused():
            try:
                return self._replay(chosen, on_progress)
            except Exception as error:
                if is_outage(error):
                    raise
                log.warning("projection_rebuild_in_batches", projections=chosen, error=parking.describe(error))
            with self._passing, self._views.write() as conn:
                self._empty(conn, chosen)
            return self.catch_up(on_progress, self._rebuild_batch_size)

    def _replay(self, chosen: list[str], on_progress: Callable[[int, int], None] | None) -> int:
        with self._passing:
            try:
                with self._views.write() as conn:
                    self._empty(conn, chosen)
                    count, reached = replay(conn, self._store, [self._projections[name] for name in chosen],
                                            REBUILD_READ_SIZE, REBUILD_FLUSH_FACTS, on_progress)
                    tracking.move(conn, dict.fromkeys(chosen, reached))
            except BaseException:  # Ctrl-C too
                for projection_name in chosen:  # rolled back: what they remember is ahead of their rows
                    self._projections[projection_name].forget()
                raise
        self._notify_progress()
        return count

    def _empty(self, conn: Connection, chosen: list[str]) -> None:
        tracking.lock(conn, chosen)
        for projection_name in chosen:
            for table in self._projections[projection_name].tables:
                conn.execute(delete(table))
            parking.remove_all(conn, projection_name)
            self._reached.pop(projection_name, None)
            self._projections[projection_name].forget()
        tracking.move(conn, dict.fromkeys(chosen, 0))
        self._applied = OrderedDict((key, at) for key, at in self._applied.items() if key[0] not in chosen)

    def retry_parked(self, name: str | None = None) -> RetryOutcome:
        """Re-applies parked facts in log order, stream by stream; removes those that now apply."""
        applied = still = 0
        for projection in ([self._projections[self._known(name)]] if name else self._projections.values()):
            with self._passing:
                try:
                    with self._views.write() as conn:
                        tracking.lock(conn, [projection.name])  # the follower waits: no fact applied twice
                        done, left = reapply_parked(conn, projection, self._read_parked)
                finally:
                    projection.forget()  # rows changed without the position moving
            applied, still = applied + done, still + left
        if applied:
            log.info("parked_facts_applied", applied=applied, still_parked=still)
            self._notify_progress()
        return RetryOutcome(applied, still)

    # --- the follower thread --------------------------------------------------------------------

    def start(self) -> None:
        self.setup()
        try:
            self.retry_parked()
        except Exception:  # the follower still starts; the facts stay parked
            log.exception("parked_facts_retry_failed")
        self._stop.clear()
        self._commits = self._store.watch_commits(self.wake)
        self._thread = threading.Thread(target=self._loop, name="projector", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._commits is not None:
            self._commits.stop()
            self._commits = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def wake(self) -> None:
        """Makes the follower look at the log now (facts were committed, or a reader waits for its own)."""
        self._wake.set()

    def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Best effort: blocks until `condition()` holds or `timeout` passes. Checked now, then each time a pass
        moved a position (the follower is woken to make one): no check at fixed intervals. Without a follower in
        this process (another process projects), nothing here makes passes: checked every `poll_seconds`.

        Never raises: if the views cannot be read, the wait is logged and gives up (False).
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._progressed:
                seen = self._progress  # a pass that ends after this line is not missed
            try:
                if condition():
                    return True
            except Exception as error:
                log.warning("read_your_writes_check_failed", error=parking.describe(error))
                return False
            self.wake()
            with self._progressed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                if self._progress == seen:
                    self._progressed.wait(remaining if self._thread is not None else min(remaining, self._poll_seconds))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                moved = self._follow_once()
            except Exception:  # nothing may kill the follower; it resumes from the tracked positions
                log.exception("projection_pass_failed")
                moved = 0
            if moved == 0:
                # Cleared after waking and before the next look at the log: a commit signalled since is seen then.
                self._wake.wait(self._notified_poll_seconds if self._commits is not None else self._poll_seconds)
                self._wake.clear()

    def _follow_once(self) -> int:
        now = time.monotonic()
        ready = [p for p in self._projections.values() if self._paused_until.get(p.name, 0) <= now]
        count, errors = self._pass(ready, self._batch_size)
        for name, error in errors:
            failures = self._failures[name] = self._failures.get(name, 0) + 1
            pause = min(FIRST_PAUSE_SECONDS * 2 ** (failures - 1), LONGEST_PAUSE_SECONDS)
            self._paused_until[name] = time.monotonic() + pause
            log.error("projection_failed", projection=name, failures=failures, retry_in_seconds=pause,
                      error=parking.describe(error))
        return count

    # --- one pass ---------------------------------------------------------------------------------

    def _pass(self, projections: list[Projection], batch_size: int) -> tuple[int, list[tuple[str, Exception]]]:
        with self._passing:
            return self._pass_alone(projections, batch_size)

    def _pass_alone(self, projections: list[Projection], batch_size: int) -> tuple[int, list[tuple[str, Exception]]]:
        """One batch for each of `projections` that is behind the log, in one view transaction.

        A projection that fails does not stop the others: its facts were applied in a savepoint (see
        applier.py), rolled back with the error, and its position stays. One transaction, one lock and one
        move for all: per projection, each would cost a round trip on every command.
        """
        end = self._log_end()
        behind = [p for p in projections if end is None or self._reached.get(p.name, -1) < end]
        if not behind:
            return 0, []
        reads: dict[int, list[RecordedFact]] = {}  # projections at the same position share one read of the log
        reached: dict[str, int] = {}
        applied: dict[str, list[RecordedFact]] = {}
        count, errors = 0, []
        try:
            with self._views.write() as conn:
                positions = tracking.lock(conn, [p.name for p in behind])
                for projection in behind:
                    if positions[projection.name] != self._reached.get(projection.name):
                        projection.forget()  # another projector or a rebuild moved it: its rows may have changed
                    try:
                        passed, reached[projection.name], applied[projection.name] = self._advance(
                            conn, projection, positions[projection.name], reads, batch_size)
                        count = max(count, passed)
                    except Exception as error:
                        projection.forget()
                        errors.append((projection.name, error))
                tracking.move(conn, {name: at for name, at in reached.items() if at != positions[name]})
        except Exception as error:  # the transaction itself failed: nothing of this pass was kept
            for projection in behind:
                projection.forget()
            failed = {name for name, _ in errors}
            return 0, errors + [(p.name, error) for p in behind if p.name not in failed]
        # Only once committed: a rolled-back batch is applied again.
        moved = any(at != self._reached.get(name) for name, at in reached.items())  # by this pass, or another's
        self._reached.update(reached)
        self._remember_applied(applied)
        for name in reached:
            self._paused_until.pop(name, None)
            self._failures.pop(name, None)
        if moved:
            self._notify_progress()
        return count, errors

    def _advance(self, conn: Connection, projection: Projection, position: int,
                 reads: dict[int, list[RecordedFact]], batch_size: int) -> tuple[int, int, list[RecordedFact]]:
        """Applies the batch of the log after `position` to `projection`: (facts passed, the position it reaches,
        facts applied). The caller moves the position, in the same transaction."""
        if position not in reads:
            reads[position] = self._store.read_log(position, batch_size)
        batch = reads[position]
        if not batch:
            return 0, position, []
        handles = {fact_type: projection.handles(fact_type) for fact_type in {r.fact.type for r in batch}}
        handled = [r for r in batch if handles[r.fact.type]]
        parked = apply_facts(conn, projection, handled)
        # With a fact parked, which ones were applied is the view's to say: none is remembered.
        return len(batch), batch[-1].notification_id, [] if parked else handled

    def _remember_applied(self, applied: dict[str, list[RecordedFact]]) -> None:
        for name, facts in applied.items():
            # In log order, so a stream's last fact is its highest position.
            latest = {recorded.stream_id: recorded.fact.position for recorded in facts}
            for stream_id, position in latest.items():
                key = (name, str(stream_id))
                self._applied[key] = max(self._applied.pop(key, 0), position)
        while len(self._applied) > REMEMBERED_STREAMS:
            self._applied.popitem(last=False)

    def _log_end(self) -> int | None:
        """The log's last position; None if the store cannot say (each projection then meets the error itself)."""
        try:
            return self._store.last_log_position()
        except Exception:
            return None

    def _notify_progress(self) -> None:
        with self._progressed:
            self._progress += 1
            self._progressed.notify_all()

    def _read_parked(self, parked: parking.ParkedFact) -> RecordedFact:
        found = self._store.read(uuid.UUID(parked.stream_id), after=parked.position - 1, upto=parked.position)
        if not found:
            raise LookupError(f"fact {parked.position} of stream {parked.stream_id} is not in the store")
        return dataclasses.replace(found[0], notification_id=parked.notification_id)

    def _known(self, name: str) -> str:
        if name not in self._projections:
            raise KeyError(f"unknown projection {name!r} (known: {', '.join(self._projections)})")
        return name
