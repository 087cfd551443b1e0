"""The one error catalogue. The library raises these; only the CLI reports them.

Each error has a stable code (``E1xx`` input, ``E2xx`` data files, ``E3xx`` store,
``E4xx`` query) and a message that names the file (and line/column where known)
in one line.

>>> str(PlanKGError.make("E101", path="a.txt", reason="not a text or HTML file"))
'a.txt: E101 cannot read: not a text or HTML file'
"""
from __future__ import annotations

MESSAGES = {
    # input files
    "E100": "no such file",
    "E101": "cannot read: {reason}",
    "E102": "unknown encoding: {reason}",
    "E103": "empty file",
    "E104": "file too large: {reason}",
    "E105": "cannot parse HTML: {reason}",
    # binary formats (plankg.read.pdf / docx / ofd)
    "E106": "damaged PDF: {reason}",
    "E107": "PDF without a text layer: {reason}",
    "E108": "encrypted PDF: it opens only with a password; save an unprotected copy and load that",
    "E109": "cannot read Word document: {reason}",
    "E110": "legacy Word/WPS document: {reason}",
    "E111": "cannot read OFD document: {reason}",
    "E112": "not a plan document: {reason}",
    "E113": "no text in the document: {reason}",
    # data files shipped with plankg (heading patterns, lexicons ...)
    "E200": "bad data file: {reason}",
    # store
    "E300": "store is in use by another process: {reason}",
    "E301": "cannot open store: {reason}",
    "E302": "load failed, store unchanged: {reason}",
    "E303": "store was written by another plankg store format: {reason}",
    "E304": "load stopped after {done} of {total} graphs (each is loaded whole or not at all): {reason}",
    # queries
    "E400": "no such query: {reason}",
    "E401": "bad SPARQL: {reason}",
    "E402": "query failed: {reason}",
    "E403": "query timed out after {seconds} s: {reason}",
    "E404": "request too large: {reason}",
    "E405": "endpoint cannot answer: {reason}",
    # validation / other
    "E500": "validation failed: {reason}",
    # workbench: compare, export, report (plankg.workbench)
    "E700": "nothing to compare: {reason}",
    "E701": "cannot export: {reason}",
    "E702": "no such plan: {reason}",
    "E703": "cannot plot: {reason}",
    "E704": "missing optional package: {reason}",
    "E705": "bad option: {reason}",
    # remote servers (push, query --endpoint) and diff
    "E600": "cannot reach the endpoint: {reason}",
    "E601": "push incomplete: {reason}",
    "E602": "the endpoint refused the request: {reason}",
    "E603": "remote query failed: {reason}",
    "E604": "remote query timed out: {reason}",
    "E605": "bad endpoint: {reason}",
    "E606": "no password: {reason}",
    "E610": "no such plan: {reason}",
}


class PlanKGError(Exception):
    """Base of every error plankg raises on purpose."""

    code = "E000"

    def __init__(self, message: str, *, code: str = "E000", path: str | None = None,
                 line: int | None = None, column: int | None = None):
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.reason = message
        super().__init__(str(self))

    @classmethod
    def make(cls, code: str, *, path: str | None = None, line: int | None = None,
             column: int | None = None, **fmt: object) -> "PlanKGError":
        message = MESSAGES[code].format(**fmt)
        subclass = {"1": InputError, "2": DataFileError, "3": StoreError,
                    "4": QueryError, "5": ValidationError,
                    "6": RemoteError, "7": WorkbenchError}.get(code[1], cls)
        return subclass(message, code=code, path=path, line=line, column=column)

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.code} {self.reason}"


class InputError(PlanKGError):
    """A plan file that cannot be read or parsed (the user's file)."""


class DataFileError(PlanKGError):
    """A shipped data file (lexicon, patterns) is malformed."""


class StoreError(PlanKGError):
    """The Oxigraph store cannot be opened or written."""


class QueryError(PlanKGError):
    """A query name, file or SPARQL text is wrong."""


class ValidationError(PlanKGError):
    """SHACL validation found violations."""


class WorkbenchError(PlanKGError):
    """A compare, export or report request that cannot be served (plankg.workbench)."""
class RemoteError(PlanKGError):
    """A remote SPARQL server cannot be reached or refuses (push, query --endpoint), or
    a plan to diff is not found."""
