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

PLAN_SUFFIXES = (".txt", ".html", ".htm")


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
    """Plan files of the corpus (``*.txt``, ``*.html``, ``*.htm``; not ``*.meta.toml``)."""
    d = directory or corpus_dir()
    return sorted(p for p in d.iterdir() if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES)


def parse_one(path: str | os.PathLike, *, semantic: bool = True):
    """Parse one file; every failure is a :class:`PlanKGError` naming the file."""
    p = Path(path)
    if not p.exists():
        raise PlanKGError.make("E100", path=str(path))
    if not p.is_file():
        raise PlanKGError.make("E101", path=str(path), reason="not a regular file")
    from plankg.pipeline import parse_file  # heavy: jieba/spaCy behind it

    try:
        return parse_file(p, semantic=semantic)
    except PlanKGError as e:
        if not e.path:
            e.path = str(path)
        raise
    except ImportError:  # a broken installation, not a bad file: show it as it is
        raise
    except Exception as e:  # a parser bug must still give one line naming the file
        if os.environ.get("PLANKG_DEBUG"):
            raise
        reason = " ".join(f"parser error {type(e).__name__}: {e}".split())
        raise PlanKGError.make("E101", path=str(path), reason=reason[:300]) from None


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
            from plankg.store.workers import pool

            with pool(min(jobs, len(args))) as workers:
                collect(workers.imap(_parse_worker, args), bar)
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


def _open_store(store: Path | None, *, read_only: bool = False):
    from plankg.store.embedded import Store

    try:
        return Store(store, read_only=read_only)
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
def main() -> None:
    """Chinese five-year plans (五年规划) as an RDF knowledge graph you query with SPARQL."""
    _utf8_streams()


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
@click.option("--web-annotation", is_flag=True,
              help="turtle/jsonld: also write every node's span as Web Annotation selectors "
                   "with the quoted text (queries/export/web_annotation.rq).")
@_errors_to_click
def parse(file: Path, fmt: str, output: Path | None, stage: str | None,
          no_semantic: bool, web_annotation: bool = False) -> None:
    """Parse one plan FILE and write its structured form."""
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
@_errors_to_click
def load(files: tuple[Path, ...], store: Path | None, jobs: int) -> None:
    """Parse each FILE and load it into the store, one named graph per plan.

    Loading a plan again replaces its graph. All files are parsed before the store is
    touched; if any fails, nothing is loaded.
    """
    plans, errors = parse_all(list(files), jobs=jobs)
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
@_errors_to_click
def query(query: str | None, store: Path | None, fmt: str, output: Path | None,
          list_: bool, no_cache: bool) -> None:
    """Run QUERY: a name from queries/ (indicators), a .rq file, or inline SPARQL.

    Queries see the union of every plan's graph and the ontology graph; the usual
    prefixes (pk: dcterms: skos: rdfs: xsd: prov: oa: org: qb:) are predeclared.
    A result is kept in the store's cache (plankg-cache/ inside it) until the store
    changes, so asking again is instant.
    """
    from plankg.store.queries import available, execute, resolve

    if list_ or query is None:
        names = available()
        if query is None and not list_:
            raise click.UsageError("missing QUERY; named queries: " + ", ".join(names))
        width = max((len(n) for n in names), default=0)
        _out("".join(f"{n.ljust(width)}  {s}\n" for n, s in names.items()))
        return
    _name, sparql = resolve(query)
    _out(execute(sparql, fmt, store, use_cache=not no_cache), output)


@main.command()
@store_option
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Parse in N processes (the store is written by this one) "
                   "[default: one per CPU core, at most 4].")
@click.option("--corpus", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Corpus directory [default: $PLANKG_CORPUS, else the repository's corpus/].")
@click.option("--full", is_flag=True,
              help="Parse every file again (default: only files whose content changed since "
                   "the last build, when plankg and its data files are the same).")
@_errors_to_click
def build(store: Path | None, jobs: int | None, corpus: Path | None, full: bool = False) -> None:
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
    with click.progressbar(length=len(files), label="parsing", file=sys.stderr,
                           show_pos=True) as bar:
        try:
            _graphs, errors = build_store(files, path, jobs=jobs, parse=_parse_for_build,
                                          on_done=lambda _p: bar.update(1),
                                          on_warning=warnings.append, full=full)
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
@click.option("--writable", is_flag=True,
              help="Accept SPARQL updates (takes the store's write lock).")
@click.option("--dry-run", is_flag=True, help="Print the server command line and exit.")
@_errors_to_click
def serve(store: Path | None, port: int, writable: bool, dry_run: bool) -> None:
    """A SPARQL endpoint over HTTP on 127.0.0.1 (the Oxigraph server).

    Read-only by default, so it does not block readers; queries see the union of all
    graphs. Stop loading while it runs: reading while another process writes is
    undefined in Oxigraph.
    """
    from plankg.store.embedded import default_store_path

    path = (store or default_store_path()).resolve()
    argv = serve_command(path, port, writable)
    if dry_run:
        _out(" ".join(argv) + "\n")
        return
    if oxigraph_executable() is None:
        raise click.ClickException("the Oxigraph server is not installed (pip install oxigraph)")
    if not writable and not (path / "CURRENT").is_file():
        raise PlanKGError.make("E301", path=str(path),
                               reason="no store here yet; run `plankg build` or `plankg load FILE` first")
    if writable:
        _open_store(path).close()  # fail with E300 now rather than inside the server
    elif (path / "CURRENT").is_file():
        _open_store(path, read_only=True).close()  # E303: never serve another store format
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


if __name__ == "__main__":  # pragma: no cover
    main()
