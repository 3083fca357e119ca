"""A series reads the same whatever encoding plants save it in (UTF-8 files go to the CSV
reader as bytes, the others as decoded text): the same statistics, and the same problems
reported for the same cells."""

import json

import pytest

from ecologis.core.background import posts_background
from ecologis.core.background.errors import SeriesError
from ecologis.io.background_series import read_series
from ecologis.io.reference_data import background_reference

from ._helpers import HEADER, gradation_rows

ENCODINGS = [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1251", b""), ("utf-16", b"")]


def _text() -> str:
    rows = gradation_rows("П1", "Азоту діоксид", {g: [0.01 * (k + 1) for k in range(30)]
                                                 for g in ("calm", "N", "E", "S", "W")})
    rows += gradation_rows("П2", "Сірки діоксид (ангідрид сірчистий)", {"calm": [0.02] * 25, "N": [0.05] * 25})
    return HEADER + "".join(";".join(str(c) for c in r) + "\n" for r in rows).replace(",", ";").replace(";", ",")


def _json(values) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)


@pytest.mark.parametrize("encoding, bom", ENCODINGS)
def test_the_same_series_in_every_encoding(tmp_path, encoding, bom):
    ref = tmp_path / "ref.csv"
    ref.write_bytes(_text().encode("utf-8"))
    f = tmp_path / "series.csv"
    f.write_bytes(bom + _text().encode(encoding))
    refdata = background_reference()
    # compared as JSON text: NaN (a gradation without data) equals itself there
    assert _json(posts_background(read_series(f), refdata=refdata).values) == \
        _json(posts_background(read_series(ref), refdata=refdata).values)


@pytest.mark.parametrize("encoding, bom", ENCODINGS)
def test_the_same_problems_in_every_encoding(tmp_path, encoding, bom):
    text = _text().replace("0.05", "п'ять", 1)
    f = tmp_path / "bad.csv"
    f.write_bytes(bom + text.encode(encoding))
    with pytest.raises(SeriesError) as e:
        read_series(f)
    issues = [(i.row, i.field, i.key) for i in e.value.problems]
    assert issues and all(i[2].startswith("bg.err.") for i in issues)
    ref = tmp_path / "ref.csv"
    ref.write_bytes(text.encode("utf-8"))
    with pytest.raises(SeriesError) as e2:
        read_series(ref)
    assert issues == [(i.row, i.field, i.key) for i in e2.value.problems]
