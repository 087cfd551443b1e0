"""Check plankg graphs against the SHACL shapes in ``ontology/shapes.ttl``.

Non-conformance is a return value, not an error: both functions return
``(conforms, report_text)`` where ``report_text`` is pyshacl's human-readable report.
:class:`~plankg.errors.PlanKGError` is raised only when validation cannot run (data
that does not parse, a store that cannot be opened, missing ontology files).

The ontology graph handed to pyshacl is ``plankg.ttl`` + ``domains.ttl``: it supplies the
``rdfs:subClassOf`` triples that ``sh:class`` checks follow (a ``pk:Chapter`` is a
``pk:Division``). No inference is run, which keeps validation fast; shapes and ontology
are parsed once per process.

rdflib and pyshacl are imported inside the functions so that ``import plankg`` stays
quick for commands that never validate.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from plankg.errors import PlanKGError
from plankg.paths import ontology_dir
from .vocab import ONTOLOGY_GRAPH

SHAPES_FILE = "shapes.ttl"
ONTOLOGY_FILES = ("plankg.ttl", "domains.ttl")


def validate_graph(data: Any) -> tuple[bool, str]:
    """Validate one graph against the plankg shapes.

    Args:
        data: Turtle text (``str`` or UTF-8 ``bytes``), a path to an RDF file
            (``pathlib.Path``; format from the suffix), an ``rdflib.Graph`` (a
            ``Dataset`` or ``ConjunctiveGraph`` is validated as the union of its graphs),
            a ``pyoxigraph.Store`` or ``pyoxigraph.Dataset`` (union of all graphs), or an
            iterable of ``pyoxigraph`` ``Triple``/``Quad``.

    Returns:
        ``(conforms, report_text)``.

    Raises:
        PlanKGError: ``E500`` when the data cannot be read or validation cannot run.

    >>> ok, report = validate_graph('''
    ...   @prefix pk: <https://w3id.org/plankg/ontology#> .
    ...   @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ...   <https://w3id.org/plankg/id/q> a pk:Quantity ; pk:value "1000"^^xsd:decimal .''')
    >>> ok
    True
    >>> validate_graph('''
    ...   @prefix pk: <https://w3id.org/plankg/ontology#> .
    ...   <https://w3id.org/plankg/id/q> a pk:Quantity .''')[0]
    False
    """
    graph = _to_rdflib(data)
    return _run(graph)


def validate_store(store_path: str | os.PathLike[str]) -> tuple[bool, str]:
    """Validate the union of every plan graph in an on-disk Oxigraph store.

    The store is opened read-only, so a store held open by another process can still be
    checked. Graphs whose name starts with the ontology graph IRI
    (``https://w3id.org/plankg/ontology``) are skipped: the ontology is supplied to
    pyshacl separately.

    Args:
        store_path: the store directory (as given to ``plankg load --store``).

    Returns:
        ``(conforms, report_text)``.

    Raises:
        PlanKGError: ``E301`` when the store cannot be opened, ``E500`` when validation
            cannot run.
    """
    import pyoxigraph

    path = Path(store_path)
    if not path.is_dir():
        raise PlanKGError.make("E301", path=str(path), reason="no store at this path")
    try:
        store = pyoxigraph.Store.read_only(str(path))
    except (OSError, ValueError, RuntimeError) as exc:
        raise PlanKGError.make("E301", path=str(path), reason=str(exc)) from exc
    try:
        triples = (q.triple for q in store.quads_for_pattern(None, None, None, None)
                   if not _is_ontology_graph(q.graph_name))
        graph = _triples_to_rdflib(triples)
    finally:
        del store
    return _run(graph)


# --- helpers ---------------------------------------------------------------------------



def _is_ontology_graph(graph_name: Any) -> bool:
    value = getattr(graph_name, "value", None)  # DefaultGraph has no value
    return isinstance(value, str) and value.startswith(ONTOLOGY_GRAPH)


def _run(graph: Any) -> tuple[bool, str]:
    import pyshacl

    shapes, ontology = _shapes_and_ontology(str(ontology_dir()))
    try:
        conforms, _results, text = pyshacl.validate(
            graph, shacl_graph=shapes, ont_graph=ontology, inference="none",
            abort_on_first=False, allow_infos=True, allow_warnings=True,
            meta_shacl=False, advanced=False, js=False, debug=False)
    except Exception as exc:  # pyshacl raises many types; all mean "could not validate"
        raise PlanKGError.make("E500", reason=f"{type(exc).__name__}: {exc}") from exc
    return bool(conforms), str(text)


@lru_cache(maxsize=4)
def _shapes_and_ontology(directory: str) -> tuple[Any, Any]:
    """Parse shapes.ttl and plankg.ttl + domains.ttl once per process (and directory)."""
    import rdflib

    def load(names: tuple[str, ...]) -> "rdflib.Graph":
        graph = rdflib.Graph()
        for name in names:
            file = Path(directory) / name
            try:
                graph.parse(data=file.read_text(encoding="utf-8"), format="turtle",
                            publicID=file.as_uri())
            except (OSError, SyntaxError, ValueError) as exc:
                raise PlanKGError.make("E500", path=str(file),
                                       reason=f"cannot read ontology file: {exc}") from exc
        return graph

    return load((SHAPES_FILE,)), load(ONTOLOGY_FILES)


def _to_rdflib(data: Any) -> Any:
    import pyoxigraph
    import rdflib

    if isinstance(data, (rdflib.Dataset, rdflib.ConjunctiveGraph)):
        union = rdflib.Graph()
        for s, p, o, _g in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    if isinstance(data, rdflib.Graph):
        return data
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    try:
        if isinstance(data, str):
            return rdflib.Graph().parse(data=data, format="turtle")
        if isinstance(data, os.PathLike):
            file = Path(data)
            fmt = rdflib.util.guess_format(file.name) or "turtle"
            return rdflib.Graph().parse(data=file.read_text(encoding="utf-8"), format=fmt,
                                        publicID=file.resolve().as_uri())
    except (OSError, SyntaxError, ValueError) as exc:
        raise PlanKGError.make("E500", reason=f"cannot read data graph: {exc}") from exc
    if isinstance(data, (pyoxigraph.Store, pyoxigraph.Dataset)):
        data = data.quads_for_pattern(None, None, None, None) \
            if isinstance(data, pyoxigraph.Store) else iter(data)
    try:
        items = iter(data)
    except TypeError:
        raise PlanKGError.make(
            "E500", reason=f"cannot validate a {type(data).__name__}") from None
    return _triples_to_rdflib(getattr(t, "triple", t) for t in items)


def _triples_to_rdflib(triples: Any) -> Any:
    """pyoxigraph triples → rdflib Graph, through N-Triples (exact for every term kind)."""
    import pyoxigraph
    import rdflib

    nt = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    if nt:
        graph.parse(data=nt.decode("utf-8"), format="nt")
    return graph
