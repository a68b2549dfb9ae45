"""The read views' tables, as SQLAlchemy metadata. Instants are fixed-width UTC text (see timestamps.py),
so they sort as text on both databases. The Alembic revisions in `migrations/` create exactly these.

Each list the API pages through (binômes, staff tasks, persons) has indexes that hold its whole order, the row's
id last, behind the filter they serve: a page seeks its first row there (projections/paging.py)."""

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, Table, Text, text

metadata = MetaData()

# One row per named projection: the last notification of the store's log it has applied.
view_tracking = Table(
    "view_tracking", metadata,
    Column("view", Text, primary_key=True),
    Column("position", BigInteger, nullable=False),
)

# Projection "binomes": one row per binôme, with the state the domain folds from its facts.
binomes = Table(
    "binomes", metadata,
    Column("binome_id", Text, primary_key=True),
    Column("stage", Text, nullable=False),
    Column("mentor_id", Text),
    Column("mentee_id", Text),
    Column("version", Integer, nullable=False),
    Column("overdue", Integer, nullable=False, server_default=text("0")),
    # The list's sort key, never read back: "" for a binôme with no proposal date (none so far), so it sorts last.
    Column("proposed_at", Text, nullable=False),
    Column("next_due_at", Text),
    Column("state", Text, nullable=False),
    Column("programme_id", Text, nullable=False, server_default="default"),
    Index("binomes_by_proposal", "proposed_at", "binome_id"),
    Index("binomes_by_stage", "stage", "proposed_at", "binome_id"),
    Index("binomes_by_mentor", "mentor_id"),
    Index("binomes_by_mentee", "mentee_id"),
    Index("binomes_by_programme", "programme_id", "proposed_at", "binome_id"),
)

# Projection "staff_tasks": the open tasks, and its own copy of each binôme's state (it has its own position).
staff_tasks = Table(
    "staff_tasks", metadata,
    Column("task_id", Text, primary_key=True),
    Column("binome_id", Text, nullable=False),
    Column("programme_id", Text, nullable=False, server_default="default"),
    Column("kind", Text, nullable=False),
    # The task's params (JSON): its text is rendered per reader from `task.<kind>`.
    Column("params", Text, nullable=False),
    Column("since", Text, nullable=False),
    Column("overdue_since", Text),
    Index("staff_tasks_by_binome", "binome_id"),
    Index("staff_tasks_by_since", "since", "task_id"),
    Index("staff_tasks_by_kind", "kind", "since", "task_id"),
    Index("staff_tasks_by_programme", "programme_id", "since", "task_id"),
)

staff_task_binomes = Table(
    "staff_task_binomes", metadata,
    Column("binome_id", Text, primary_key=True),
    Column("mentee_id", Text),
    Column("version", Integer, nullable=False),
    Column("state", Text, nullable=False),
    Index("staff_task_binomes_by_mentee", "mentee_id"),
)

