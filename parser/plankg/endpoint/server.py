"""``plankg serve``: a SPARQL 1.1 protocol endpoint that stays up while plans load.

Design (see also the README, "The endpoint"):

* **Snapshots.** A watcher thread calls :meth:`plankg.store.snapshot.Snapshots.refresh`
  every :data:`POLL_SECONDS`; after each commit of ``plankg load`` or ``plankg build``
  the store is checkpointed into a private directory (``<store>.serve-<pid>/``) and
  published. Queries read only snapshots, never the directory being written, so
  each query sees the store before a load or after it — never half a plan, never an
  error from files a writer removed — and new plans are visible within about a
  second of the commit.
* **Workers.** Queries are evaluated by ``workers`` child processes
  (:mod:`plankg.endpoint.worker`), each with the newest snapshot open. The HTTP
  thread waits for the answer until the query's deadline; past it the worker is
  killed (``SIGKILL``) and replaced, and the client gets HTTP 503 with E403. Other
  queries go on being answered by the other workers meanwhile.
* **Limits.** ``timeout`` seconds per query (waiting for a free worker included),
  ``max_rows`` rows per answer (a longer answer is cut and says so in the
  ``X-PlanKG-Cut`` and ``Warning`` headers), ``max_request_bytes`` per request
  (HTTP 413, E404). Updates are refused (the endpoint is read-only: a SPARQL update
  is not a query, HTTP 400).

Protocol: ``GET /query?query=…`` or ``POST /query`` with a form (``query=…``) or an
``application/sparql-query`` body. The answer's format follows ``Accept`` (SPARQL
results JSON by default; XML, CSV, TSV; N-Triples or Turtle for CONSTRUCT) or a
``format`` parameter (``json xml csv tsv``). Queries see the union of all graphs;
the plankg prefixes are predeclared.
"""
from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from plankg.errors import PlanKGError
from plankg.endpoint.worker import STATUS
from plankg.store.bounded import timeout_text
from plankg.store.snapshot import Snapshots

POLL_SECONDS = 0.5
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_REQUEST_BYTES = 1 << 20
DEFAULT_WORKERS = 2
_ACCEPT = (("application/sparql-results+json", "json"), ("application/json", "json"),
           ("application/sparql-results+xml", "xml"), ("application/xml", "xml"),
           ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
           ("text/turtle", "turtle"), ("application/n-triples", "ntriples"))


class Late(Exception):
    """The worker did not answer before the deadline."""


class WorkerProcess:
    """One :mod:`plankg.endpoint.worker` child and its pipes."""

    def __init__(self, snapshots: Path):
        env = dict(os.environ)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "plankg.endpoint.worker", str(snapshots)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.buf = b""

    def _read(self, n: int | None, deadline: float) -> bytes:
        """``n`` bytes, or a line when ``n`` is None, before ``deadline``."""
        fd = self.proc.stdout.fileno()
        while True:
            if n is None and b"\n" in self.buf:
                line, _, self.buf = self.buf.partition(b"\n")
                return line
            if n is not None and len(self.buf) >= n:
                out, self.buf = self.buf[:n], self.buf[n:]
                return out
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise Late
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise BrokenPipeError("the worker exited")
            self.buf += chunk

    def ask(self, request: dict, deadline: float) -> tuple[dict, bytes]:
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        head = json.loads(self._read(None, deadline))
        return head, self._read(head["length"], deadline)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()


