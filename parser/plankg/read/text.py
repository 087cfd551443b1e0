"""Read a plan file: bytes → decoded text, its format, and the text the next stage reads.

The decoded original (:attr:`Source.raw_text`) is *the* coordinate system of every span
plankg reports: nothing in it is changed, not even line endings (CR LF is the
normaliser's business). For HTML, :attr:`Source.text` is the article text extracted by
:mod:`plankg.read.web` and :attr:`Source.to_raw` maps it back into ``raw_text``; for
plain text ``text`` is ``raw_text`` and the map is the identity.

Encoding, in this order (every decode strict; ``Source.encoding`` names the one used):

1. a UTF-8 byte-order mark → ``utf-8-sig``; a UTF-16 one (either order) → ``utf-16``;
2. a PDF, DOCX, OFD or legacy .doc/.wps (told from the bytes by :mod:`plankg.read.detect`)
   goes to its reader (:mod:`plankg.read.binary`; E106–E113); other binary — NUL bytes
   in the first 64 KB, or more than 5 % control bytes — is refused with E101;
3. ``utf-8`` if the bytes are valid UTF-8 (GB18030 text is practically never valid
   UTF-8, while UTF-8 text often is valid GB18030, so UTF-8 wins when both decode);
4. for HTML, the charset a ``<meta charset>``/``http-equiv``/XML declaration names
   (gb2312, gbk, cp936 ... are read as ``gb18030``; Latin-1/ASCII declarations are
   ignored as they cannot hold a Chinese plan);
5. ``gb18030``; else E102 naming the first bad byte.

Format: HTML when the name ends in .html/.htm/.xhtml/.shtml (and the file has a tag),
or when the text opens (after BOM, whitespace and comments) with ``<!doctype html``,
``<html``, ``<head`` or ``<meta``, or has a ``<body`` tag in its first 64 KB.

Errors (all :class:`~plankg.errors.InputError`, each naming the file): E100 no such
file; E101 a directory, unreadable, or binary; E102 not decodable; E103 empty or only
whitespace; E104 over ``max_bytes``; E105 HTML without readable text.

>>> src = read_bytes("一、总体要求\\n幼有所育\\n".encode("utf-8"), path="plan.txt")
>>> src.format, src.encoding, src.text == src.raw_text, src.to_raw.to_source(3)
('text', 'utf-8', True, 3)
>>> page = read_bytes(b"<html><body><p>\\xe5\\xb9\\xbc&amp;\\xe8\\x82\\xb2</p></body></html>")
>>> page.format, page.text
('html', '幼&育\\n')
>>> page.raw_text[page.to_raw.to_source(1)]
'&'
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field

from lxml import etree

from plankg.errors import PlanKGError
from plankg.read.compose import page_of
from plankg.read.detect import sniff
from plankg.read.web import NoTextError, html_to_text
from plankg.offsets import OffsetMap

__all__ = ["Source", "read_source", "read_bytes", "DEFAULT_MAX_BYTES", "max_bytes_limit"]

DEFAULT_MAX_BYTES = 50 * 2**20
"""The largest plan file read (E104 beyond); ``PLANKG_MAX_BYTES`` or ``plankg --max-bytes``
changes it. The largest real plans are a few MB of text; 50 MB bounds memory (~20x
the file while parsing) well inside a laptop's."""
MAX_BYTES_ENV = "PLANKG_MAX_BYTES"
_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.I)


def max_bytes_limit() -> int:
    """The input size limit: ``$PLANKG_MAX_BYTES`` (bytes, or with a k/M/G suffix) or
    :data:`DEFAULT_MAX_BYTES`.

    >>> import os; os.environ["PLANKG_MAX_BYTES"] = "2M"; max_bytes_limit()
    2097152
    >>> del os.environ["PLANKG_MAX_BYTES"]; max_bytes_limit() == DEFAULT_MAX_BYTES
    True
    """
    value = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    m = _SIZE.match(value)
    if not m:
        raise PlanKGError.make("E104", reason=f"{MAX_BYTES_ENV}={value!r} is not a size "
                                              "(bytes, or with a k/M/G suffix)")
    unit = (m.group(2) or "b")[0].lower()
    return int(m.group(1)) * {"b": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit]
