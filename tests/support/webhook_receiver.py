"""A partner's system receiving webhooks over real HTTP on this machine: it checks each message's Standard
Webhooks signature, answers as told (a status per try, then 204), and keeps what it acknowledged."""

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    body: dict
    status: int


@dataclass
class WebhookReceiver:
    secret: str | None = None
    # The statuses of the next tries, in order; then 204.
    answers: deque[int] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    refused_signatures: int = 0

    def __post_init__(self):
        self.answers = deque(self.answers)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError:
                    receiver.refused_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                status = receiver.answers.popleft() if receiver.answers else 204
                receiver.received.append(Received(headers["webhook-id"], json.loads(body), status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/mentorat"

    @property
    def acknowledged(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.status < 300]

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
