"""The series read with categorical text columns gives what the former reader gave: the same
frame values, the same problems (rows, fields, keys) and the same backgrounds, on randomized
files with untidy texts (spaces around posts and substances, blank lines, calm rows without a
direction, numbers as posts)."""

import csv
import importlib.util
import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecologis.core.background import SeriesError, posts_background
from ecologis.core.background.series import SYNONYMS, _norm_header
from ecologis.io.background_series import read_series
from ecologis.io.reference_data import background_reference, load_dictionary

_spec = importlib.util.spec_from_file_location("_old_bg_series", Path(__file__).with_name("_old_series.py"))
_old = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _old            # its dataclasses look their module up
_spec.loader.exec_module(_old)
_pspec = importlib.util.spec_from_file_location("_old_bg_posts", Path(__file__).with_name("_old_posts.py"))
_old_posts = importlib.util.module_from_spec(_pspec)
sys.modules[_pspec.name] = _old_posts
_pspec.loader.exec_module(_old_posts)

SUBSTANCES = ["Азоту діоксид", " Азоту діоксид ", "Сірки діоксид (ангідрид сірчистий)", "Вуглецю оксид", "Аміак"]
POSTS = ["P1", " P1", "P2 ", "3", "Пост 4"]


def _write(path: Path, rng: random.Random, n: int, bad: bool) -> Path:
    t0 = datetime(2021, 1, 1)
    lines = ["timestamp,post,substance,concentration,wind_speed,wind_direction"]
    for i in range(n):
        if rng.random() < 0.01:
            lines.append("")
            continue
        spd = rng.randint(0, 9)
        direction = "" if spd <= 2 and rng.random() < 0.7 else str(rng.randrange(0, 360, 10))
        conc = f"{rng.lognormvariate(-3, 0.6):.5f}"
        if bad and rng.random() < 0.01:
            conc = rng.choice(["-0.1", "abc", ""])
        ts = (t0 + timedelta(hours=rng.randrange(0, 3 * 365 * 24))).strftime("%Y-%m-%d %H:%M")
        lines.append(",".join([ts, rng.choice(POSTS).join('""') if rng.random() < 0.1 else rng.choice(POSTS),
                               rng.choice(SUBSTANCES), conc, str(spd), direction]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _old_read(path: Path, dictionary, refdata):
    """The former reader: text columns as ``str``, chunked C reader, then the former validation."""
    header = pd.read_csv(path, nrows=0).columns
    text_cols = {h: str for h in header
                 if any(_norm_header(h) in SYNONYMS[c] for c in ("timestamp", "post", "substance"))}
    df = pd.read_csv(path, dtype=text_cols, na_values=[""], keep_default_na=False, skip_blank_lines=False,
                     quoting=csv.QUOTE_MINIMAL, engine="c")
    return _old.series_from_table(path.name, list(df.columns), df, 2, dictionary, refdata=refdata)


def _outcome(fn):
    try:
        return fn(), None
    except SeriesError as e:
        return None, [(i.row, i.field, i.key, i.params) for i in e.problems]


@pytest.mark.parametrize("seed", range(7))
def test_series_and_backgrounds_match_the_former_reader(tmp_path, seed):
    rng = random.Random(seed)
    d, ref = load_dictionary(user_path=False), background_reference()
    # the last one large enough (≥ 256 rows per group) for the per-group sorting of the values
    n = 60_000 if seed == 6 else rng.choice([50, 2000, 6000])
    path = _write(tmp_path / f"s{seed}.csv", rng, n, bad=seed % 3 == 2)
    new, new_err = _outcome(lambda: read_series(path, d, ref))
    old, old_err = _outcome(lambda: _old_read(path, d, ref))
    assert new_err == old_err
    if old is None:
        assert seed % 3 == 2         # only the files with bad cells are refused
        return
    assert list(new.frame.columns) == list(old.frame.columns)
    for c in old.frame.columns:
        a, b = new.frame[c].to_numpy(dtype=object), old.frame[c].to_numpy(dtype=object)
        assert len(a) == len(b) and all(x == y or (x != x and y != y) for x, y in zip(a, b)), c
    assert new.names == old.names
    rn, ro = posts_background(new, refdata=ref), _old_posts.posts_background(old, refdata=ref)
    # NaN (a gradation without values) compares equal in the JSON text
    assert json.dumps(rn.values, sort_keys=True, default=str) == json.dumps(ro.values, sort_keys=True, default=str)
    assert [(w.key, w.params) for w in rn.warnings] == [(w.key, w.params) for w in ro.warnings]
    assert len(new.frame) > 0 and np.unique(new.frame["post"].astype(str)).size == 4   # " P1" is "P1"
