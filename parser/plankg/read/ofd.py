"""OFD (GB/T 33190) package → the plan's text, page by page, in reading order.

An OFD file is a ZIP of XML: ``OFD.xml`` names each document's root (``DocRoot``),
whose ``Document.xml`` lists the pages in order (``Pages/Page/@BaseLoc``); each page's
``Content.xml`` holds ``TextObject`` elements (``Boundary="x y w h"`` in mm, y
downwards) with ``TextCode`` children (``X``, ``Y`` relative to the boundary, the
text). No well-kept Python OFD library fits: easyofd (0.0.x; its author calls it not
yet mature) is built around OFD → PDF/image conversion and takes base64 input, and
ofdreader is a first 0.1 release; the text layer is simple XML, so this reader is lxml
with a safe parser: no DTD, no entity expansion, no network.

Text runs are placed at their absolute baseline, grouped into lines (baselines within
a third of the font size) and ordered left to right; lines go top to bottom. A gap
wider than 0.8 of a character between runs of a line is a space (a flattened table row,
which the text heuristics read). Pages follow ``Document.xml`` order; ``pages`` holds
the offset each page starts at, as for PDF. Template pages (running headers drawn
once for every page) are not read.
"""
from __future__ import annotations

import posixpath
import re
import zipfile

from lxml import etree

from plankg.errors import PlanKGError
from plankg.read.compose import Extracted, TextWriter

__all__ = ["read_ofd"]

_MAX_PART = 64 * 2**20     # bytes of one XML part; a zip bomb stops here
_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True)


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def read_ofd(zf: zipfile.ZipFile, path: str) -> Extracted:
    """The text of an OFD package (see the module docstring).

    Raises:
        InputError: E111 when a part is missing or not well-formed XML.
    """
    names = {n.lower(): n for n in zf.namelist()}

    def load(name: str):
        real = names.get(name.lstrip("/").lower())
        if real is None:
            raise PlanKGError.make("E111", path=path, reason=f"the package has no {name}")
        info = zf.getinfo(real)
        if info.file_size > _MAX_PART:
            raise PlanKGError.make("E111", path=path, reason=f"{name} is larger than {_MAX_PART} bytes")
        try:
            return etree.fromstring(zf.read(real), _parser())
        except (etree.XMLSyntaxError, ValueError) as e:
            raise PlanKGError.make("E111", path=path, reason=f"{name}: {e}") from None
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as e:
            raise PlanKGError.make("E111", path=path, reason=f"{name}: {e}") from None

    ofd = load("OFD.xml")
    roots = [el.text.strip() for el in ofd.iter() if _local(el) == "DocRoot" and el.text]
    if not roots:
        raise PlanKGError.make("E111", path=path, reason="OFD.xml names no DocRoot")
    w = TextWriter(paged=True)
    for root in roots:
        root = root.lstrip("/")
        base = posixpath.dirname(root)
        doc = load(root)
        for page in (el for el in doc.iter() if _local(el) == "Page" and el.get("BaseLoc")):
            loc = page.get("BaseLoc").lstrip("/")
            loc = loc if loc.lower().startswith(base.lower() + "/") or not base else posixpath.join(base, loc)
            w.page()
            lines = _page_lines(load(posixpath.normpath(loc)))
            if not lines:
                w.notes.append(f"page {len(w.pages)} has no text (a scanned page?); skipped")
            for ln in lines:
                w.line(ln)
    return w.result()


def _floats(s: str | None) -> list[float]:
    return [float(x) for x in _NUM.findall(s or "")]


def _page_lines(content) -> list[str]:
    runs: list[tuple[float, float, float, float, str]] = []   # baseline, x, end x, size, text
    for obj in content.iter():
        if _local(obj) != "TextObject":
            continue
        box = _floats(obj.get("Boundary")) + [0.0] * 4
        bx, by = box[0], box[1]
        size = (_floats(obj.get("Size")) or [3.5])[0] or 3.5
        x = y = 0.0
        for code in obj:
            if _local(code) != "TextCode":
                continue
            text = code.text or ""
            if not text.strip():
                continue
            xs, ys = _floats(code.get("X")), _floats(code.get("Y"))
            x = xs[0] if xs else x
            y = ys[0] if ys else y
            width = _advance(code.get("DeltaX"), len(text), size)
            runs.append((by + y, bx + x, bx + x + width, size, text))
    runs.sort(key=lambda r: (r[0], r[1]))
    lines: list[list[tuple[float, float, float, float, str]]] = []
    for r in runs:
        if lines and abs(lines[-1][0][0] - r[0]) <= max(lines[-1][0][3], r[3]) / 3:
            lines[-1].append(r)
        else:
            lines.append([r])
    out = []
    for line in lines:
        line.sort(key=lambda r: r[1])
        text, end = "", None
        for _y, x, x_end, size, t in line:
            if end is not None and x - end > 0.8 * size:
                text += " "
            text += t
            end = x_end
        out.append(text)
    return out


def _advance(delta: str | None, n: int, size: float) -> float:
    """Width of a TextCode run: its DeltaX (``g N d`` repeats d N times) plus one character."""
    if not delta:
        return n * size
    total, count = 0.0, 0
    toks = delta.split()
    i = 0
    while i < len(toks):
        if toks[i] == "g" and i + 2 < len(toks):
            try:
                k, d = int(toks[i + 1]), float(toks[i + 2])
            except ValueError:
                break
            total += k * d
            count += k
            i += 3
            continue
        try:
            total += float(toks[i])
            count += 1
        except ValueError:
            break
        i += 1
    return total + size + max(0, n - 1 - count) * size
