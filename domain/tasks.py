"""Staff tasks: what a binôme's state asks of the programme's staff now, since when, and whether it is overdue."""

from dataclasses import dataclass
from datetime import datetime

from domain.stages import Stage
from domain.state import BinomeState


@dataclass(frozen=True)
class StaffTask:
    task_id: str
    binome_id: str
    kind: str
    label: str
    since: datetime
    overdue_since: datetime | None = None

    @property
    def overdue(self) -> bool:
        return self.overdue_since is not None


def open_tasks(state: BinomeState) -> list[StaffTask]:
    tasks: list[StaffTask] = []
    b = state.binome_id

    def task(kind: str, key: object, label: str, since: datetime, overdue_since: datetime | None = None) -> None:
        tasks.append(StaffTask(f"{b}/{kind}/{key}", b, kind, label, since, overdue_since))

    if state.stage == Stage.PROPOSAL_EXPIRED:
        task("proposal_expired", 1, "Proposition expirée sans réponse du mentor : proposer un autre mentor.", state.ended_at)
    if state.stage == Stage.AWAITING_FIRST_MEETING and state.first_meeting_overdue_at is not None:
        task("first_meeting_overdue", 1, "Première rencontre non tenue dans le délai : relancer le binôme.",
             state.first_meeting_due_at, state.first_meeting_overdue_at)
    if state.exit_at is None:
        for shortfall in state.shortfalls:
            if not shortfall.followed_up:
                task("cadence_shortfall", shortfall.month,
                     f"Mois {shortfall.month} : {shortfall.held} rencontre(s) sur {shortfall.required} attendues — contacter le binôme.",
                     shortfall.month_end, shortfall.month_end)
        for contact in state.monitoring:
            if contact.recorded_at is None:
                label = f"Contact de suivi n° {contact.number} à réaliser"
                if contact.overdue_at is not None:
                    label += " — en retard, à traiter en priorité"
                task("monitoring_contact", contact.number, label + ".", contact.due_at, contact.overdue_at)
    if state.stage == Stage.CLOSURE_DUE and state.closure_meeting_at is None:
        task("closure_meeting", 1, "Organiser la réunion de clôture du binôme.", state.exit_at)
    return tasks
