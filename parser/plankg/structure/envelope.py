"""The envelope around a plan: front matter and notice → metadata, and where the plan is.

Plans are published inside a notice (``XX人民政府办公厅关于印发《…规划》的通知``, the
addressees, ``现将《…》印发给你们，请认真贯彻执行。``, the issuing body, the date,
sometimes ``（此件公开发布）``, a document number ``沪府办发〔2026〕15号``), and a plan
taken from an index arrives under a YAML front matter block (``---`` … ``标题:``,
``文号:``, ``发布单位:``, ``发布日期:`` … ``---``, then ``>`` provenance lines). Neither is
part of the plan: :func:`find_envelope` finds both (and the plan's own cover lines under
its title — the body that drew it up, a date — and the print record, 抄送/印发, that some
files end with) in the normalised text and returns

* ``fields``: what they say about the plan — ``title`` (the plan's, not the notice's),
  ``notice_title``, ``issuer``, ``doc_number`` (as printed), ``issued`` and ``signed``
  (ISO dates);
* ``spans``: where each field was read, in normalised-text offsets;
* ``ranges``: the stretches of text that are envelope, which :meth:`Envelope.mask`
  blanks out so that the block splitter never sees them (offsets and line numbers stay
  as they were).

Which source wins when they differ: the notice's signature is the issuer (an index may
name the government where the notice is signed by its office), the index's 发布日期 is
the date issued (the notice's own date, when it is signed, is ``signed``), the number
as the notice prints it, else as the index copies it. The patterns are data
(``data/envelope.toml``).

>>> text = ("---\\n标题: 某县人民政府关于印发《某县“十五五”规划》的通知\\n文号: 某府发〔2026〕3号\\n"
...         "发布日期: 2026-03-02\\n---\\n> 摘自某索引\\n某县人民政府关于印发《某县“十五五”规划》的通知\\n"
...         "各乡镇人民政府：\\n现将《某县“十五五”规划》印发给你们，请认真贯彻执行。\\n某县人民政府\\n"
...         "2026年2月27日\\n某县“十五五”规划\\n一、总体要求\\n")
>>> env = find_envelope(text)
>>> env.fields["title"], env.fields["issuer"], env.fields["doc_number"]
('某县“十五五”规划', '某县人民政府', '某府发〔2026〕3号')
>>> env.fields["issued"], env.fields["signed"]
('2026-03-02', '2026-02-27')
>>> env.mask(text).split()
['某县“十五五”规划', '一、总体要求']
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from plankg.errors import PlanKGError
from plankg.paths import DATA_DIR

from .lines import Line, split_lines
from .numerals import cn_to_int
from .patterns import structure

FIELDS = ("title", "notice_title", "issuer", "doc_number", "issued", "signed")


@dataclass(frozen=True)
class Rules:
    """The patterns of ``data/envelope.toml``, compiled."""

    fm_keys: dict[str, str]
    fm_max_lines: int
    fm_after: re.Pattern
    title: re.Pattern
    before_title: re.Pattern
    body: re.Pattern
    addressees: re.Pattern
    plan_title: re.Pattern
    attachment: re.Pattern
    attachment_mark: re.Pattern
    public_note: re.Pattern
    issuer: re.Pattern
    max_lines: int
    max_chars: int
    doc_number: re.Pattern
    date: re.Pattern
    iso_date: re.Pattern
    trailer: tuple[re.Pattern, ...]
    trailer_max: int
    info: re.Pattern      # one "key：value" pair of a page's information block
    month: re.Pattern     # a cover's date without its day
    cover_title_lines: int


def load_rules(path: Path) -> Rules:
    """Load and validate an envelope rules file (raises E200 naming the file)."""
    def bad(reason: str) -> PlanKGError:
        return PlanKGError.make("E200", path=str(path), reason=reason)

    def rx(where: str, pattern: str) -> re.Pattern:
        try:
            return re.compile(pattern)
        except re.error as e:
            raise bad(f"{where}: bad regex: {e}") from None

    try:
        with open(path, "rb") as f:
            d = tomllib.load(f)
    except OSError as e:
        raise bad(e.strerror or str(e)) from None
    except tomllib.TOMLDecodeError as e:
        raise bad(str(e)) from None
    try:
        fm, no, tr = d["front_matter"], d["notice"], d["trailer"]
        keys = {str(k).strip().lower(): str(v) for k, v in fm["keys"].items()}
        for k, v in keys.items():
            if v not in FIELDS:
                raise bad(f"front_matter.keys: {k!r} fills unknown field {v!r}")
        title = rx("notice.title", no["title"])
        if not {"issuer", "plan"} <= set(title.groupindex):
            raise bad("notice.title: needs the groups issuer and plan")
        date = rx("date.regex", d["date"]["regex"])
        iso = rx("date.iso", d["date"]["iso"])
        for name, r in (("date.regex", date), ("date.iso", iso)):
            if not {"y", "m", "d"} <= set(r.groupindex):
                raise bad(f"{name}: needs the groups y, m and d")
        return Rules(
            fm_keys=keys, fm_max_lines=int(fm["max_lines"]), fm_after=rx("front_matter.after", fm["after"]),
            title=title, before_title=rx("notice.before_title", no["before_title"]),
            body=rx("notice.body", no["body"]), addressees=rx("notice.addressees", no["addressees"]),
            plan_title=rx("notice.plan_title", no["plan_title"]),
            attachment=rx("notice.attachment", no["attachment"]),
            attachment_mark=rx("notice.attachment_mark", no["attachment_mark"]),
            public_note=rx("notice.public_note", no["public_note"]),
            issuer=rx("notice.issuer", no["issuer"]),
            max_lines=int(no["max_lines"]), max_chars=int(no["max_chars"]),
            doc_number=rx("document_number.regex", d["document_number"]["regex"]),
            date=date, iso_date=iso,
            trailer=tuple(rx(f"trailer.lines[{i}]", p) for i, p in enumerate(tr["lines"])),
            trailer_max=int(tr["max_lines"]),
            info=_info_pattern(list(keys) + [str(k) for k in d["info"]["skip"]]),
            month=rx("cover.month", d["cover"]["month"]),
            cover_title_lines=int(d["cover"]["max_title_lines"]),
        )
    except KeyError as e:
        raise bad(f"missing key {e}") from None


def _info_pattern(keys: list[str]) -> re.Pattern:
    alts = "|".join(re.escape(k) for k in sorted(set(keys), key=len, reverse=True))
    return re.compile(rf"(?P<key>{alts})\s*[：:]\s*(?P<value>[^\s：:]*)", re.I)


def _info_line(line: Line, R: Rules, env: Envelope | None = None) -> bool:
    """Is ``line`` made of ``key：value`` pairs of an information block? Record its fields."""
    pairs = list(R.info.finditer(line.text))
    if not pairs or not line.text.lstrip().startswith(pairs[0].group("key")):
        return False
    if env is not None:
        for m in pairs:
            target = R.fm_keys.get(m.group("key").lower())
            value = m.group("value").strip()
            if target and value:
                env.fields.setdefault("fm_" + target, value)
                env.spans.setdefault("fm_" + target, (line.start + m.start("value"),
                                                      line.start + m.end("value")))
    return True


@lru_cache(maxsize=1)
def rules() -> Rules:
    return load_rules(DATA_DIR / "envelope.toml")


@dataclass
class Envelope:
    """What surrounds the plan: metadata read from it and the text ranges it covers."""

    fields: dict[str, str] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    ranges: list[tuple[int, int]] = field(default_factory=list)
    front_matter: dict[str, str] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)   # "front_matter", "notice", "trailer"

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def mask(self, text: str) -> str:
        """``text`` with every envelope range blanked (spaces; line breaks kept).

        >>> Envelope(ranges=[(0, 5)]).mask("ab\\ncd\\nef")
        '  \\n  \\nef'
        """
        if not self.ranges:
            return text
        out, pos = [], 0
        for s, e in sorted(self.ranges):
            out.append(text[pos:s])
            out.append(re.sub(r"[^\n]", " ", text[s:e]))
            pos = e
        out.append(text[pos:])
        return "".join(out)

    def is_title(self, text: str) -> bool:
        """Is ``text`` the plan's title as the envelope names it (a reader's heading hint
        for it is the document's title, not a chapter)?

        >>> Envelope(fields={"title": "甲县“十五五”规划"}).is_title("甲县“十五五” 规划")
        True
        """
        title = self.fields.get("title")
        return bool(title) and _plain(unicodedata.normalize("NFKC", text)) == \
            _plain(unicodedata.normalize("NFKC", title))

    def to_dict(self, to_source: Callable[[tuple[int, int]], tuple[int, int]] | None = None
                ) -> dict[str, Any]:
        """JSON form: the fields, each field's span and the envelope ranges (mapped by ``to_source``)."""
        conv = to_source or (lambda sp: sp)
        d: dict[str, Any] = {"parts": list(self.parts)}
        d.update(self.fields)
        d["spans"] = {k: list(conv(v)) for k, v in self.spans.items()}
        d["ranges"] = [list(conv(r)) for r in self.ranges]
        if self.front_matter:
            d["front_matter"] = dict(self.front_matter)
        return d


