"""Data files: the shipped ones load; a bad line fails with file and line named."""
from __future__ import annotations

from pathlib import Path

import pytest

from plankg.semantic import datafiles
from plankg.errors import DataFileError


def test_shipped_files_load():
    assert datafiles.units()["平方米"] == "area"
    assert datafiles.departments()["卫健委"] == "卫生健康委"
    assert len(datafiles.region_rows()) >= 34
    assert len(datafiles.userdict()) >= 100
    assert "建设" in datafiles.stopwords()
    assert datafiles.patterns("quantity")
    assert datafiles.patterns("departments")


def test_every_unit_alternation_prefers_the_longer_unit():
    from plankg.semantic.quantities import find_quantities

    units = [u for u, k in datafiles.units().items() if k != "multiplier" and len(u) > 1]
    for unit in units:
        (q,) = [q for q in find_quantities(f"新增 3 {unit}。") if q["value"] == "3"]
        assert q["unit"] == unit


HEADER = {
    "units": "unit\tkind\n",
    "departments": "alias\tcanonical\n",
    "regions": "code\tname\tshort_name\tlevel\n",
}

# (id, loader, file body, expected message after "<path>:")
BAD = [
    ("units-columns", "units", HEADER["units"] + "所\tcount\textra\n",
     "2: E200 bad data file: expected 2 tab-separated columns (unit kind), found 3"),
    ("units-kind", "units", HEADER["units"] + "# comment\n所\tcounting\n",
     "3: E200 bad data file: unknown kind 'counting'; one of ['age', 'area', 'count', "
     "'length', 'mass', 'money', 'multiplier', 'percent', 'person', 'time', 'volume']"),
    ("units-duplicate", "units", HEADER["units"] + "所\tcount\n\n所\tcount\n",
     "4: E200 bad data file: duplicate unit '所' (first on line 2)"),
    ("units-header", "units", "unit kind\n所\tcount\n",
     "1: E200 bad data file: header must be 'unit kind' (tab-separated), found 'unit kind'"),
    ("departments-same", "departments", HEADER["departments"] + "民政厅\t民政厅\n",
     "2: E200 bad data file: alias '民政厅' equals its canonical form"),
    ("departments-latin", "departments", HEADER["departments"] + "NHC\t卫生健康委\n",
     "2: E200 bad data file: 'NHC' is not a name in Chinese characters"),
    ("regions-code", "region_rows", HEADER["regions"] + "51000\t四川省\t四川\tprovince\n",
     "2: E200 bad data file: code '51000' is not six digits (GB/T 2260)"),
    ("regions-level", "region_rows", HEADER["regions"] + "510000\t四川省\t四川\tstate\n",
     "2: E200 bad data file: unknown level 'state'; one of ['city', 'district', 'province']"),
    ("regions-province-code", "region_rows", HEADER["regions"] + "510100\t四川省\t四川\tprovince\n",
     "2: E200 bad data file: province code '510100' must end in 0000"),
    ("regions-duplicate-name", "region_rows",
     HEADER["regions"] + "510000\t四川省\t四川\tprovince\n520000\t四川省\t四川\tprovince\n",
     "3: E200 bad data file: duplicate name '四川省' (first on line 2)"),
    ("userdict-fields", "userdict", "# c\n护理型床位 20000\n",
     "2: E200 bad data file: expected 'word freq pos', found 2 fields"),
    ("userdict-freq", "userdict", "护理型床位 many n\n",
     "1: E200 bad data file: frequency 'many' is not a positive integer"),
    ("userdict-pos", "userdict", "护理型床位 100 noun\n",
     "1: E200 bad data file: unknown part of speech 'noun'"),
    ("stopwords-duplicate", "stopwords", "建设\n提升\n建设\n",
     "3: E200 bad data file: duplicate word '建设' (first on line 1)"),
    ("topics-kind", "topics", "topic\tkind\tterms\trelated\n托育\tservices\t托位\t-\n",
     "2: E200 bad data file: kind 'services' not one of ['outcome', 'population', 'service']"),
    ("topics-term-twice", "topics",
     "topic\tkind\tterms\trelated\n托育\tservice\t托位\t-\n婴幼儿\tpopulation\t托位\t-\n",
     "3: E200 bad data file: duplicate term '托位' (first on line 2)"),
    ("topics-related-undefined", "topics",
     "topic\tkind\tterms\trelated\n健康成效\toutcome\t预期寿命\t公共卫生\n",
     "2: E200 bad data file: related topic '公共卫生' is not defined"),
    ("topics-related-population", "topics",
     "topic\tkind\tterms\trelated\n老年人\tpopulation\t老年人\t-\n"
     "健康成效\toutcome\t预期寿命\t老年人\n",
     "3: E200 bad data file: related topic '老年人' is not a service topic"),
]


@pytest.mark.parametrize("loader,body,message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_line_names_file_and_line(tmp_path, loader, body, message):
    p = tmp_path / f"{loader}.data"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        getattr(datafiles, loader)(p)
    assert str(exc.value) == f"{p}:{message}"
    assert exc.value.path == str(p) and exc.value.code == "E200"


BAD_PATTERNS = [
    ("json", "quantity", '{"type": "exclude", "phrase": "一批"}\n{"type": \n',
     "2: E200 bad data file: not JSON: Expecting value at column 10"),
    ("type", "quantity", '{"type": "unit", "phrase": "x"}\n',
     "1: E200 bad data file: unknown type 'unit'; one of ['approximate', 'comparator', "
     "'exclude', 'number_stop', 'numeral_stop', 'scope_noun', 'scope_start']"),
    ("value", "quantity", '{"type": "comparator", "cue": "至少", "position": "before", '
     '"comparator": "=>"}\n',
     "1: E200 bad data file: comparator '=>' not one of ['<', '>', '≤', '≥']"),
    ("missing-key", "departments", '{"type": "label", "marker": "牵头单位"}\n',
     "1: E200 bad data file: type 'label' needs a non-empty string 'role'"),
    ("extra-key", "departments", '{"type": "suffix", "text": "厅", "weight": 2}\n',
     "1: E200 bad data file: unknown key(s) ['weight'] for type 'suffix'"),
    ("duplicate", "departments", '{"type": "suffix", "text": "厅"}\n# c\n{"type": "suffix", "text": "厅"}\n',
     "3: E200 bad data file: duplicate entry 'suffix:厅' (first on line 1)"),
]


@pytest.mark.parametrize("name,body,message", [b[1:] for b in BAD_PATTERNS],
                         ids=[b[0] for b in BAD_PATTERNS])
def test_bad_pattern_line(tmp_path, name, body, message):
    p = tmp_path / f"{name}.jsonl"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        datafiles.patterns(name, p)
    assert str(exc.value) == f"{p}:{message}"


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(DataFileError, match="E200 bad data file: file is missing"):
        datafiles.units(tmp_path / "nope.tsv")
    p = tmp_path / "gbk.tsv"
    p.write_bytes("unit\tkind\n所\tcount\n".encode("gb18030"))
    with pytest.raises(DataFileError, match=r"gbk\.tsv: E200 bad data file: not UTF-8"):
        datafiles.units(p)


def test_data_dir_is_inside_the_package():
    import plankg
    assert datafiles.DATA_DIR == Path(plankg.__file__).parent / "data"
