"""A real application server that a test may SIGKILL, and tablets that retry through it.

`Server` runs gunicorn (2 sync workers forked from a master that imported the application once,
`--preload`, so a restart costs one import) in a process group of its own, on a listening socket
that the TEST holds and hands down (`--bind fd://N`). Killing the server kills the whole group,
master and workers, mid-request; restarting it serves the same socket, so requests sent while
the server is down wait in the socket's backlog, like requests to a venue whose server reboots
behind a fixed address. Requests in flight at the kill see their connection reset.

`Tablet` is a tablet on flaky power: it sends each request until it gets an answer, resending
exactly the same body under exactly the same Idempotency-Key after any connection failure,
and counts what happened (`Figures`). Any 5xx answer fails the test at once.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.ops.scratch import ROOT, ScratchDatabase

API = "/api/v1/"


class Server:
    def __init__(self, database: ScratchDatabase, directory: Path) -> None:
        self.database = database
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(256)
        self.listener.set_inheritable(True)
        self.port = self.listener.getsockname()[1]
        # An empty config file: a gunicorn.conf.py in the working directory must not apply.
        self.config = directory / "gunicorn-empty.conf.py"
        self.config.write_text("")
        self.log_path = directory / "gunicorn.log"
        self.log = self.log_path.open("a")
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        fd = self.listener.fileno()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config",
             str(self.config), "--bind", f"fd://{fd}", "--workers", "2", "--timeout", "120",
             "--preload", "--log-level", "warning"],
            cwd=ROOT, env=self.database.env(), pass_fds=(fd,), start_new_session=True,
            stdout=self.log, stderr=self.log,
        )  # fmt: skip
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL the master and every worker at once (the process group)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def log_tail(self, characters: int = 6000) -> str:
        """The end of what the servers wrote (Django logs a 5xx with its traceback)."""
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-characters:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()
        self.listener.close()
        self.log.close()


@dataclass
class Figures:
    """What the tablets saw, for the test's assertions and its printed summary."""

    requests: int = 0  # answered requests (each counted once, however many sends it took)
    sends: int = 0
    failed_sends: int = 0  # connection refused, reset or cut mid-answer: resent
    replayed: int = 0  # answers marked Idempotent-Replayed: the first send had taken effect
    keys: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, count in counts.items():
                setattr(self, name, getattr(self, name) + count)


class Tablet:
    def __init__(self, port: int, device_token: str, figures: Figures) -> None:
        self.port = port
        self.headers = {"Authorization": f"Device {device_token}",
                        "Content-Type": "application/json"}  # fmt: skip
        self.figures = figures

    def sign_in(self, staff_id: int, pin: str) -> None:
        status, body = self.send("POST", "auth/pin", {"staff_id": staff_id, "pin": pin})
        assert status == 200, body
        self.headers["X-Staff-Token"] = body["staff_token"]

    def get(self, path: str) -> dict:
        status, body = self.send("GET", path)
        assert status == 200, (path, body)
        return body

    def post(self, path: str, body: dict, expect: int = 201) -> dict:
        """POST under a fresh Idempotency-Key, resent unchanged until answered."""
        key = str(uuid.uuid4())
        with self.figures.lock:
            self.figures.keys.append(key)
        status, answer = self.send("POST", path, body, key=key)
        assert status == expect, (path, status, answer)
        return answer

    def send(self, method: str, path: str, body: dict | None = None, key: str | None = None):
        payload = None if body is None else json.dumps(body)
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        sends = 0
        while True:
            sends += 1
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                connection.request(method, API + path, body=payload, headers=headers)
                response = connection.getresponse()
                status, data = response.status, response.read()
                replayed = response.getheader("Idempotent-Replayed") == "true"
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)  # the server is down or was killed mid-answer: send again
                continue
            finally:
                connection.close()
            self.figures.add(requests=1, sends=sends, failed_sends=sends - 1,
                             replayed=int(replayed))  # fmt: skip
            assert status < 500, (method, path, status, data[:2000])
            return status, json.loads(data) if data else None
