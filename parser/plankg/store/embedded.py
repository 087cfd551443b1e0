"""The Oxigraph store: one named graph per plan plus one for the ontology.

Where the store lives: ``--store DIR`` on the command line, else the environment
variable ``PLANKG_STORE``, else ``.plankg-store`` in the current directory.

Load guarantee (all-or-nothing per plan). :meth:`Store.load_plans` first builds every
quad of every plan in memory (so a parse or graph-building failure touches nothing),
then writes each plan with ONE SPARQL update::

    DROP SILENT GRAPH <plan1> ; INSERT DATA { GRAPH <plan1> { … } } ; <format marker>

Oxigraph applies one update string in one transaction: either every operation is
committed or none is, and concurrent readers see the old graph or the new one, never
a mix or an empty graph; a ``kill -9`` between two plans leaves the first loaded and
the second as it was. (One update for all plans was ~25 % slower for 40 plans.) (``bulk_extend`` is not transactional, and
``remove_graph`` followed by ``extend`` would be two transactions, so a crash in
between would lose the plan; ``tests/test_store.py`` checks that a failing update
rolls back its ``DROP``.)

Locking. A read-write store takes RocksDB's lock on the directory; a second writer
gets :class:`~plankg.errors.StoreError` E300 "store is in use". Readers (``plankg
query``, ``plankg serve``) open the store read-only and never block; Oxigraph leaves
reading while another process writes undefined, so while a writer holds the lock they
read a checkpoint instead (:mod:`plankg.store.snapshot`). ``lock_wait`` lets a second
writer wait for the first (``plankg load`` and ``build`` do).

>>> s = Store.in_memory()
>>> s.triple_count()
0
>>> [r["n"].value for r in s.query("SELECT (1 + 1 AS ?n) {}")]
['2']
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph

from plankg.errors import PlanKGError, StoreError
from plankg.paths import DEFAULT_STORE_DIR, default_store_path, ontology_dir  # noqa: F401 - re-exported
from plankg.graph.vocab import ONTOLOGY_GRAPH, PK_NS, PREFIXES

ONTOLOGY_FILES = ("plankg.ttl", "domains.ttl")

#: The layout of the graphs this plankg writes and reads. 1: provenance as Web
#: Annotation selectors (no marker in the store); 2: the source text once per plan and
#: pk:start/pk:end per node, inferable quads dropped (issue #12). Stored as
#: ``<ontology> pk:storeFormat N`` in the ontology graph by every write; a store with
#: data and another (or no) marker is refused with E303, never queried (its answers
#: would be wrong or empty). 3: no pk:plan on the nodes (the named graph is the plan).
#: 4: pk:chapter/pk:section on key tasks and sections (the contract queries read them).
STORE_FORMAT = 4
_ONTOLOGY_NODE = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
_FORMAT_P = pyoxigraph.NamedNode(PK_NS + "storeFormat")


def format_quad() -> pyoxigraph.Quad:
    """The marker quad every write puts in the store."""
    return pyoxigraph.Quad(_ONTOLOGY_NODE, _FORMAT_P,
                           pyoxigraph.Literal(str(STORE_FORMAT), datatype=pyoxigraph.NamedNode(
                               "http://www.w3.org/2001/XMLSchema#integer")),
                           _ONTOLOGY_NODE)


def store_format(raw: pyoxigraph.Store) -> int | None:
    """The format marker of a store: its number, 0 for a store with data but no marker
    (written before format 2), None for an empty store."""
    m = next(iter(raw.quads_for_pattern(_ONTOLOGY_NODE, _FORMAT_P, None, _ONTOLOGY_NODE)), None)
    if m is not None:
        try:
            return int(m.object.value)
        except ValueError:
            return -1
    return 0 if next(iter(raw.quads_for_pattern(None, None, None)), None) is not None else None


def require_format(raw: pyoxigraph.Store, where: str) -> None:
    """Raise E303 unless ``raw`` is empty or in :data:`STORE_FORMAT`."""
    found = store_format(raw)
    if found is None or found == STORE_FORMAT:
        return
    written = "an older plankg (store format 1)" if found == 0 else f"store format {found}"
    raise PlanKGError.make(
        "E303", path=where,
        reason=f"written by {written}, this plankg reads format {STORE_FORMAT}; "
               "rebuild it with `plankg build` (or delete it and `plankg load` the plans again)")




def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def _triples_text(quads: Iterable[pyoxigraph.Quad]) -> str:
    # str() of pyoxigraph terms is their N-Triples form, which SPARQL accepts as is.
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


def _nquads_to_triples(nquads: bytes, graph: str) -> str:
    r"""N-Quads lines all in ``graph`` → the same statements as N-Triples lines (each line
    ends with `` <graph> .``, which is cut off).

    >>> _nquads_to_triples(b'<a> <b> "c" <g> .\n', "g")
    '<a> <b> "c" .'
    """
    cut = len(graph) + 5  # " <" graph "> ."
    return "\n".join(line[:-cut] + " ." for line in nquads.decode("utf-8").splitlines())


class Store:
    """A plankg store: a thin wrapper over :class:`pyoxigraph.Store`.

    Args:
        path: the store directory (default :func:`default_store_path`).
        read_only: open for reading only (does not take the write lock; the
            directory must already hold a store).
        lock_wait: seconds to wait for another writer to finish (default: fail at once).
    Raises:
        StoreError: E300 when another process holds the store, E301 when it cannot
            be opened (no store there for a read-only open, not a directory, ...),
            E303 when it was written in another store format (see
            :data:`STORE_FORMAT`; ``check_format=False`` is for ``plankg build``,
            which replaces such a store).
    """

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False,
                 lock_wait: float = 0, check_format: bool = True, _memory: bool = False):
        self.read_only = read_only
        if _memory:
            self.path: Path | None = None
            self._s = pyoxigraph.Store()
            return
        self.path = Path(path) if path else default_store_path()
        _recover_swap(self.path)
        self._s = self._open_waiting(self.path, read_only, lock_wait)
        if check_format:
            try:
                require_format(self._s, str(self.path))
            except PlanKGError:
                self._s = None  # release the directory lock
                raise

    @classmethod
    def _open_waiting(cls, path: Path, read_only: bool, lock_wait: float) -> pyoxigraph.Store:
        """:meth:`_open`, waiting up to ``lock_wait`` s while another writer holds the
        store (two ``plankg load`` started at once: the second waits for the first)."""
        import time

        deadline = time.monotonic() + lock_wait
        while True:
            try:
                return cls._open(path, read_only)
            except StoreError as e:
                if e.code != "E300" or time.monotonic() >= deadline:
                    if e.code == "E300" and lock_wait > 0:
                        e.reason += f" (waited {lock_wait:g} s)"
                        e.args = (str(e),)
                    raise
                time.sleep(0.1)

    @classmethod
    def in_memory(cls) -> "Store":
        """A fresh store in memory (tests, one-off conversions)."""
        return cls(_memory=True)

    @staticmethod
    def _open(path: Path, read_only: bool) -> pyoxigraph.Store:
        where = str(path)
        if path.exists() and not path.is_dir():
            raise PlanKGError.make("E301", path=where, reason="not a directory")
        if read_only:
            if not (path / "CURRENT").is_file():
                raise PlanKGError.make(
                    "E301", path=where,
                    reason="no store here yet; run `plankg build` or `plankg load FILE` first")
            for attempt in range(5):
                try:
                    return pyoxigraph.Store.read_only(where)
                except OSError as e:
                    raise PlanKGError.make("E301", path=where, reason=_one_line(e)) from None
                except RuntimeError as e:
                    # a writer that opened the store meanwhile may compact it and delete
                    # a table file the read-only open was about to read: open again
                    if attempt == 4 or "No such file" not in str(e):
                        raise PlanKGError.make("E301", path=where, reason=_one_line(e)) from None
                    import time

                    time.sleep(0.05 * (attempt + 1))
        try:
            return pyoxigraph.Store(where)
        except OSError as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise PlanKGError.make(
                    "E300", path=where,
                    reason="another plankg load/build or a writable server has it open; "
                           "wait for it or stop it") from None
            raise PlanKGError.make("E301", path=where, reason=_one_line(e)) from None

    # context manager: dropping the pyoxigraph store releases the directory lock
    def close(self) -> None:
        if getattr(self, "_s", None) is not None:
            if not self.read_only and self.path is not None:
                try:
                    self._s.flush()
                except OSError:
                    pass
            self._s = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def raw(self) -> pyoxigraph.Store:
        """The underlying :class:`pyoxigraph.Store`."""
        if self._s is None:
            raise PlanKGError.make("E301", path=str(self.path), reason="store is closed")
        return self._s

    # --- writing --------------------------------------------------------------------

    def _replace_graphs(self, graphs: list[tuple[str, str]], *, per_graph: bool = False) -> None:
        """Replace each named graph's content (N-Triples text), all in one transaction,
        or with ``per_graph`` one transaction per graph (each graph whole or not at all;
        ~25 % faster for many plans than one big update)."""
        if self.read_only:
            raise PlanKGError.make("E302", path=str(self.path), reason="store opened read-only")
        m = format_quad()  # the format marker, last (after a DROP of the ontology graph)
        marker = f"INSERT DATA {{ GRAPH {m.graph_name} {{ {m.subject} {m.predicate} {m.object} }} }}"
        batches = [[g] for g in graphs] if per_graph else [graphs]
        for done, batch in enumerate(batches):
            ops = []
            for g, triples in batch:
                ops.append(f"DROP SILENT GRAPH <{g}>")
                ops.append(f"INSERT DATA {{ GRAPH <{g}> {{\n{triples}\n}} }}")
            ops.append(marker)
            try:
                self.raw.update(" ;\n".join(ops))
            except (OSError, SyntaxError, ValueError) as e:
                where = str(self.path or "<memory>")
                if done:
                    raise PlanKGError.make(
                        "E304", path=where, done=done, total=len(batches),
                        reason=f"{batch[0][0]}: {_one_line(e)}") from None
                raise PlanKGError.make("E302", path=where, reason=_one_line(e)) from None

    def load_plans(self, plans: Iterable[Any], *, ontology: bool = False) -> int:
        """Replace each plan's named graph (and the ontology graph when asked), each
        graph in its own transaction: a plan is visible whole or not at all.

        Args:
            plans: parsed :class:`~plankg.model.Plan` objects.
            ontology: also reload the ontology graph in the same transaction.
        Returns:
            the number of quads written.
        Raises:
            StoreError: E302 when the first write fails (the store is then unchanged),
                E304 when a later one does (the plans before it are loaded).
        """
        from plankg.graph.rdf import plan_iri, plan_nquads

        graphs = []
        for p in plans:
            g = plan_iri(p)
            graphs.append((g, _nquads_to_triples(plan_nquads(p), g)))
        if ontology:
            graphs.append((ONTOLOGY_GRAPH, _triples_text(self._ontology_quads())))
        self._replace_graphs(graphs, per_graph=True)
        return sum(t.count("\n") + 1 for _, t in graphs if t)

    def load_plan(self, plan: Any) -> int:
        """Replace one plan's named graph; see :meth:`load_plans`."""
        return self.load_plans([plan])

    def remove_plan(self, plan_id_or_iri: str) -> None:
        """Drop a plan's graph."""
        from plankg.graph.rdf import plan_iri

        g = plan_id_or_iri if "://" in plan_id_or_iri else plan_iri(plan_id_or_iri)
        try:
            self.raw.remove_graph(pyoxigraph.NamedNode(g))
        except OSError as e:
            raise PlanKGError.make("E302", path=str(self.path), reason=_one_line(e)) from None

    @staticmethod
    def _ontology_quads() -> list[pyoxigraph.Quad]:
        g = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
        quads: list[pyoxigraph.Quad] = []
        for name in ONTOLOGY_FILES:
            f = ontology_dir() / name
            if not f.is_file():
                continue
            try:
                for t in pyoxigraph.parse(path=str(f), format=pyoxigraph.RdfFormat.TURTLE):
                    if isinstance(t.subject, pyoxigraph.BlankNode) or isinstance(
                            t.object, pyoxigraph.BlankNode):
                        # skolemise: INSERT DATA would mint fresh blank nodes each load
                        t = pyoxigraph.Triple(_skolem(t.subject), t.predicate, _skolem(t.object))
                    quads.append(pyoxigraph.Quad(t.subject, t.predicate, t.object, g))
            except SyntaxError as e:
                raise PlanKGError.make("E200", path=str(f), line=getattr(e, "lineno", None),
                                       reason=_one_line(e)) from None
        return quads

    def load_ontology(self) -> int:
        """Replace the graph ``https://w3id.org/plankg/ontology`` with ``ontology/plankg.ttl``
        and ``ontology/domains.ttl`` (files that do not exist yet are skipped).

        Returns:
            the number of triples loaded.
        """
        quads = self._ontology_quads()
        self._replace_graphs([(ONTOLOGY_GRAPH, _triples_text(quads))])
        return len(quads) + 1  # and the store-format marker, which lives in that graph

    # --- reading --------------------------------------------------------------------

    def query(self, sparql: str, *, prefixes: dict[str, str] | None = None):
        """Run SPARQL over the union of all graphs; the plankg prefixes are predeclared.

        Returns:
            pyoxigraph ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``.
        Raises:
            QueryError: E401 for a syntax error (one line), E402 when evaluation fails.
        """
        try:
            return self.raw.query(sparql, use_default_graph_as_union=True,
                                  prefixes=dict(PREFIXES if prefixes is None else prefixes))
        except SyntaxError as e:
            raise PlanKGError.make("E401", reason=_one_line(e)) from None
        except (OSError, ValueError, TypeError, RuntimeError) as e:
            raise PlanKGError.make("E402", reason=_one_line(e)) from None

    def triple_count(self, graph: str | None = None) -> int:
        """Quads in the whole store, or in one named graph."""
        if graph is None:
            return len(self.raw)
        return sum(1 for _ in self.raw.quads_for_pattern(None, None, None,
                                                         pyoxigraph.NamedNode(graph)))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.raw.named_graphs())

    def plans(self) -> list[dict[str, str]]:
        """The plans in the store: iri, title, region, source file, in IRI order."""
        q = """
        SELECT ?plan ?title ?region ?file WHERE {
          GRAPH ?plan {
            ?plan a pk:Plan .
            OPTIONAL { ?plan dcterms:title ?title }
            OPTIONAL { ?plan dcterms:spatial/rdfs:label ?region }
            OPTIONAL { ?plan prov:wasDerivedFrom/dcterms:source ?file }
          }
        } ORDER BY ?plan"""
        out = []
        for r in self.query(q):
            out.append({k: (r[k].value if r[k] is not None else "")
                        for k in ("plan", "title", "region", "file")})
        return out

    SUMMARY_KINDS = (("chapters", "Chapter"), ("sections", "Section"),
                     ("key_tasks", "KeyTask"), ("columns", "Column"),
                     ("projects", "Project"), ("indicators", "Indicator"),
                     ("service_items", "ServiceItem"))

    def summary(self) -> dict[str, Any]:
        """Counts for people: plans, triples, and per region the structural nodes.

        >>> Store.in_memory().summary()["plans"]
        0
        """
        regions: dict[str, dict[str, int]] = {}
        # counted per plan and class first, then joined to the plan's region: ~10x
        # faster at 1,000 plans than joining every node to its plan's region
        kinds = " ".join(f"pk:{cls}" for _, cls in self.SUMMARY_KINDS)
        q = """
        SELECT ?region ?cls (SUM(?k) AS ?c) WHERE {
          { SELECT ?plan ?cls (COUNT(?n) AS ?k) WHERE {
              VALUES ?cls { %s }
              GRAPH ?plan { ?n a ?cls } } GROUP BY ?plan ?cls }
          GRAPH ?plan { ?plan a pk:Plan . OPTIONAL { ?plan dcterms:spatial/rdfs:label ?r } }
          BIND(COALESCE(?r, "") AS ?region)
        } GROUP BY ?region ?cls""" % kinds
        names = {PREFIXES["pk"] + cls: key for key, cls in self.SUMMARY_KINDS}
        for r in self.query(q):
            key = names.get(r["cls"].value)
            if key:
                row = regions.setdefault(r["region"].value,
                                         {k: 0 for k, _ in self.SUMMARY_KINDS})
                row[key] = int(r["c"].value)
        plans = self.plans()
        for p in plans:
            regions.setdefault(p["region"], {k: 0 for k, _ in self.SUMMARY_KINDS})
        return {"plans": len(plans), "triples": self.triple_count(),
                "regions": dict(sorted(regions.items()))}


def _recover_swap(path: Path) -> None:
    """Put back the store a ``build`` killed between its two renames left aside.

    ``plankg build`` moves the old store to ``<store>.old`` and the finished one into
    place (:func:`plankg.store.build._swap`); killed in between, there is no store at
    ``path``, and the next ``load`` would start an empty one there. The old store is
    whole, so it goes back.
    """
    old = path.with_name(path.name + ".old")
    if not path.exists() and (old / "CURRENT").is_file():
        try:
            os.rename(old, path)
        except OSError:
            pass  # someone else did it, or is swapping right now


def _skolem(term):
    if isinstance(term, pyoxigraph.BlankNode):
        return pyoxigraph.NamedNode(ONTOLOGY_GRAPH + "/.well-known/genid/" + term.value)
    return term