def parse_date(s: str, R: Rules | None = None) -> str | None:
    """An ISO date from ``2026年7月24日``, ``二〇二五年三月八日`` or ``2021-07-20``; else None.

    >>> parse_date("二〇二五年三月八日"), parse_date("2026年7月24日"), parse_date("2021-07-20")
    ('2025-03-08', '2026-07-24', '2021-07-20')
    >>> parse_date("2026年13月1日") is None
    True
    """
    R = R or rules()
    s = re.sub(r"\s+", "", s or "")
    m = R.date.match(s) or R.iso_date.match(s)
    if not m:
        return None
    y = m.group("y")
    if not y.isdigit():
        y = "".join(str(cn_to_int(c) if c not in "○OＯ" else 0) for c in y)
    mo, d = cn_to_int(m.group("m")), cn_to_int(m.group("d"))
    if not (y.isdigit() and mo and d and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{int(y):04d}-{mo:02d}-{d:02d}"


def _plain(s: str) -> str:
    """A title without spaces, book-title marks or markdown marks, for comparison."""
    return re.sub(r"[\s《》#]", "", s or "")


def _plan_title(issued: str) -> str:
    """The plan named in a notice title: the first 《…》, else the whole phrase."""
    m = re.search(r"《([^《》]+)》", issued)
    return re.sub(r"\s+", "", (m.group(1) if m else issued))


def _value_span(line: Line, value: str) -> tuple[int, int]:
    k = line.text.find(value)
    return (line.start + k, line.start + k + len(value)) if k >= 0 else (line.start, line.end)


def find_envelope(text: str, R: Rules | None = None) -> Envelope:
    """Front matter, notice and print record of a normalised plan text (see module doc)."""
    R = R or rules()
    env = Envelope()
    # only the head and the tail of a long plan can be envelope: split just those
    head_end = _nth_line_end(text, 2 * (R.fm_max_lines + R.max_lines) + 40, _HEAD_CHARS)
    head = split_lines(text[:head_end])
    if head_end < len(text) and head and head[-1].end == head_end:
        head.pop()  # a line cut by the window
    i = _front_matter(head, R, env)
    _notice(head, i, R, env)
    if "front_matter" in env.parts and "notice" not in env.parts and i < len(head) \
            and head[i].text.startswith("#"):
        # the index's markdown title line repeats its front matter's 标题
        env.ranges[-1] = (env.ranges[-1][0], head[i].end)
    covered = max((e for _, e in env.ranges), default=-1)
    _cover(head, next((k for k, l in enumerate(head) if l.start > covered), len(head)), R, env)
    t0 = max(0, len(text) - _TAIL_CHARS)
    tail = [Line(l.text, l.start + t0, l.end + t0, l.no) for l in split_lines(text[t0:])]
    if t0 and tail and text[t0 - 1] != "\n":
        tail.pop(0)  # a line cut by the window
    _trailer(tail, R, env)
    _settle(env, R)
    return env


_HEAD_CHARS = 8000    # a notice and front matter fit many times over
_TAIL_CHARS = 3000


def _nth_line_end(text: str, n: int, cap: int) -> int:
    """Offset after the ``n``-th line break (at most ``cap``, at most the text's end)."""
    pos = 0
    for _ in range(n):
        k = text.find("\n", pos, cap)
        if k < 0:
            return min(len(text), cap)
        pos = k + 1
    return pos


def _front_matter(lines: list[Line], R: Rules, env: Envelope) -> int:
    """Read a leading ``---`` block and the ``>`` lines after it; the next line index."""
    if not lines or lines[0].text.strip() != "---":
        return 0
    close = next((j for j in range(1, min(len(lines), R.fm_max_lines + 2))
                  if lines[j].text.strip() == "---"), None)
    if close is None:
        return 0
    for line in lines[1:close]:
        m = re.match(r"^\s*([^:：]{1,30}?)\s*[:：]\s*(.*?)\s*$", line.text)
        if not m:
            continue
        key, value = m.group(1).strip(), m.group(2).strip().strip("\"'")
        if not value or value in ("-", "—", "--", "无", "暂无", "null", "None"):
            continue    # 文号: - : the index has no value
        env.front_matter[key] = value
        target = R.fm_keys.get(key.lower())
        if target:
            env.spans.setdefault("fm_" + target, _value_span(line, value))
            env.fields.setdefault("fm_" + target, value)
    j = close + 1
    while j < len(lines) and R.fm_after.match(lines[j].text):
        j += 1
    env.ranges.append((lines[0].start, lines[j - 1].end))
    env.parts.append("front_matter")
    return j


def _notice(lines: list[Line], i: int, R: Rules, env: Envelope) -> None:
    """Find a notice title within the first lines from ``i`` and the notice below it."""
    found = None
    for k in range(i, min(len(lines), i + 16)):
        t = lines[k].text
        if R.doc_number.fullmatch(t.replace(" ", "")) or R.before_title.match(t) \
                or R.issuer.match(t.replace(" ", "")) or _info_line(lines[k], R):
            continue  # a letterhead, number or page information block above the title
        for m_ in range(3):
            if k + m_ >= len(lines):
                break
            joined = "".join(l.text for l in lines[k:k + m_ + 1])
            if len(joined) > 160:
                break
            m = R.title.match(joined)
            if m:
                found = (k, k + m_, m)
                break
        break  # the first other line is the notice's title, or there is no notice
    if not found:
        return
    k, last, m = found
    env.parts.append("notice")
    head_start = lines[i].start
    env.fields["notice_title"] = re.sub(r"^#+\s*", "", "".join(l.text for l in lines[k:last + 1])).strip()
    env.spans["notice_title"] = (lines[k].start, lines[last].end)
    plan = _plan_title(m.group("plan"))
    env.fields["notice_plan"] = plan
    env.spans["notice_plan"] = (lines[k].start, lines[last].end)
    if m.group("issuer").strip():
        env.fields["notice_issuer"] = re.sub(r"^#+|\s+", "", m.group("issuer"))
        env.spans["notice_issuer"] = (lines[k].start, lines[last].end)
    for line in lines[i:k]:
        _info_line(line, R, env)
        if R.doc_number.fullmatch(line.text.replace(" ", "")):
            env.fields.setdefault("notice_doc_number", line.text.replace(" ", ""))
            env.spans.setdefault("notice_doc_number", (line.start, line.end))

    # the notice runs to its date (and a public note after it), or else to its last
    # sentence that only a notice says and the signature lines after that
    heading = structure()
    end = last
    last_body = date_at = None
    # first look for the date; without one, the notice ends at its last notice sentence
    # before anything that looks like the plan's own title
    for looking_for_date in (True, False):
        j, chars = last + 1, 0
        while j < len(lines) and j <= last + R.max_lines and chars <= R.max_chars:
            t = lines[j].text
            if _plain(t) == _plain(plan) or heading.heading_for(t) \
                    or not looking_for_date and R.plan_title.match(t):
                break
            if looking_for_date and (parse_date(t, R) or _signed_line(t, R)):
                date_at = j
                break
            if not looking_for_date and R.body.search(t):
                last_body = j
            chars += len(t)
            j += 1
        if date_at is not None:
            break
    if date_at is not None:
        end = date_at
        while end + 1 < len(lines) and (R.public_note.match(lines[end + 1].text)
                                        or R.attachment_mark.match(lines[end + 1].text)
                                        or R.attachment.match(lines[end + 1].text)
                                        and len(lines[end + 1].text) <= 80):
            end += 1
    elif last_body is not None:
        end = last_body
        while end + 1 < len(lines) and (R.issuer.match(lines[end + 1].text)
                                        or R.public_note.match(lines[end + 1].text)):
            end += 1
    env.ranges.append((head_start, lines[end].end))

    notice = lines[last + 1:end + 1]
    for line in notice:
        t = line.text.replace(" ", "")
        if R.doc_number.fullmatch(t):
            env.fields.setdefault("notice_doc_number", t)
            env.spans.setdefault("notice_doc_number", (line.start, line.end))
        elif _info_line(line, R, env):
            pass
        elif R.attachment.match(line.text):
            rest = R.attachment.sub("", line.text).strip()
            if rest:
                env.fields.setdefault("attachment", _plan_title(rest))
    signers: list[Line] = []
    if date_at is not None:
        dl = lines[date_at]
        one_line = _signed_line(dl.text, R)
        if one_line:  # "湖北省人民政府办公厅 2025年3月8日" on one line
            who, when = one_line
            env.fields["signature"] = who
            env.spans["signature"] = (dl.start, dl.start + len(dl.text) - len(when))
            env.fields["signed"] = parse_date(when, R) or ""
        else:
            env.fields["signed"] = parse_date(dl.text, R) or ""
        env.spans["signed"] = (dl.start, dl.end)
    # the signature: issuer lines right above the date (or right after the last sentence)
    sign_end = date_at if date_at is not None else end + 1
    p = sign_end - 1
    while p > last and R.issuer.match(lines[p].text) and not R.addressees.match(lines[p].text):
        signers.insert(0, lines[p])
        p -= 1
    if signers and "signature" not in env.fields:
        env.fields["signature"] = "、".join(re.sub(r"\s+", "", l.text) for l in signers)
        env.spans["signature"] = (signers[0].start, signers[-1].end)


def _signed_line(t: str, R: Rules) -> tuple[str, str] | None:
    """``(issuer, date)`` of a signature and date on one line, else None."""
    m = re.match(r"^(?P<who>\S.*?)\s+(?P<when>\S+年\S+月\S+日)$", t)
    if m and R.issuer.match(m.group("who").replace(" ", "")) and parse_date(m.group("when"), R):
        return m.group("who").replace(" ", ""), m.group("when")
    return None


def _cover(lines: list[Line], c: int, R: Rules, env: Envelope) -> None:
    """The plan's own cover: its title (one or two lines from ``c``), then the drawing-up
    body and/or a date, each alone on a line. Those lines are masked; the body is the
    issuer when nothing better names one, a full date the date issued."""
    if c >= len(lines):
        return
    for t in range(1, R.cover_title_lines + 1):
        title = lines[c:c + t]
        if len(title) < t or any(len(l.text) > 40 or l.text.endswith(("。", "；", "：", ":"))
                                 or R.issuer.match(l.text.replace(" ", "")) for l in title):
            return
        j = c + t
        who = when = None
        while j < len(lines) and j < c + t + 2:
            x = lines[j].text.replace(" ", "")
            if who is None and when is None and R.issuer.match(x):
                who = lines[j]
            elif when is None and (parse_date(x, R) or R.month.match(x)):
                when = lines[j]
            else:
                break
            j += 1
        if who is None and when is None:
            continue
        env.parts.append("cover")
        env.ranges.append((lines[c + t].start, lines[j - 1].end))
        if who is not None:
            env.fields["cover_issuer"] = who.text.replace(" ", "")
            env.spans["cover_issuer"] = (who.start, who.end)
        if when is not None and parse_date(when.text, R):
            env.fields["cover_date"] = when.text
            env.spans["cover_date"] = (when.start, when.end)
        return


def _trailer(lines: list[Line], R: Rules, env: Envelope) -> None:
    """The print record at the very end of a file (抄送：…, …印发)."""
    covered = max((e for _, e in env.ranges), default=-1)
    j = len(lines)
    while j > 0 and len(lines) - j < R.trailer_max and lines[j - 1].start > covered \
            and any(p.search(lines[j - 1].text) for p in R.trailer):
        j -= 1
    if j < len(lines):
        env.ranges.append((lines[j].start, lines[-1].end))
        env.parts.append("trailer")


def _settle(env: Envelope, R: Rules) -> None:
    """Choose each field from its sources (see the module doc for the order)."""
    f, sp = env.fields, env.spans
    out: dict[str, str] = {}
    spans: dict[str, tuple[int, int]] = {}

    def pick(name: str, *sources: str, conv: Callable[[str], str | None] = lambda v: v) -> None:
        for s in sources:
            v = f.get(s)
            v = conv(v) if v else None
            if v:
                out[name] = v
                if s in sp:
                    spans[name] = sp[s]
                return

    fm_title = f.get("fm_title")
    if fm_title:
        m = R.title.match(fm_title)
        if m:
            f["fm_notice_title"] = fm_title
            f["fm_plan"] = _plan_title(m.group("plan"))
            f.setdefault("fm_notice_issuer", re.sub(r"\s+", "", m.group("issuer")))
            sp["fm_notice_title"] = sp["fm_plan"] = sp["fm_notice_issuer"] = sp["fm_title"]
        else:
            f["fm_plan"] = fm_title.strip()
            sp["fm_plan"] = sp["fm_title"]
    pick("title", "notice_plan", "fm_plan", "attachment")
    pick("notice_title", "notice_title", "fm_notice_title")
    pick("issuer", "signature", "fm_issuer", "notice_issuer", "fm_notice_issuer", "cover_issuer",
         conv=lambda v: re.sub(r"\s+", "", v))
    pick("doc_number", "notice_doc_number", "fm_doc_number", conv=lambda v: re.sub(r"\s+", "", v))
    pick("issued", "fm_issued", "signed", "cover_date", conv=lambda v: parse_date(v, R))
    pick("signed", "signed", "fm_signed", conv=lambda v: parse_date(v, R))
    env.fields, env.spans = out, spans
