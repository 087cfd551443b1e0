"""One test per item of the normalisation contract in ``normalize()``'s docstring."""
import pytest

from plankg.structure.normalize import normalize, tidy


def norm(s: str) -> str:
    return normalize(s)[0]


def test_1_line_ends():
    assert norm("甲\r\n乙\r丙\n") == "甲\n乙\n丙\n"


@pytest.mark.parametrize("raw, want", [
    ("建设１２０所", "建设120所"),
    ("达到９５．９％", "达到95.9%"),
    ("＞９０", ">90"),
    ("ＣＰＩ指数", "CPI指数"),
    ("第一章　规划背景", "第一章 规划背景"),
    ("坚持普惠共享，兜牢底线（省民政厅负责）：", "坚持普惠共享，兜牢底线（省民政厅负责）："),
], ids=["digits", "decimal-percent", "comparator", "letters", "ideographic-space", "punctuation-kept"])
def test_2_full_width(raw, want):
    assert norm(raw) == want


@pytest.mark.parametrize("raw, want", [
    ("95． 9%", "95.9%"), ("522． 04 万人", "522.04 万人"), ("1 .5", "1.5"), ("3.8", "3.8"),
], ids=["fw-dot-space", "fw-dot-space-2", "space-dot", "plain"])
def test_3_broken_decimals(raw, want):
    assert norm(raw) == want


@pytest.mark.parametrize("page", ["—73—", "— 12 —", "-12-", "第 12 页", "12 / 40", " —33— "])
def test_4_page_numbers(page):
    assert norm(f"上一行\n{page}\n下一行") == "上一行\n下一行"


def test_4_numbers_in_text_are_not_pages():
    assert norm("表格\n100\n95") == "表格\n100\n95"


def test_5_hyphenated_wrap():
    assert norm("the inter-\nnational plan") == "the international plan"


def test_6_spaces():
    assert norm("　 　 坚持以人民为中心  发展 \n a\tb ") == "坚持以人民为中心 发展\na\tb"


def test_offsets_point_into_the_original():
    raw = "第一章　 规划背景\r\n达到 95． 9% 。\r\n—12—\r\n完"
    text, m = normalize(raw)
    for i, ch in enumerate(text):
        j = m.to_source(i)
        assert ch == "\n" or raw[j] == ch or (ch, raw[j]) in {(" ", "\u3000"), (".", "．")}


def test_tidy_removes_pdf_spaces_only():
    assert tidy("建设 1000 所\n幼儿园") == "建设1000所幼儿园"
    assert tidy("5G 网络 and open data") == "5G网络and open data"
    assert tidy("open data plan") == "open data plan"