class Endpoint:
    """The workers, the snapshots and the limits of one ``plankg serve``."""

    def __init__(self, store: Path, *, timeout: float, max_rows: int,
                 max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
                 workers: int = DEFAULT_WORKERS):
        self.store = Path(store)
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_request_bytes = max_request_bytes
        where = self.store.with_name(f"{self.store.name}.serve-{os.getpid()}")
        try:
            self.snapshots = Snapshots(store, where)
        except OSError as e:
            raise PlanKGError.make("E301", path=str(where), reason="cannot keep snapshots "
                                   f"next to the store: {e.strerror or e}") from None
        self.stop = threading.Event()
        if not self._first_snapshot():
            self.snapshots.close()
            raise PlanKGError.make("E301", path=str(store), reason="cannot take a snapshot: "
                                   + getattr(self.snapshots, "last_error", "no store"))
        self.idle: queue.Queue[WorkerProcess] = queue.Queue()
        self.all: list[WorkerProcess] = []
        for _ in range(workers):
            self._spawn()
        self.watcher = threading.Thread(target=self._watch, name="plankg-snapshots", daemon=True)
        self.watcher.start()

    def _first_snapshot(self) -> bool:
        for _ in range(50):  # a load may be writing right now: try for ~5 s
            if self.snapshots.refresh():
                return True
            time.sleep(0.1)
        return False

    def _watch(self) -> None:
        while not self.stop.wait(POLL_SECONDS):
            try:
                self.snapshots.refresh()
            except Exception:  # noqa: BLE001 - keep serving the last good snapshot
                pass

    def _spawn(self) -> None:
        w = WorkerProcess(self.snapshots.directory)
        self.all.append(w)
        self.idle.put(w)

    def _retire(self, w: WorkerProcess) -> None:
        w.kill()
        if w in self.all:
            self.all.remove(w)
        if not self.stop.is_set():
            self._spawn()

    def query(self, sparql: str, fmt: str) -> tuple[int, dict, bytes]:
        """``(HTTP status, headers, body)`` for one query within the limits."""
        deadline = time.monotonic() + (self.timeout if self.timeout > 0 else 10**7)
        try:
            w = self.idle.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            return self._error(PlanKGError.make(
                "E403", seconds=timeout_text(self.timeout),
                reason=f"all {len(self.all)} workers stayed busy"))
        try:
            head, body = w.ask({"query": sparql, "format": fmt, "max_rows": self.max_rows},
                               deadline)
        except Late:
            self._retire(w)
            # one line for whoever runs the endpoint: which query was stopped
            print(f"plankg serve: E403 stopped after {timeout_text(self.timeout)} s: "
                  + " ".join(sparql.split())[:200], file=sys.stderr, flush=True)
            return self._error(PlanKGError.make(
                "E403", seconds=timeout_text(self.timeout),
                reason="stopped; the endpoint goes on serving"))
        except (OSError, ValueError):
            self._retire(w)
            return self._error(PlanKGError.make("E405", reason="the worker died; try again"))
        self.idle.put(w)
        headers = {"Content-Type": head["type"]}
        if head.get("cut"):
            headers["X-PlanKG-Cut"] = f"rows={self.max_rows}"
            headers["Warning"] = (f'199 plankg "answer cut at {self.max_rows} rows '
                                  '(plankg serve --max-rows)"')
        return head["status"], headers, body

    @staticmethod
    def _error(e: PlanKGError) -> tuple[int, dict, bytes]:
        return (STATUS.get(e.code, 500), {"Content-Type": "text/plain; charset=utf-8"},
                (str(e) + "\n").encode("utf-8"))

    def close(self) -> None:
        self.stop.set()
        for w in list(self.all):
            w.kill()
        self.snapshots.close()


def _format(params: dict, accept: str) -> str:
    fmt = (params.get("format") or [""])[0].lower()
    if fmt in ("json", "xml", "csv", "tsv", "turtle", "ntriples"):
        return fmt
    accept = accept.lower()
    for mime, key in _ACCEPT:
        if mime in accept:
            return key
    return "json"


def make_handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "plankg"
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet: one line per error is enough
            pass

        def _send(self, status: int, headers: dict, body: bytes) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _fail(self, e: PlanKGError) -> None:
            self._send(*endpoint._error(e))

        def _answer(self, params: dict) -> None:
            q = params.get("query")
            if not q:
                return self._fail(PlanKGError.make("E401", reason="no query parameter"))
            self._send(*endpoint.query(q[0], _format(params, self.headers.get("Accept", ""))))

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/query":
                return self._send(404, {"Content-Type": "text/plain; charset=utf-8"},
                                  b"plankg serve: SPARQL queries at /query\n")
            if len(self.path) > endpoint.max_request_bytes:
                return self._fail(PlanKGError.make("E404", reason="URL too long"))
            self._answer(urllib.parse.parse_qs(url.query))

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if url.path != "/query":
                self.close_connection = True
                return self._send(404, {"Content-Type": "text/plain; charset=utf-8"},
                                  b"plankg serve is read-only: SPARQL queries at /query\n")
            if length < 0 or length > endpoint.max_request_bytes:
                self.close_connection = True
                return self._fail(PlanKGError.make(
                    "E404", reason=f"the limit is {endpoint.max_request_bytes} bytes"))
            body = self.rfile.read(length).decode("utf-8", "replace")
            params = urllib.parse.parse_qs(url.query)
            ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-query":
                params["query"] = [body]
            else:
                params.update(urllib.parse.parse_qs(body))
            self._answer(params)

    return Handler


def serve(store: Path, port: int, *, timeout: float, max_rows: int,
          max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES, workers: int = DEFAULT_WORKERS,
          on_ready=None) -> None:
    """Run the endpoint on 127.0.0.1:``port`` until interrupted (Ctrl-C or SIGTERM)."""
    endpoint = Endpoint(store, timeout=timeout, max_rows=max_rows,
                        max_request_bytes=max_request_bytes, workers=workers)
    try:
        httpd = ThreadingHTTPServer(("127.0.0.1", port), make_handler(endpoint))
    except OSError as e:
        endpoint.close()
        raise PlanKGError.make("E405", reason=f"cannot listen on 127.0.0.1:{port}: "
                               f"{e.strerror or e}") from None
    httpd.daemon_threads = True

    def stop(*_args) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        if on_ready:
            on_ready()
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        httpd.server_close()
        endpoint.close()


def remove_stale(store: Path) -> None:
    """Remove snapshot directories left by endpoints that were killed."""
    for d in store.parent.glob(f"{store.name}.serve-*"):
        try:
            pid = int(d.name.rsplit("-", 1)[1])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(d, ignore_errors=True)
        except PermissionError:
            pass
