"""Which reader a file needs, told from its bytes (never from its name).

A renamed ``plan.txt`` that is really a PDF, or a ``.doc`` that is really a DOCX, is
read by what it is. The checks are cheap: a signature at the start and, for ZIP
archives, the names in the central directory (a DOCX has ``word/document.xml``, an OFD
``OFD.xml``).

>>> sniff(b"%PDF-1.7\\n..."), sniff(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1..."), sniff("一、".encode())
('pdf', 'ole', None)
"""
from __future__ import annotations

import io
import zipfile

__all__ = ["sniff", "zip_kind"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str | None:
    """``"pdf"``, ``"zip"`` (any ZIP: see :func:`zip_kind`), ``"ole"`` (legacy
    .doc/.wps/.xls) or None for everything else (text and HTML).

    A PDF may have a few bytes of junk before ``%PDF-`` (readers accept up to 1 KB).

    >>> sniff(b"note: %PDF-1.4 is a version\\n"), sniff(b"\\r\\n%PDF-1.4 ... %%EOF\\n")
    (None, 'pdf')
    """
    if data.startswith(_OLE):
        return "ole"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.startswith(b"%PDF-"):
        return "pdf"
    # junk before the header is allowed, but then the file must also end like a PDF, so a
    # text plan that mentions "%PDF-" near its start stays text
    k = data.find(b"%PDF-", 0, 1024)
    if k > 0 and b"\x00" not in data[:k] and b"%%EOF" in data[-2048:]:
        return "pdf"
    return None


def zip_kind(data: bytes) -> tuple[str, zipfile.ZipFile | None]:
    """What a ZIP archive holds: ``("docx", zf)``, ``("ofd", zf)``, ``("zip", zf)`` for
    any other archive (xlsx, pptx, a plain zip), or ``("broken", None)``.

    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z: z.writestr("OFD.xml", "<ofd:OFD/>")
    >>> zip_kind(buf.getvalue())[0]
    'ofd'
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return "broken", None
    if "word/document.xml" in names:
        return "docx", zf
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd", zf
    return "zip", zf
