"""The ``plankg`` command: a thin click layer over the library (see CONTRACT.md).

Every error the library raises (:mod:`plankg.errors`) becomes a one-line
``click.ClickException`` (exit 1); usage mistakes exit 2; user mistakes never show a
traceback (set ``PLANKG_DEBUG=1`` to see one for a parser crash). Output is written as
UTF-8 whatever the locale.

``--store DIR`` defaults to ``$PLANKG_STORE``, else ``./.plankg-store``.

Batch loading is all-or-nothing: ``plankg load A B C`` parses every file before
opening the store; if any file fails, each failure is reported as ``FILE: reason`` and
nothing is loaded, so the store keeps exactly what it had. When all parse, every graph
(plus the ontology graph) is replaced in its own transaction: a plan is visible whole or
not at all, even after a ``kill -9``. ``plankg build`` does the same for every plan file
in the corpus.

Keeping ``plankg query`` and ``plankg --help`` fast: only click and the small plankg
modules are imported at module level; pyoxigraph, the parser (jieba, spaCy) and
rdflib/pyshacl are imported inside the commands that need them. A ``plankg query``
whose answer is in the store's result cache never gets here: the console script's
entry point, :mod:`plankg.fastpath`, answers it before click is imported.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from plankg import __version__
from plankg.errors import PlanKGError
from plankg.paths import corpus_dir

PLAN_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx", ".doc", ".wps", ".ofd")


# --- helpers ---------------------------------------------------------------------------

def _fail(e: PlanKGError) -> click.ClickException:
    return click.ClickException(str(e))


def _out(text: str, output: Path | None = None) -> None:
    """Write text as UTF-8 to ``output`` or stdout."""
    data = text.encode("utf-8")
    if output is not None:
        try:
            output.write_bytes(data)
        except OSError as e:
            raise click.ClickException(f"{output}: cannot write: {e.strerror or e}") from None
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stdout (some IDEs): it decides the encoding
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    buffer.write(data)
    buffer.flush()


def _utf8_streams() -> None:
    for s in (sys.stdout, sys.stderr):
        try:
            if (getattr(s, "encoding", "") or "").lower().replace("-", "") != "utf8":
                s.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass




def corpus_files(directory: Path | None = None) -> list[Path]:
    """Plan files of the corpus (``*.txt``, ``*.html``, ``*.htm``, ``*.pdf``, ``*.docx``,
    ``*.doc``, ``*.wps``, ``*.ofd``; not ``*.meta.toml``)."""
    d = directory or corpus_dir()
    return sorted(p for p in d.iterdir() if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES)


def parse_one(path: str | os.PathLike, *, semantic: bool = True):
    """Parse one file; every failure is a :class:`PlanKGError` naming the file."""
    from plankg.pipeline import parse_path  # heavy: jieba/spaCy behind it

    return parse_path(path, semantic=semantic)


def _parse_worker(path: str) -> tuple[str, Any, str | None]:
    """Pool worker (top level, so workers can run it): never raises, returns text errors."""
    try:
        return path, parse_one(path), None
    except PlanKGError as e:
        return path, None, str(e)


def _parse_for_build(path: str):
    """``parse_one`` looked up at call time (tests replace it); top-level for workers."""
    return parse_one(path)


def parse_all(paths: list[Path], *, jobs: int = 1, progress: bool = False):
    """Parse every path; returns ``(plans, errors)`` with errors as one-line strings."""
    plans, errors = [], []

    def collect(results, bar=None):
        for _path, plan, err in results:
            if err:
                errors.append(err)
            else:
                plans.append(plan)
            if bar is not None:
                bar.update(1)

    def run(bar=None):
        args = [str(p) for p in paths]
        if jobs > 1 and len(args) > 1:
            from contextlib import closing

            from plankg.store.workers import imap

            with closing(imap(_parse_worker, args, min(jobs, len(args)))) as results:
                collect(results, bar)
        else:
            collect((_parse_worker(a) for a in args), bar)

    if progress:
        with click.progressbar(length=len(paths), label="parsing", file=sys.stderr,
                               show_pos=True) as bar:
            run(bar)
    else:
        run()
    return plans, errors


def _report_parse_errors(errors: list[str], total: int) -> None:
    """All-or-nothing: report every failed file, then stop with exit 1."""
    for e in errors[:-1]:
        click.echo(f"Error: {e}", err=True)
    last = errors[-1]
    if total > 1:
        last += f" [{len(errors)} of {total} files failed; nothing loaded, store unchanged]"
    raise click.ClickException(last)


def _warn_duplicate_ids(plans: list) -> None:
    """Two files with one plan id share a graph: the later replaces the earlier."""
    seen: dict[str, str] = {}
    for p in plans:
        if p.id in seen:
            click.echo(f"Warning: {p.path}: same plan id {p.id!r} as {seen[p.id]}; "
                       "its graph replaces that one", err=True)
        seen[p.id] = p.path


def _lock_wait() -> float:
    """Seconds a load or build waits for another writer: ``$PLANKG_LOCK_WAIT``, else 60."""
    try:
        return max(0.0, float(os.environ.get("PLANKG_LOCK_WAIT", "60")))
    except ValueError:
        return 60.0


def _open_store(store: Path | None, *, read_only: bool = False):
    from plankg.store.embedded import Store

    try:
        return Store(store, read_only=read_only, lock_wait=0 if read_only else _lock_wait())
    except PlanKGError as e:
        raise _fail(e) from None


def _print_summary(summary: dict[str, Any]) -> None:
    from plankg.store.queries import _table
    from plankg.store.embedded import Store

    keys = [k for k, _ in Store.SUMMARY_KINDS]
    rows = [[region or "(no region)"] + [str(c[k]) for k in keys]
            for region, c in summary["regions"].items()]
    head = f"plans: {summary['plans']}  triples: {summary['triples']}\n"
    _out(head + _table(["region"] + keys, rows))


store_option = click.option(
    "--store", type=click.Path(file_okay=False, path_type=Path), envvar="PLANKG_STORE",
    default=None, help="Store directory [default: $PLANKG_STORE, else ./.plankg-store].")


def _errors_to_click(f: Callable) -> Callable:
    import functools

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except PlanKGError as e:
            raise _fail(e) from None
    return wrapper


# --- commands --------------------------------------------------------------------------

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plankg")
@click.option("--max-bytes", metavar="SIZE", default=None,
              help="Refuse plan files larger than SIZE (bytes, or 20M, 1G) with E104 before "
                   "reading them [default: $PLANKG_MAX_BYTES, else 50M].")
def main(max_bytes: str | None) -> None:
    """Chinese five-year plans (五年规划) as an RDF knowledge graph you query with SPARQL."""
    _utf8_streams()
    if max_bytes is not None:  # the environment reaches the parse workers too
        os.environ["PLANKG_MAX_BYTES"] = max_bytes
        from plankg.read.text import max_bytes_limit

        try:
            max_bytes_limit()
        except PlanKGError as e:
            raise click.BadParameter(e.reason, param_hint="--max-bytes") from None


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "turtle", "jsonld"]),
              default="json", show_default=True, help="Output form of the parsed plan.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of stdout.")
@click.option("--stage", type=click.Choice(["read", "normalize", "blocks", "tree"]),
              help="Dump an intermediate stage as JSON instead of the finished plan.")
@click.option("--no-semantic", is_flag=True,
              help="Skip the semantic layer (domains, quantities, departments, links).")
@click.option("--warnings", "show_warnings", is_flag=True,
              help="List every fallback instead of the plan: each table, box, list or line "
                   "that did not parse cleanly, with its line number.")
@click.option("--web-annotation", is_flag=True,
              help="turtle/jsonld: also write every node's span as Web Annotation selectors "
                   "with the quoted text (queries/export/web_annotation.rq).")
@_errors_to_click
def parse(file: Path, fmt: str, output: Path | None, stage: str | None,
          no_semantic: bool, show_warnings: bool = False, web_annotation: bool = False) -> None:
    """Parse one plan FILE and write its structured form."""
    if show_warnings:
        plan = parse_one(file, semantic=not no_semantic)
        lines = [f"{file}:{w.line if w.line is not None else '-'}: {w.code} {w.message}"
                 for w in plan.warnings]
        lines.append(f"{len(plan.warnings)} warning(s)")
        _out("\n".join(lines) + "\n", output)
        return
    if stage:
        if not file.is_file():
            parse_one(file)  # raises the same one-line error as a full parse
        from plankg.pipeline import dump_stage

        try:
            data = dump_stage(file, stage)
        except PlanKGError as e:
            if not e.path:
                e.path = str(file)
            raise
        import json

        _out(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
        return
    plan = parse_one(file, semantic=not no_semantic)
    if fmt == "json":
        import json

        _out(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2) + "\n", output)
    else:
        from plankg.graph.rdf import serialize_plan

        extra: list = []
        if web_annotation:
            import pyoxigraph

            from plankg.graph.rdf import plan_quads
            from plankg.store.quotes import web_annotation_quads

            mem = pyoxigraph.Store()
            mem.extend(plan_quads(plan))
            extra = web_annotation_quads(mem)
        _out(serialize_plan(plan, fmt, extra=extra).decode("utf-8"), output)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Parse in N processes.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@_errors_to_click
def load(files: tuple[Path, ...], store: Path | None, jobs: int, quiet: bool) -> None:
    """Parse each FILE and load it into the store, one named graph per plan.

    Loading a plan again replaces its graph. All files are parsed before the store is
    touched; if any fails, nothing is loaded.
    """
    from plankg.workbench.progress import wanted

    plans, errors = parse_all(list(files), jobs=jobs, progress=len(files) > 1 and wanted(quiet))
    if errors:
        _report_parse_errors(errors, len(files))
    _warn_duplicate_ids(plans)
    with _open_store(store) as st:
        n = st.load_plans(plans, ontology=True)
        where = st.path
    for p in plans:
        click.echo(f"loaded {p.path} → graph {p.id}", err=True)
    click.echo(f"{len(plans)} plan(s), {n} quads written to {where}", err=True)


@main.command()
@click.argument("query", required=False)
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of stdout.")
@click.option("--list", "list_", is_flag=True, help="List the named queries and exit.")
@click.option("--no-cache", is_flag=True,
              help="Evaluate even when the store's result cache holds this query's result.")
@click.option("--endpoint", metavar="URL",
              help="Run on this remote SPARQL endpoint instead of the store "
                   "(Oxigraph server: http://HOST:PORT/query).")
@click.option("--timeout", type=click.FloatRange(0), default=None, envvar="PLANKG_QUERY_TIMEOUT",
              help="Stop a query running longer than SECONDS with error E403 (0: no limit); "
                   "with --endpoint, how long to wait for the server's answer "
                   "[default: $PLANKG_QUERY_TIMEOUT, else 120].")
@click.option("--user", metavar="U", help="With --endpoint: user name for the server.")
@click.option("--password-env", metavar="VAR",
              help="With --endpoint: environment variable holding the password "
                   "[default: PLANKG_PASSWORD].")
@_errors_to_click
def query(query: str | None, store: Path | None, fmt: str, output: Path | None,
          list_: bool, no_cache: bool, endpoint: str | None = None,
          timeout: float | None = None, user: str | None = None,
          password_env: str | None = None) -> None:
    """Run QUERY: a name from queries/ (indicators), a .rq file, or inline SPARQL.

    Queries see the union of every plan's graph and the ontology graph; the usual
    prefixes (pk: dcterms: skos: rdfs: xsd: prov: oa: org: qb:) are predeclared.
    A result is kept in the store's cache (plankg-cache/ inside it) until the store
    changes, so asking again is instant. A query past --timeout is stopped (E403) and
    the store is unchanged.
    """
    from plankg.store.queries import available, execute, resolve

    if list_ or query is None:
        names = available()
        if query is None and not list_:
            raise click.UsageError("missing QUERY; named queries: " + ", ".join(names))
        width = max((len(n) for n in names), default=0)
        _out("".join(f"{n.ljust(width)}  {s}\n" for n, s in names.items()))
        return
    from plankg.store.bounded import DEFAULT_TIMEOUT

    _name, sparql = resolve(query)
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if endpoint:
        from plankg.remote.endpoint import execute_remote
        from plankg.remote.http import Auth

        auth = Auth.from_options(user, password_env)
        _out(execute_remote(sparql, endpoint, fmt, auth=auth, timeout=timeout or None), output)
        return
    _out(execute(sparql, fmt, store, use_cache=not no_cache, timeout=timeout), output)


@main.command()
@store_option
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Parse in N processes (the store is written by this one) "
                   "[default: one per CPU core, at most 4].")
@click.option("--corpus", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Corpus directory [default: $PLANKG_CORPUS, else the repository's corpus/].")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--full", is_flag=True,
              help="Parse every file again (default: only files whose content changed since "
                   "the last build, when plankg and its data files are the same).")
@_errors_to_click
def build(store: Path | None, jobs: int | None, corpus: Path | None, quiet: bool = False,
          full: bool = False) -> None:
    """Load every plan in corpus/ and print a summary.

    All-or-nothing like `load`: a file that fails to parse is reported and the
    store is left as it was. The plans are streamed into a staging store that
    replaces the old one at the end; plans loaded by hand are kept. A second build
    re-parses only the files whose content changed (one transaction); --full
    parses everything.
    """
    d = corpus or corpus_dir()
    if not d.is_dir():
        raise click.ClickException(f"{d}: no corpus directory (set PLANKG_CORPUS)")
    files = corpus_files(d)
    if not files:
        raise click.ClickException(f"{d}: no plan files (*.txt, *.html) in the corpus")
    from plankg.store.build import build_store, default_jobs
    from plankg.store.embedded import default_store_path

    path = store or default_store_path()
    jobs = jobs or default_jobs(len(files))
    warnings: list[str] = []
    import io

    with click.progressbar(length=len(files), label="parsing",
                           file=io.StringIO() if quiet else sys.stderr, show_pos=True) as bar:
        try:
            _graphs, errors = build_store(files, path, jobs=jobs, parse=_parse_for_build,
                                          on_done=lambda _p: bar.update(1),
                                          on_warning=warnings.append,
                                          lock_wait=_lock_wait(), full=full)
        except PlanKGError as e:
            raise _fail(e) from None
    for w in warnings:
        click.echo(f"Warning: {w}", err=True)
    if errors:
        _report_parse_errors(errors, len(files))
    _show_summary(path)


@main.command()
@store_option
@_errors_to_click
def stats(store: Path | None) -> None:
    """Plans, triples and structural counts per region in the store."""
    _show_summary(store)


def _show_summary(store: Path | None) -> None:
    with _open_store(store, read_only=True) as st:
        summary = st.summary()
    _print_summary(summary)


@main.command()
@store_option
@_errors_to_click
def validate(store: Path | None) -> None:
    """Check the store against the SHACL shapes in ontology/shapes.ttl (exit 1 if not)."""
    from plankg.store.embedded import default_store_path
    from plankg.graph.validate import validate_store  # rdflib + pyshacl

    path = store or default_store_path()
    if not (path / "CURRENT").is_file():
        raise PlanKGError.make("E301", path=str(path),
                               reason="no store here yet; run `plankg build` or `plankg load FILE` first")
    from plankg.store.embedded import Store

    Store(path, read_only=True).close()  # E303 for a store in another format
    conforms, report = validate_store(path)
    _out(report if report.endswith("\n") else report + "\n")
    if not conforms:
        raise PlanKGError.make("E500", path=str(path),
                               reason="the graph does not conform to the shapes (report above)")


@main.command()
@store_option
@click.option("--endpoint", required=True, metavar="URL",
              help="SPARQL 1.1 Graph Store Protocol endpoint "
                   "(Oxigraph server: http://HOST:PORT/store).")
@click.option("--plan", "plans", multiple=True, metavar="ID",
              help="Push only this plan (repeatable); the ontology graph always goes.")
@click.option("--prune", is_flag=True,
              help="Delete the server's plan graphs that are not in the local store.")
@click.option("--user", metavar="U", help="User name for the server.")
@click.option("--password-env", metavar="VAR",
              help="Environment variable holding the password [default: PLANKG_PASSWORD].")
@click.option("--query-endpoint", metavar="URL",
              help="The server's SPARQL query endpoint, for --prune "
                   "[default: found from --endpoint for Oxigraph, Fuseki, Virtuoso].")
@click.option("--retries", type=click.IntRange(0), default=5, show_default=True,
              help="Retries per graph on connection errors and 5xx answers.")
@_errors_to_click
def push(store: Path | None, endpoint: str, plans: tuple[str, ...], prune: bool,
         user: str | None, password_env: str | None, query_endpoint: str | None,
         retries: int) -> None:
    """Send each plan's named graph (and the ontology graph) to a SPARQL server.

    One PUT per graph, so pushing again leaves the server as after one push, and a
    push that stopped half way is finished by running it again. A plan removed
    locally stays on the server unless --prune is given.
    """
    from plankg.remote.gsp import push as push_graphs, short
    from plankg.remote.http import Auth

    auth = Auth.from_options(user, password_env)
    report = push_graphs(store, endpoint, plan_ids=plans, prune=prune, auth=auth,
                         retries=retries, query_endpoint=query_endpoint,
                         on_retry=lambda n, why: click.echo(
                             f"retrying ({n + 1}): {why}", err=True))
    for g in report.pruned:
        click.echo(f"pruned {short(g)}", err=True)
    click.echo(f"{len(report.sent)} graph(s), {report.triples} triples pushed to "
               f"{endpoint}" + (f"; {len(report.pruned)} pruned" if prune else ""), err=True)


@main.command("diff")
@click.argument("old")
@click.argument("new")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of stdout.")
@_errors_to_click
def diff_command(old: str, new: str, store: Path | None, fmt: str,
                 output: Path | None) -> None:
    """What changed from plan OLD to plan NEW, by meaning, not by line.

    OLD and NEW are plan files or plan ids in the store. Chapters, sections, key
    tasks, 专栏, projects, indicators and service items are aligned by content: rows
    say what was added, removed, renamed or changed (one row a field; csv columns
    kind,change,old,new,field,oldValue,newValue). A reformatted copy of a plan (other
    line wraps, punctuation, HTML instead of text) gives no row.
    """
    from plankg.diff.align import diff, format_rows
    from plankg.diff.facts import load

    a, b = load(old, store), load(new, store)
    _out(format_rows(diff(a, b), fmt, old=old, new=new), output)


def oxigraph_executable() -> str | None:
    """The ``oxigraph`` server binary of the ``oxigraph`` package (next to this Python)."""
    exe = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    beside = Path(sys.executable).parent / exe
    if beside.is_file():
        return str(beside)
    import shutil  # only `serve` needs it; the query path stays light

    return shutil.which("oxigraph")


def serve_command(store: Path, port: int, writable: bool) -> list[str]:
    """The Oxigraph server command line for ``plankg serve``.

    >>> serve_command(Path("/s"), 7878, False)[1:]
    ['serve-read-only', '--location', '/s', '--bind', '127.0.0.1:7878', '--union-default-graph']
    """
    return [oxigraph_executable() or "oxigraph", "serve" if writable else "serve-read-only",
            "--location", str(store), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]


@main.command()
@store_option
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--timeout", type=click.FloatRange(0), default=None, envvar="PLANKG_QUERY_TIMEOUT",
              help="Stop a query running longer than SECONDS: HTTP 503 with E403; the "
                   "endpoint goes on serving (0: no limit) [default: 120].")
@click.option("--max-rows", type=click.IntRange(0), default=None,
              help="Cut longer answers at N rows, saying so in the X-PlanKG-Cut header "
                   "(0: no cut) [default: 100000].")
@click.option("--max-request-bytes", type=click.IntRange(1), default=None,
              help="Refuse larger requests with HTTP 413 [default: 1 MiB].")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Queries evaluated at once, each in its own process [default: 2].")
@click.option("--writable", is_flag=True,
              help="Run the Oxigraph server instead, accepting SPARQL updates (takes the "
                   "store's write lock, so `plankg load` must wait).")
@click.option("--dry-run", is_flag=True,
              help="With --writable: print the Oxigraph server command line and exit.")
@_errors_to_click
def serve(store: Path | None, port: int, timeout: float | None, max_rows: int | None,
          max_request_bytes: int | None, workers: int | None, writable: bool,
          dry_run: bool) -> None:
    """A SPARQL endpoint over HTTP on 127.0.0.1 (SPARQL 1.1 protocol at /query).

    Queries see the union of all graphs and the newest snapshot of the store:
    `plankg load` and `plankg build` may run meanwhile, and their plans appear on
    the endpoint within a few seconds of their commit. A query past --timeout gets
    HTTP 503 and the endpoint goes on serving.
    """
    from plankg.store.bounded import DEFAULT_TIMEOUT
    from plankg.store.embedded import default_store_path

    path = (store or default_store_path()).resolve()
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if writable or dry_run:
        _serve_oxigraph(path, port, timeout, dry_run)
        return
    if not (path / "CURRENT").is_file():
        raise PlanKGError.make("E301", path=str(path),
                               reason="no store here yet; run `plankg build` or `plankg load FILE` first")
    _open_store(path, read_only=True).close()  # E303: never serve another store format
    from plankg.endpoint import server

    server.remove_stale(path)
    limits = {"max_rows": server.DEFAULT_MAX_ROWS if max_rows is None else max_rows,
              "max_request_bytes": max_request_bytes or server.DEFAULT_MAX_REQUEST_BYTES,
              "workers": workers or server.DEFAULT_WORKERS}
    rows = limits["max_rows"] or "no"

    def ready() -> None:
        click.echo(f"SPARQL endpoint: http://127.0.0.1:{port}/query  (store {path}; "
                   f"timeout {timeout:g} s, {rows} row limit; loads may run; Ctrl-C stops)",
                   err=True)

    server.serve(path, port, timeout=timeout, on_ready=ready, **limits)


def _serve_oxigraph(path: Path, port: int, timeout: float, dry_run: bool) -> None:
    """``plankg serve --writable``: exec the Oxigraph server (with its own timeout)."""
    argv = serve_command(path, port, True)
    if timeout:
        argv += ["--timeout-s", f"{max(1, round(timeout))}"]
    if dry_run:
        _out(" ".join(argv) + "\n")
        return
    if oxigraph_executable() is None:
        raise click.ClickException("the Oxigraph server is not installed (pip install oxigraph)")
    _open_store(path).close()  # fail with E300 now rather than inside the server
    click.echo(f"SPARQL endpoint: http://127.0.0.1:{port}/query  (store {path}; Ctrl-C stops)",
               err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(argv[0], argv)  # the server replaces this process: signals reach it directly
    import subprocess

    try:
        rc = subprocess.call(argv)
    except KeyboardInterrupt:
        return
    if rc:
        raise click.ClickException(f"the Oxigraph server exited with status {rc}")


# --- workbench: compare, export, report (plankg.workbench) ---------------------------

@main.command()
@store_option
@click.option("--indicator", help="Only concepts whose name contains this text.")
@click.option("--domain", help="Only this service domain (幼有所育 …).")
@click.option("--region", "regions", multiple=True,
              help="A region name or plan id to show (repeat; default: all, in store order).")
@click.option("--items", is_flag=True, help="The service-item coverage matrix instead.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a chart (.png or .svg): the first matching indicator's "
                   "baseline and target per region, or with --items a coverage heat map.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of stdout.")
@click.option("--quiet", is_flag=True, help="No progress display.")
@_errors_to_click
def compare(store: Path | None, indicator: str | None, domain: str | None,
            regions: tuple[str, ...], items: bool, fmt: str, plot: Path | None,
            output: Path | None, quiet: bool) -> None:
    """Aligned indicators side by side across regions (long form in csv/json)."""
    from plankg.workbench.compare import compare_in_store

    text, warning = compare_in_store(store, indicator=indicator, domain=domain,
                                     regions=regions, items=items, fmt=fmt, plot=plot,
                                     quiet=quiet)
    if warning:
        click.echo(f"Warning: {warning}", err=True)
    _out(text, output)


@main.command()
@store_option
@click.option("--plan", "plans", multiple=True, help="Only this plan id (repeat).")
@click.option("--format", "fmt", required=True,
              type=click.Choice(["csv", "json", "jsonld", "trig", "nquads"]))
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Directory to write into.")
@click.option("--excel", is_flag=True, help="csv: start each file with the UTF-8 byte-order "
              "mark Excel needs to show Chinese.")
@click.option("--web-annotation", is_flag=True,
              help="jsonld, trig, nquads: add each node's span as Web Annotation selectors "
                   "with the quoted text (queries/export/web_annotation.rq).")
@click.option("--quiet", is_flag=True, help="No progress display.")
@_errors_to_click
def export(store: Path | None, plans: tuple[str, ...], fmt: str, out_dir: Path, excel: bool,
           quiet: bool, web_annotation: bool) -> None:
    """Write the store (or some plans) as files: one KIND.csv per kind, JSON, JSON-LD, TriG, N-Quads."""
    from plankg.workbench.export import export_store

    written = export_store(store, out_dir, fmt, plans=plans, excel=excel, quiet=quiet,
                           web_annotation=web_annotation)
    click.echo(f"{len(written)} file(s) written to {out_dir}", err=True)


@main.command()
@click.argument("plan", nargs=-1)
@store_option
@click.option("--compare", "compare_regions", multiple=True, metavar="REGION",
              help="A comparison page of these regions (or plan ids) instead; repeat, or "
                   "give them after the option: --compare 湖北省 江苏省.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file [default: PLAN.html, or compare.html].")
@_errors_to_click
def report(plan: tuple[str, ...], store: Path | None, compare_regions: tuple[str, ...],
           output: Path | None) -> None:
    """One self-contained HTML page for PLAN (a plan id), or a comparison of regions."""
    from plankg.workbench.report import report_to_file

    if compare_regions:
        compare_regions, plan = compare_regions + plan, ()
    elif len(plan) != 1:
        raise click.UsageError("give one PLAN id, or --compare REGION REGION …")
    where, warning = report_to_file(store, plan[0] if plan else None, compare_regions, output)
    if warning:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(f"report written to {where}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
