"""A binary document's bytes → :class:`~plankg.read.compose.Extracted`, by what the bytes are.

:func:`plankg.read.text.read_bytes` calls :func:`read_binary` when
:func:`~plankg.read.detect.sniff` recognises a PDF, a ZIP (DOCX, OFD) or an OLE file
(legacy ``.doc``/``.wps``); each reader module is imported only when its format turns
up, so reading a text plan never loads pypdfium2 or python-docx.

Legacy ``.doc``/``.wps`` files are converted to DOCX by LibreOffice (``soffice
--headless --convert-to docx``) in a temporary directory when ``soffice`` is on the
PATH; without it the error names the fix.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from plankg.errors import PlanKGError
from plankg.read.compose import Extracted
from plankg.read.detect import zip_kind

__all__ = ["read_binary", "SOFFICE_TIMEOUT", "MAX_UNPACKED"]

SOFFICE_TIMEOUT = 180   # seconds LibreOffice may take to convert one document
MAX_UNPACKED = 1 << 30  # bytes a DOCX/OFD archive may unpack to (a zip bomb stops here)


def read_binary(kind: str, data: bytes, path: str) -> tuple[str, Extracted]:
    """``(format, extracted)`` for a file :func:`~plankg.read.detect.sniff` called ``kind``.

    Raises:
        InputError: E106–E113 (see :mod:`plankg.errors`).
    """
    if kind == "pdf":
        from plankg.read.pdf import read_pdf

        return "pdf", _nonempty(read_pdf(data, path), path)
    if kind == "ole":
        from plankg.read.docx import read_docx

        return "doc", _nonempty(read_docx(_convert_legacy(data, path), path), path)
    what, zf = zip_kind(data)
    if zf is not None and sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED:
        raise PlanKGError.make("E112", path=path,
                               reason=f"the archive unpacks to more than {MAX_UNPACKED >> 20} MB")
    if what == "docx":
        from plankg.read.docx import read_docx

        return "docx", _nonempty(read_docx(data, path, zf), path)
    if what == "ofd":
        from plankg.read.ofd import read_ofd

        return "ofd", _nonempty(read_ofd(zf, path), path)
    if what == "broken":
        raise PlanKGError.make("E112", path=path,
                               reason="a damaged ZIP archive (a truncated docx or ofd?)")
    raise PlanKGError.make("E112", path=path,
                           reason="a ZIP archive that is neither a Word document (docx) nor an OFD file")


def _nonempty(ex: Extracted, path: str) -> Extracted:
    if not ex.text.strip():
        raise PlanKGError.make("E113", path=path, reason="the document has no paragraphs or tables with text")
    return ex


def _convert_legacy(data: bytes, path: str) -> bytes:
    """A legacy .doc/.wps converted to DOCX bytes by LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PlanKGError.make(
            "E110", path=path,
            reason="reading .doc/.wps needs LibreOffice (install it so `soffice` is on the PATH, "
                   "e.g. apt-get install libreoffice-writer-nogui) or save the file as .docx")
    with tempfile.TemporaryDirectory(prefix="plankg-doc-") as d:
        src = os.path.join(d, "input.doc")
        with open(src, "wb") as f:
            f.write(data)
        # a private profile: a running LibreOffice of the user's must not swallow the job
        profile = "file://" + os.path.join(d, "profile")
        try:
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                            "--convert-to", "docx", "--outdir", d, src],
                           check=True, capture_output=True, timeout=SOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise PlanKGError.make("E110", path=path,
                                   reason=f"LibreOffice did not convert it in {SOFFICE_TIMEOUT} s") from None
        except (subprocess.CalledProcessError, OSError) as e:
            raise PlanKGError.make("E110", path=path, reason=f"LibreOffice could not convert it ({e})") from None
        out = os.path.join(d, "input.docx")
        if not os.path.isfile(out):
            raise PlanKGError.make("E110", path=path,
                                   reason="LibreOffice could not convert it (not a Word or WPS document?)")
        with open(out, "rb") as f:
            return f.read()