_SNIFF = 1 << 16           # bytes/characters looked at for binary and HTML sniffing
_HTML_EXTS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_SIGNATURES = (
    (b"%PDF-", "a PDF file (extract its text first)"),
    (b"PK\x03\x04", "a ZIP archive or Office document (docx/xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document (doc/xls)"),
)
# control bytes other than TAB LF VT FF CR and ESC/SUB which old text files carry
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26, 27))
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "csgb2312", "euc-cn",
                        "x-euc-cn", "gb_2312-80", "gb_2312", "chinese", "iso-ir-58", "ms936",
                        "windows-936"})
_UTF8_NAMES = frozenset({"utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"})
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
    re.I,
)
_LEADING_JUNK = re.compile(r"(?:[\s\ufeff]+|<!--.*?-->)*", re.S)
_HTML_START = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<meta[\s>]|<\?xml[^>]*>\s*<", re.I)
_BODY = re.compile(r"<body[\s>/]", re.I)
_ANY_TAG = re.compile(r"<[A-Za-z!/?]")


@dataclass
class Source:
    """One plan file as read: its decoded text and the text the next stage reads."""

    path: str            # as given
    raw_text: str        # the decoded original file text: THE coordinate system of every span
    text: str            # what the next stage reads (== raw_text for plain text)
    to_raw: OffsetMap    # text position -> raw_text position
    format: str          # "text" | "html" | "pdf" | "docx" | "doc" | "ofd"
    encoding: str        # "utf-8", "utf-8-sig", "gb18030", "utf-16" (or a declared codec); "" for binary formats
    sha256: str          # of the file bytes
    # binary formats (plankg.read.compose.Extracted): raw_text is the reader's own text
    pages: list[int] | None = None        # offset in raw_text where each page starts (PDF, OFD)
    parts: list[tuple[int, str]] | None = None   # (offset, "p12" | "t2r3") line origins (DOCX)
    tables: list[list[list[str]]] = field(default_factory=list)   # tables as rows of cells
    notes: list[str] = field(default_factory=list)                # what the reader skipped
    # headings the format marks (HTML <h1>–<h4>, bold-only paragraphs): (line, level);
    # the block splitter takes them for headings even when they carry no number
    headings: tuple[tuple[str, int], ...] = ()

    def page_of(self, offset: int) -> int | None:
        """1-based page of a ``raw_text`` offset; None for formats without pages."""
        return page_of(self.pages, offset)


def read_source(path: str | os.PathLike, *, max_bytes: int | None = None) -> Source:
    """Read and decode a plan file.

    Args:
        path: the file; reported in errors and in :attr:`Source.path` as given.
        max_bytes: larger files are refused (E104), judged by their size before
            anything is read; default :func:`max_bytes_limit`.
    Returns:
        the :class:`Source`.
    Raises:
        InputError: E100–E105, see the module docstring.
    """
    name = os.fsdecode(path)
    if max_bytes is None:
        max_bytes = max_bytes_limit()
    try:
        st = os.stat(name)
    except (FileNotFoundError, NotADirectoryError):
        raise PlanKGError.make("E100", path=name) from None
    except OSError as e:
        raise PlanKGError.make("E101", path=name, reason=_os_reason(e)) from None
    if stat.S_ISDIR(st.st_mode):
        raise PlanKGError.make("E101", path=name, reason="is a directory")
    if st.st_size > max_bytes:
        raise _too_large(name, st.st_size, max_bytes)
    try:
        with open(name, "rb") as f:
            data = f.read(max_bytes + 1)   # also bounds pipes, whose size stat cannot tell
    except OSError as e:
        raise PlanKGError.make("E101", path=name, reason=_os_reason(e)) from None
    return read_bytes(data, name, max_bytes=max_bytes)


