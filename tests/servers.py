"""Real SPARQL servers for the remote tests: start one on a free port, stop it.

Not a test module (no ``test_`` prefix): ``tests/test_remote.py`` uses it. Each server
is the real program (``oxigraph serve`` from the ``oxigraph`` package; Virtuoso's
``virtuoso-t`` from Debian's ``virtuoso-opensource``), started in its own process
group so a test can kill it outright, as a crash would.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


@contextlib.contextmanager
def private_dir(prefix: str = "plankg-remote-"):
    """A temporary directory of our own, removed afterwards. Used for a server's data
    and the pushed store instead of pytest's ``tmp_path``: on a shared machine another
    pytest run prunes old ``pytest-of-USER/pytest-N`` directories, which would pull a
    live server's database away mid-test."""
    d = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def wait_until_listening(port: int, proc: subprocess.Popen, what: str,
                         limit: float = 60.0) -> None:
    """Wait for the server to accept connections (a start-up wait, not a timed test)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port}")


class _ServerProcess:
    """A server started in its own process group (see the module doc)."""

    proc: subprocess.Popen | None = None
    stop_wait = 30.0   # seconds a clean shutdown may take before SIGKILL

    def kill(self) -> None:
        """SIGKILL, as a crash or a pulled plug would stop it."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(self.stop_wait)
            except subprocess.TimeoutExpired:
                self.kill()


class OxigraphServer(_ServerProcess):
    """``oxigraph serve`` on a data directory, restartable on the same port and data."""

    def __init__(self, location: Path, *, union: bool):
        self.location = location
        self.union = union
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    def start(self) -> "OxigraphServer":
        argv = [oxigraph_binary(), "serve", "--location", str(self.location),
                "--bind", f"127.0.0.1:{self.port}"]
        if self.union:
            argv.append("--union-default-graph")
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        wait_until_listening(self.port, self.proc, "oxigraph serve")
        return self



VIRTUOSO_INI = Path("/usr/share/virtuoso-opensource-7/virtuoso.ini")


def virtuoso_binary() -> str | None:
    """Debian's ``virtuoso-t`` (package ``virtuoso-opensource``), with its sample ini."""
    exe = shutil.which("virtuoso-t")
    return exe if exe and VIRTUOSO_INI.is_file() else None


class VirtuosoServer(_ServerProcess):
    """``virtuoso-t`` on a fresh database in ``directory`` (user ``dba``, password
    ``dba``: a new database's defaults). Its Graph Store endpoint needs digest auth."""

    USER = PASSWORD = "dba"
    stop_wait = 60.0   # it checkpoints its database on the way down

    def __init__(self, directory: Path):
        import re

        self.directory = directory
        self.port = free_port()
        sql_port = free_port()
        while sql_port == self.port:  # a port handed out twice would stop the server
            sql_port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        ini = VIRTUOSO_INI.read_text(encoding="utf-8")
        ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{directory}/")
        ini = re.sub(r"(?m)^ServerPort(\s*)=\s*1111", rf"ServerPort\g<1>= {sql_port}", ini)
        ini = re.sub(r"(?m)^ServerPort(\s*)=\s*8890", rf"ServerPort\g<1>= {self.port}", ini)
        ini = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 1000000", ini)
        self.ini = directory / "virtuoso.ini"
        self.ini.write_text(ini, encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    @property
    def store_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql-graph-crud-auth"

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def start(self) -> "VirtuosoServer":
        self.proc = subprocess.Popen([virtuoso_binary(), "+foreground", "+configfile",
                                      str(self.ini)], cwd=self.directory,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        wait_until_listening(self.port, self.proc, "virtuoso-t", limit=120)
        return self

