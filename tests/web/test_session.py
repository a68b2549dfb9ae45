"""The pages' session cookie: signed for the pages only, for a working day, its principal read again often."""

from datetime import datetime, timedelta, timezone

from application.tokens import TokenService
from domain.principals import Principal, Role
from web.session import WebSessions

SECRET = "s" * 40
CLAIRE = Principal(Role.COORDINATOR, "acct-claire", frozenset({"bxl", "gent"}))


def sessions() -> WebSessions:
    return WebSessions(SECRET, hours=10, refresh_after=timedelta(minutes=15))


def test_a_session_reads_back_as_it_was_written():
    made = sessions().start(CLAIRE, "claire")
    read = sessions().decode(sessions().encode(made))
    assert read is not None
    assert (read.principal, read.username, read.csrf, read.programme_id) == (CLAIRE, "claire", made.csrf, None)
    only_one = sessions().start(Principal(Role.COORDINATOR, "piet", frozenset({"bxl"})), "piet")
    assert only_one.programme_id == "bxl"  # one programme: chosen already


def test_a_session_keeps_a_stamp_of_the_password_that_reveals_nothing_of_it():
    stamped = sessions().decode(sessions().encode(sessions().start(CLAIRE, "claire", "$argon2id$hash-one")))
    assert stamped.password_stamp == sessions().password_stamp("$argon2id$hash-one")
    assert stamped.password_stamp != sessions().password_stamp("$argon2id$hash-two")
    assert "hash-one" not in stamped.password_stamp


def test_a_forged_tampered_expired_or_api_token_is_no_session():
    cookie = sessions().encode(sessions().start(CLAIRE, "claire"))
    assert WebSessions("t" * 40, 10, timedelta(minutes=15)).decode(cookie) is None
    assert sessions().decode(cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")) is None
    yesterday = datetime.now(timezone.utc) - timedelta(hours=11)
    assert sessions().decode(sessions().encode(sessions().start(CLAIRE, "claire", now=yesterday))) is None
    bearer = TokenService(SECRET, 15).issue(CLAIRE)
    assert sessions().decode(bearer) is None
    assert sessions().decode("not a cookie") is None


def test_the_principal_is_read_again_after_the_tokens_lifetime_and_a_lost_programme_is_dropped():
    start = datetime.now(timezone.utc) - timedelta(minutes=20)
    made = sessions().start(CLAIRE, "claire", now=start)
    chosen = made.__class__(**{**vars(made), "programme_id": "gent"})
    assert sessions().stale(chosen) and not sessions().stale(chosen, now=start + timedelta(minutes=5))
    narrowed = Principal(Role.COORDINATOR, "acct-claire", frozenset({"bxl"}))
    refreshed = sessions().refreshed(chosen, narrowed)
    assert refreshed.principal == narrowed and refreshed.programme_id is None and not sessions().stale(refreshed)
    assert refreshed.csrf == made.csrf and refreshed.started_at == made.started_at