def read_bytes(data: bytes, path: str = "<bytes>", *, max_bytes: int | None = None) -> Source:
    """Decode a plan held in memory (tests, stdin); ``path`` names it and gives its extension.

    Raises:
        InputError: E101–E105, see the module docstring.
    """
    path = os.fsdecode(path)
    if max_bytes is None:
        max_bytes = max_bytes_limit()
    if len(data) > max_bytes:
        raise _too_large(path, len(data), max_bytes)
    if not data:
        raise PlanKGError.make("E103", path=path)
    kind = sniff(data)
    if kind is not None:   # PDF, DOCX, OFD, legacy .doc/.wps: see plankg.read.binary
        from plankg.read.binary import read_binary

        fmt, ex = read_binary(kind, data, path)
        return Source(path, ex.text, ex.text, OffsetMap.identity(len(ex.text)), fmt, "",
                      hashlib.sha256(data).hexdigest(), ex.pages, ex.parts, ex.tables, ex.notes,
                      headings=tuple(ex.headings))
    ext = os.path.splitext(path)[1].lower()
    raw_text, encoding = _decode(data, path, ext)
    if not raw_text.strip():
        raise PlanKGError.make("E103", path=path)
    sha = hashlib.sha256(data).hexdigest()
    if _is_html(raw_text, ext):
        try:
            found: list[tuple[str, int]] = []
            text, to_raw = html_to_text(raw_text, found)
            headings = tuple(found)
        except NoTextError as e:
            raise PlanKGError.make("E105", path=path, reason=str(e)) from None
        except (etree.ParserError, etree.LxmlError, ValueError) as e:
            raise PlanKGError.make("E105", path=path, reason=str(e) or type(e).__name__) from None
        return Source(path, raw_text, text, to_raw, "html", encoding, sha, headings=headings)
    return Source(path, raw_text, raw_text, OffsetMap.identity(len(raw_text)), "text", encoding, sha)


# --------------------------------------------------------------------------- helpers

def _os_reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, IsADirectoryError):
        return "is a directory"
    return e.strerror or type(e).__name__


def _too_large(path: str, size: int, limit: int) -> PlanKGError:
    return PlanKGError.make("E104", path=path, reason=f"{size} bytes, the limit is {limit} "
                            f"(set {MAX_BYTES_ENV} or plankg --max-bytes to change it)")


def _decode(data: bytes, path: str, ext: str) -> tuple[str, str]:
    """Decoded text and the encoding used (see the module docstring for the order)."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", path), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16", path)
        head = text[:_SNIFF]
        if "\x00" in head or _control_share(head.encode("utf-8", "replace")) > 0.05:
            raise PlanKGError.make("E101", path=path, reason="binary file (control characters)")
        return text, "utf-16"
    _refuse_binary(data, path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    if ext in _HTML_EXTS or _looks_like_html_bytes(data):
        declared = _declared_codec(data[:_SNIFF])
        if declared and declared != "utf-8":
            try:
                return data.decode(declared), declared
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    bad = data[utf8_error.start:utf8_error.start + 1].hex().upper()
    raise PlanKGError.make(
        "E102", path=path,
        reason=f"neither UTF-8 (bad byte 0x{bad} at offset {utf8_error.start}) nor GB18030")


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise PlanKGError.make(
            "E102", path=path,
            reason=f"byte-order mark says {encoding} but byte {e.start} is not ({e.reason})") from None


def _control_share(head: bytes) -> float:
    if not head:
        return 0.0
    return (len(head) - len(head.translate(None, _CONTROL))) / len(head)


def _refuse_binary(data: bytes, path: str) -> None:
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise PlanKGError.make("E101", path=path, reason=f"not a text or HTML file: {what}")
    head = data[:_SNIFF]
    if b"\x00" in head:
        raise PlanKGError.make("E101", path=path, reason="binary file (NUL bytes)")
    share = _control_share(head)
    if share > 0.05:
        raise PlanKGError.make(
            "E101", path=path, reason=f"binary file ({share:.0%} control characters)")


def _looks_like_html_bytes(data: bytes) -> bool:
    head = data[:_SNIFF].decode("latin-1")
    return _looks_like_html(head)


def _declared_codec(head: bytes) -> str | None:
    """The Python codec an HTML page declares, or None when absent or not trusted."""
    m = _DECLARED.search(head)
    if not m:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    if name in _UTF8_NAMES:
        return "utf-8"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # a Latin-1 or ASCII declaration on a Chinese page is a server default, not a fact;
    # a UTF-16 one in an ASCII-compatible byte stream is impossible (HTML reads it as UTF-8)
    if codec in ("latin-1", "iso8859-1", "cp1252", "ascii") or codec.startswith("utf-16"):
        return None
    return codec


def _looks_like_html(head: str) -> bool:
    start = _LEADING_JUNK.match(head).end()
    return bool(_HTML_START.match(head, start) or _BODY.search(head, 0, _SNIFF))


def _is_html(text: str, ext: str) -> bool:
    head = text[:_SNIFF]
    if ext in _HTML_EXTS:
        return bool(_ANY_TAG.search(head))
    return _looks_like_html(head)
