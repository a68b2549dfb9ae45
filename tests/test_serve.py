"""`mentorat serve` (the README's first command, after install): starts everything, keeps data across a restart,
and stops cleanly on Ctrl-C, leaving no Temporal dev server and no worker process behind; a worker process that
dies is started again, and one whose `serve` is killed outright stops."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.support.ports import free_port
from tests.support.postgres import HOST, PORT, USER, fresh_database

pytestmark = pytest.mark.slow
MENTORAT = Path(sys.executable).parent / "mentorat"


def call(url: str, body: dict | None = None, token: str | None = None, form: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    data = json.dumps(body).encode() if body is not None else None
    if form is not None:
        headers, data = {"Content-Type": "application/x-www-form-urlencoded"}, urllib.parse.urlencode(form).encode()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Service:
    # What the README tells the first administrator to do: log in with the printed one-time password, change it.
    ADMIN_PASSWORD = "the administrator's own phrase"

    def __init__(self, data_dir: Path, **settings: str):
        """`settings`: more MENTORAT_* variables, e.g. MENTORAT_EVENT_STORE="postgres"."""
        self.api_port, dev_port, ui_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.api_port}"
        self.env = {**os.environ, "MENTORAT_DATA_DIR": str(data_dir), "MENTORAT_API_PORT": str(self.api_port),
                    "MENTORAT_TEMPORAL_DEV_PORT": str(dev_port), "MENTORAT_TEMPORAL_UI_PORT": str(ui_port),
                    "MENTORAT_LOG_FORMAT": "json", **settings}
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None
        self._token: str | None = None

    @property
    def token(self) -> str:
        """An administrator's token: on a new installation, from the one-time password `serve` printed."""
        if self._token is None:
            status, answer = self.login("admin", self.ADMIN_PASSWORD)
            if status == 401:
                printed = re.findall(r"Mot de passe à usage unique : (\S+)", (self.data_dir.parent / "serve.log").read_text())
                assert len(printed) == 1, "serve printed no one-time password (or more than one)"
                status, answer = self.login("admin", printed[0])
                assert status == 200 and answer["must_change_password"], answer
                changed, _ = call(f"{self.url}/auth/password", {"current_password": printed[0],
                                                                "new_password": self.ADMIN_PASSWORD},
                                  token=answer["access_token"])
                assert changed == 204
                status, answer = self.login("admin", self.ADMIN_PASSWORD)
            assert status == 200, answer
            self._token = answer["access_token"]
        return self._token

    def login(self, username: str, password: str) -> tuple[int, dict]:
        return call(f"{self.url}/auth/token", form={"username": username, "password": password})

    def call(self, path: str, body: dict | None = None) -> tuple[int, dict]:
        return call(f"{self.url}{path}", body, token=self.token)

    def start(self) -> None:
        self.log = open(self.data_dir.parent / "serve.log", "a")
        self.process = subprocess.Popen([str(MENTORAT), "serve"], env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "serve exited early"
            try:
                if call(f"{self.url}/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError("the service did not become healthy")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=40)

    def healthcheck(self, what: str) -> tuple[int, str]:
        done = subprocess.run([str(MENTORAT), "healthcheck", what], env=self.env, capture_output=True, text=True,
                              timeout=60)
        return done.returncode, done.stderr

    def workers(self) -> list[int]:
        """The `mentorat worker` processes running on this service's data directory."""
        found = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if b"mentorat.cli\0worker" not in cmdline.read_bytes():
                    continue
                environ = (cmdline.parent / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"MENTORAT_DATA_DIR={self.data_dir}".encode() in environ:
                found.append(int(cmdline.parent.name))
        return found

    def logged(self, event: str) -> int:
        """How many times `event` was logged (JSON lines, serve's and its workers')."""
        return (self.data_dir.parent / "serve.log").read_text().count(f'"event": "{event}"')

    def register_pair(self) -> tuple[str, str]:
        """A mentor and a mentee registered at the end of their journeys (so they may be proposed): their ids."""
        ids = []
        for role, name, step in (("mentors", "Anne", "ready"), ("mentees", "Bilal", "selected")):
            status, person = self.call(f"/{role}", {"name": name, "step": step})
            assert status == 201
            ids.append(person["person_id"])
        return ids[0], ids[1]

    def propose(self, mentor: str, mentee: str) -> dict:
        status, proposal = self.call("/binomes", {"mentor_id": mentor, "mentee_id": mentee})
        assert status == 201, proposal
        return proposal

    def dev_servers_left(self) -> list[str]:
        found = subprocess.run(["pgrep", "-af", "--", f"db-filename {self.data_dir}"], capture_output=True, text=True)
        return [line for line in found.stdout.splitlines() if "start-dev" in line]


def test_serve_keeps_its_data_across_a_restart_and_stops_cleanly(tmp_path):
    service = Service(tmp_path / "data")
    service.start()
    try:
        mentor, mentee = service.register_pair()
        proposal = service.propose(mentor, mentee)
        assert len(service.dev_servers_left()) == 1 and len(service.workers()) == 1
        assert service.interrupt() == 0
        assert service.dev_servers_left() == [] and service.workers() == []

        service.start()
        status, again = service.call(f"/mentors/{mentor}")
        assert status == 200 and again["name"] == "Anne"
        # The workflow survived too: it still takes commands.
        status, accepted = service.call(f"/binomes/{proposal['binome_id']}/proposal/accept", {})
        assert status == 201 and accepted["recorded"][0]["type"] == "ProposalAccepted"
        assert service.interrupt() == 0
        assert service.dev_servers_left() == [] and service.workers() == []
        assert (tmp_path / "data" / "events.sqlite").exists() and (tmp_path / "data" / "temporal.db").exists()
    finally:
        if service.process.poll() is None:
            service.process.kill()


def test_serve_on_postgres_from_a_fresh_data_dir_is_healthy_and_stops_cleanly(tmp_path):
    """Nothing prepared: the data directory (for Temporal's own database) does not exist yet. The worker in
    serve's own process (MENTORAT_WORKER_PROCESSES=0)."""
    with fresh_database() as database:
        service = Service(tmp_path / "data", MENTORAT_EVENT_STORE="postgres", MENTORAT_POSTGRES_HOST=HOST,
                          MENTORAT_POSTGRES_PORT=str(PORT), MENTORAT_POSTGRES_USER=USER,
                          MENTORAT_POSTGRES_DB=database, MENTORAT_WORKER_PROCESSES="0")
        assert not service.data_dir.exists()
        service.start()
        try:
            service.propose(*service.register_pair())
            assert service.workers() == []
            # The worker's check finds the embedded dev server with no MENTORAT_TEMPORAL_ADDRESS.
            assert service.healthcheck("worker") == (0, "")
            assert service.healthcheck("api") == (0, "")
            assert service.interrupt() == 0
            assert service.dev_servers_left() == []
            assert service.healthcheck("worker")[0] == 1 and service.healthcheck("api")[0] == 1
            assert (service.data_dir / "temporal.db").exists()
        finally:
            if service.process.poll() is None:
                service.process.kill()


def wait_for(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
    return found


def test_a_worker_process_that_dies_is_started_again_and_one_whose_serve_is_killed_stops(tmp_path):
    service = Service(tmp_path / "data")
    service.start()
    try:
        mentor, mentee = service.register_pair()
        [first] = wait_for(service.workers)
        wait_for(lambda: service.logged("worker_started") == 1, 60)
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: service.logged("worker_started") == 2, 60)  # the new one polls: a proposal is answered
        assert [pid for pid in service.workers() if pid != first]
        # The new worker runs the binôme's workflow: a proposal is recorded and answered.
        assert service.propose(mentor, mentee)["recorded"][0]["type"] == "MentorshipProposed"
        service.process.kill()  # no orderly stop: the worker must notice on its own
        service.process.wait(timeout=10)
        wait_for(lambda: service.workers() == [])
    finally:
        if service.process.poll() is None:
            service.process.kill()
        for pid in service.workers():
            os.kill(pid, signal.SIGKILL)
        subprocess.run(["pkill", "-f", "--", f"db-filename {service.data_dir}"], check=False)