# Projection "persons".
persons = Table(
    "persons", metadata,
    Column("person_id", Text, primary_key=True),
    Column("role", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("email", Text),
    Column("phone", Text),
    Column("languages", Text, nullable=False),
    Column("registered_at", Text, nullable=False),
    Column("programme_id", Text, nullable=False, server_default="default"),
    Column("capacity", Integer),
    Column("organisation_id", Text),
    # The journey before the binôme (domain.journeys): the step, since when, a mentor's pause.
    Column("step", Text, nullable=False, server_default=""),
    Column("step_since", Text, nullable=False, server_default=""),
    Column("background", Text),
    Column("adviser", Text),
    Column("paused_until", Text),
    # The matching profile (domain.profiles), JSON.
    Column("profile", Text, nullable=False, server_default="{}"),
    # The last fact of the person's stream this row shows (a command's answer waits for its own).
    Column("version", Integer, nullable=False, server_default="0"),
    Index("persons_by_role", "role", "name", "person_id"),
    Index("persons_by_step", "role", "step", "step_since", "person_id"),
    Index("persons_by_organisation", "organisation_id", "role", "name", "person_id"),
    Index("persons_by_programme", "programme_id", "role", "name", "person_id"),
)

# Projection "programmes": each programme with its settings as they stand.
programmes = Table(
    "programmes", metadata,
    Column("programme_id", Text, primary_key=True),
    Column("stream_id", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("settings", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
)

# Projection "accounts": who may log in, with which role and scope (never a password's hash).
accounts = Table(
    "accounts", metadata,
    Column("account_id", Text, primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("role", Text, nullable=False),
    Column("programmes", Text, nullable=False),
    Column("person_id", Text),
    Column("organisation_id", Text),
    Column("must_change_password", Integer, nullable=False),
    Column("disabled", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

# Projection "personal_data_reads": who read whose personal data, when (one row per person read).
personal_data_reads = Table(
    "personal_data_reads", metadata,
    Column("entry_id", Text, primary_key=True),  # <read id>/<person id>
    Column("person_id", Text, nullable=False),
    Column("reader", Text, nullable=False),
    Column("what", Text, nullable=False),
    Column("read_at", Text, nullable=False),
    Index("personal_data_reads_by_time", "read_at", "entry_id"),
    Index("personal_data_reads_by_person", "person_id", "read_at", "entry_id"),
    Index("personal_data_reads_by_reader", "reader", "read_at", "entry_id"),
)

# Projection "organisations": partner companies and ISPs, a company's agreements (JSON, in the order signed).
organisations = Table(
    "organisations", metadata,
    Column("organisation_id", Text, primary_key=True),
    Column("stream_id", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("agreements", Text, nullable=False),
    Column("registered_at", Text, nullable=False),
    Column("version", Integer, nullable=False),
    # An ISP's webhook (domain.partner_webhooks), its secret sealed; null when it has none.
    Column("webhook_url", Text),
    Column("webhook_secret_id", Text),
    Column("webhook_sealed_secret", Text),
    Index("organisations_by_name", "name", "organisation_id"),
    Index("organisations_by_kind", "kind", "name", "organisation_id"),
)

# Projection "sessions": each session as scheduled with how many hold a seat and wait; each registration, with
# its status (seat, waiting, cancelled), its order, and whether the person attended (None until recorded).
sessions = Table(
    "sessions", metadata,
    Column("session_id", Text, primary_key=True),
    Column("programme_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("starts_at", Text, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("place", Text, nullable=False),
    Column("video_link", Text, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("seats_taken", Integer, nullable=False),
    Column("waiting", Integer, nullable=False),
    # None until attendance is recorded; then how many attended.
    Column("attended", Integer),
    Column("scheduled_at", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Index("sessions_by_start", "starts_at", "session_id"),
    Index("sessions_by_programme", "programme_id", "starts_at", "session_id"),
)
session_registrations = Table(
    "session_registrations", metadata,
    Column("session_id", Text, primary_key=True),
    Column("person_id", Text, primary_key=True),
    Column("status", Text, nullable=False),
    # The position of the fact that registered them last on the session's stream: their order.
    Column("registered_position", Integer, nullable=False),
    Column("registered_at", Text, nullable=False),
    Column("attended", Integer),
    Index("session_registrations_by_person", "person_id", "session_id"),
)

# How far each ISP's webhook has delivered its feed (application.partner_webhooks). Not a view: no projection owns
# it and a rebuild keeps it (the feed's positions are the store's, the same after a rebuild).
partner_webhook_progress = Table(
    "partner_webhook_progress", metadata,
    Column("organisation_id", Text, primary_key=True),
    # The feed position of the last event the partner acknowledged (0: none yet).
    Column("delivered_position", BigInteger, nullable=False),
    Column("delivered", Integer, nullable=False),
    Column("last_delivered_at", Text),
    # Tries in a row that failed, since when, the last answer, and when to try again.
    Column("failures", Integer, nullable=False),
    Column("failing_since", Text),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("next_try_at", Text),
)

# Projection "mentor_hours": the time each mentor gave, one row per fact, with their company then; each binôme's
# mentor; each mentor's company as it stands.
mentor_hours = Table(
    "mentor_hours", metadata,
    Column("entry_id", Text, primary_key=True),  # <stream id>/<position>
    Column("mentor_id", Text, nullable=False),
    Column("organisation_id", Text),
    Column("activity", Text, nullable=False),
    Column("occurred_at", Text, nullable=False),
    Column("minutes", Integer, nullable=False),
    Index("mentor_hours_by_organisation", "organisation_id", "mentor_id"),
)

mentor_hours_mentors = Table(
    "mentor_hours_mentors", metadata,
    Column("person_id", Text, primary_key=True),
    Column("organisation_id", Text),
)

mentor_hours_binomes = Table(
    "mentor_hours_binomes", metadata,
    Column("binome_id", Text, primary_key=True),
    Column("mentor_id", Text, nullable=False),
    # A closure meeting records no duration: it counts the programme's meeting duration.
    Column("closure_minutes", Integer, nullable=False),
)

# Projection "partner_feed": each referred mentee's progress for its ISP, in log order (`position`); with each
# mentee's ISP and each binôme's mentee and validations.
partner_feed = Table(
    "partner_feed", metadata,
    Column("entry_id", Text, primary_key=True),  # <stream id>/<position>
    Column("position", BigInteger, nullable=False),
    Column("organisation_id", Text, nullable=False),
    Column("mentee_id", Text, nullable=False),
    Column("binome_id", Text),
    Column("kind", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("occurred_at", Text, nullable=False),
    Index("partner_feed_by_organisation", "organisation_id", "position"),
)

partner_feed_mentees = Table(
    "partner_feed_mentees", metadata,
    Column("person_id", Text, primary_key=True),
    Column("organisation_id", Text),
)

partner_feed_binomes = Table(
    "partner_feed_binomes", metadata,
    Column("binome_id", Text, primary_key=True),
    Column("mentee_id", Text, nullable=False),
    Column("validated_sides", Text, nullable=False),
)

# Facts a projection could not apply, and the later facts of the same stream waiting behind them.
parked_facts = Table(
    "parked_facts", metadata,
    Column("projection", Text, primary_key=True),
    Column("notification_id", BigInteger, primary_key=True),
    Column("stream_id", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("fact_type", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("parked_at", Text, nullable=False),
    Index("parked_facts_by_stream", "projection", "stream_id"),
)

# Projection "results": one row per binôme, what the programme's results count (web/pages/dashboard.py,
# projections/results_reads.py); moments as stored text, so a month is its first seven characters.
binome_results = Table(
    "binome_results", metadata,
    Column("binome_id", Text, primary_key=True),
    Column("programme_id", Text, nullable=False),
    Column("mentor_id", Text),
    Column("mentee_id", Text),
    Column("proposed_at", Text),
    Column("started_at", Text),
    # "positive", "early_stop" or "term", and when; a positive exit's outcome (job, training…); who stopped early.
    Column("exit_kind", Text),
    Column("exit_at", Text),
    Column("outcome", Text),
    Column("stopped_by", Text),
    Column("completed_at", Text),
    Column("meetings", Integer, nullable=False, server_default=text("0")),
    # Months of the period checked against the cadence, and those that met it.
    Column("months_checked", Integer, nullable=False, server_default=text("0")),
    Column("months_met", Integer, nullable=False, server_default=text("0")),
    # Monitoring contacts made on time (by when they happened), and those late: number -> the moment it went late.
    Column("contacts_on_time", Integer, nullable=False, server_default=text("0")),
    Column("contacts_late", Text, nullable=False, server_default="{}"),
    Index("binome_results_by_programme", "programme_id", "started_at"),
)
