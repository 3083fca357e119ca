"""Robustness: a generated corpus of ≥ 1,000 malformed tables and profiles.

For every case: no exception other than the documented rejections (each carrying a
non-empty message), the source file unchanged (bytes), the open profile's file
unchanged when the import is refused, and never a partial import (an accepted import
holds every row of the table, each valid).
"""

import hashlib
import io
import json
import random

import openpyxl
import pytest

from ecologis.io.emissions_table import TableReadError, read_emissions
from ecologis.io.import_rules import ImportRefused, import_into_profile, plan_import
from ecologis.io.profile import ProfileError, load_profile, save_profile

from .._fuzzing import bytes_flipped, truncated, zip_rewritten

SEED = 20250421
N_TABLES = 700
N_PROFILES = 500

BASE_CSV = ("Речовина;Маса, т/рік;ГДК с.д.;Клас\n"
            "Азоту діоксид;34,7849;0,04;2\n"
            "Сірки діоксид (ангідрид сірчистий);8,27394;0,05;3\n"
            "Вуглецю оксид;27,2772;3;4\n")
WEIRD_VALUES = ["NaN", "nan", "inf", "-inf", "1e400", "-1e400", "9" * 400, "1e-400", "-5", "0", "", " ", "abc",
                "1,2,3", "1.2,3", "١٢", "½", "0x10", "1_000", "\u00a0", "∞", "None", "null", "TRUE", "1e308", "-0"]


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def _mutate_text(rng: random.Random, text: str) -> bytes:
    kind = rng.randrange(10)
    if kind == 0:   # truncated
        enc = text.encode(rng.choice(["utf-8", "cp1251"]))
        return enc[: rng.randrange(0, len(enc))]
    if kind == 1:   # weird values in random cells
        lines = [ln.split(";") for ln in text.splitlines()]
        for _ in range(rng.randrange(1, 6)):
            r = rng.randrange(1, len(lines))
            c = rng.randrange(len(lines[r]))
            lines[r][c] = rng.choice(WEIRD_VALUES)
        return "\n".join(";".join(x) for x in lines).encode("utf-8")
    if kind == 2:   # binary garbage
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 600)))
    if kind == 3:   # wrong encodings
        enc = rng.choice(["utf-16-le", "utf-16-be", "koi8-u", "mac-cyrillic", "cp866", "utf-32"])
        return text.encode(enc, errors="replace")
    if kind == 4:   # random byte flips
        b = bytearray(text.encode("utf-8"))
        for _ in range(rng.randrange(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 5:   # ragged rows, quotes, extra delimiters
        out = []
        for ln in text.splitlines():
            cells = ln.split(";")
            op = rng.randrange(4)
            if op == 0:
                cells = cells[: rng.randrange(len(cells) + 1)]
            elif op == 1:
                cells += [rng.choice(['"', '""', "'", ";;", "\t", "\r"])] * rng.randrange(1, 4)
            elif op == 2:
                cells.insert(rng.randrange(len(cells) + 1), '"unterminated')
            out.append(";".join(cells))
        return "\n".join(out).encode("utf-8")
    if kind == 6:   # huge row count of empties / very long cell
        if rng.random() < 0.5:
            return (text + "\n" * rng.randrange(1, 2000)).encode("utf-8")
        return (text + "Метан;" + "1" * rng.randrange(1000, 20000) + ";1;4\n").encode("utf-8")
    if kind == 7:   # header mangled
        lines = text.splitlines()
        lines[0] = rng.choice(["", ";;;", "x;y;z", "Маса;Маса;Маса", "Речовина", "\ufeff\ufeff"])
        return "\n".join(lines).encode("utf-8")
    if kind == 8:   # NUL bytes and control characters
        b = text.encode("utf-8")
        p = rng.randrange(len(b))
        return b[:p] + rng.choice([b"\x00", b"\x1a", b"\x00\x00\x00", b"\x7f"]) + b[p:]
    return ("\ufeff" + text).encode("utf-8")[: rng.randrange(1, 80)]


def _xlsx_base() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in BASE_CSV.splitlines():
        ws.append(line.split(";"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _mutate_xlsx(rng: random.Random, base: bytes) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return truncated(rng, base)
    if kind == 1:
        return bytes_flipped(rng, base)

    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        if kind == 2:
            return data[: rng.randrange(len(data))]
        return data.replace(b"34,7849", rng.choice(WEIRD_VALUES).encode("utf-8"))

    return zip_rewritten(base, edit)


def _json_table(rng: random.Random) -> bytes:
    junk = [None, True, [], {}, "x", -1, 1e308, "NaN", [1, [2, [3]]], {"a": {"b": 1}}, 10 ** 400, "1e999"]
    rows = []
    for _ in range(rng.randrange(0, 6)):
        r = {"substance": rng.choice(["Метан", "Азоту діоксид", "", None, 5, ["x"]]), "mass": rng.choice(junk + [1.5])}
        for k in ("unit", "gdk_sd", "hazard_class", "hours_per_year", "row", "source_id"):
            if rng.random() < 0.4:
                r[k] = rng.choice(junk)
        rows.append(r)
    doc = rng.choice([rows, {"emissions": rows}, {"emissions": "x"}, rows[:1] if rows else 5])
    text = json.dumps(doc, ensure_ascii=False, default=str)
    if rng.random() < 0.2:
        text = text.replace("1e+308", "NaN")
    if rng.random() < 0.1:
        text = "[" * 5000 + "]" * 5000
    return text.encode("utf-8")


@pytest.fixture(scope="module")
def corpus_tables():
    rng = random.Random(SEED)
    xb = _xlsx_base()
    cases = []
    for i in range(N_TABLES):
        r = rng.random()
        if r < 0.65:
            cases.append((f"t{i}.csv", _mutate_text(rng, BASE_CSV)))
        elif r < 0.85:
            cases.append((f"t{i}.xlsx", _mutate_xlsx(rng, xb)))
        else:
            cases.append((f"t{i}.json", _json_table(rng)))
    return cases


def test_corpus_size(corpus_tables):
    assert len(corpus_tables) + N_PROFILES >= 1000


def test_malformed_tables(tmp_path, dictionary, corpus_tables, demo_path):
    target = tmp_path / "open_profile.json"
    target.write_bytes(demo_path.read_bytes())
    orig_profile = target.read_bytes()
    n_rejected = n_accepted = 0
    for name, data in corpus_tables:
        f = tmp_path / name
        f.write_bytes(data)
        before = _sha(data)
        try:
            prof, plan = import_into_profile(f, target, dictionary, duplicates="sum")
        except (TableReadError, ImportRefused, ProfileError) as e:
            msgs = e.messages() if isinstance(e, ImportRefused) else [e.message()]
            assert msgs and all(isinstance(m, str) and m.strip() for m in msgs), (name, e)
            assert target.read_bytes() == orig_profile, name        # the open profile is unchanged
            n_rejected += 1
        else:
            # accepted: every row of the table is in the profile, none with an error
            assert len(prof.emissions) == len(plan.table.emissions) and not plan.errors, name
            assert load_profile(target).emissions == prof.emissions
            n_accepted += 1
            target.write_bytes(orig_profile)
        assert _sha(f.read_bytes()) == before, name                  # the source is never modified
        f.unlink()
    assert n_rejected > 0.8 * len(corpus_tables)
    assert n_accepted > 0            # the accept path (all rows or nothing) is exercised too
    print(f"tables: {n_rejected} rejected, {n_accepted} accepted")
    # also the plan alone (the GUI preview) never raises anything else
    for name, data in corpus_tables[:150]:
        f = tmp_path / name
        f.write_bytes(data)
        try:
            plan_import(f, dictionary)
        except TableReadError as e:
            assert e.message("en").strip()
        f.unlink()


def _mutate_profile(rng: random.Random, base: dict) -> bytes:
    doc = json.loads(json.dumps(base))
    kind = rng.randrange(8)
    junk = [None, True, [], {}, "x", -1, 1e308, 10 ** 30, "NaN", [1, [2]], {"a": 1}, "", 3.5, "14360571"]
    if kind == 0:   # wrong types at random paths
        for _ in range(rng.randrange(1, 4)):
            target = rng.choice([doc, doc["enterprise"], *(doc["emissions"] or [{}])])
            if isinstance(target, dict) and target:
                target[rng.choice(list(target))] = rng.choice(junk)
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    text = json.dumps(doc, ensure_ascii=False)
    if kind == 1:
        return text.encode("utf-8")[: rng.randrange(len(text))]
    if kind == 2:
        return text.replace("34.7849", rng.choice(["NaN", "Infinity", "-Infinity", "1e400", "9" * 5000])).encode("utf-8")
    if kind == 3:
        return text.encode(rng.choice(["cp1251", "utf-16", "koi8-u"]), errors="replace")
    if kind == 4:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
    if kind == 5:
        doc["schema_version"] = rng.choice([0, -1, "2", 2.0, None, 3, 10 ** 20, True])
        return json.dumps(doc).encode("utf-8")
    if kind == 6:
        doc["enterprise"]["edrpou"] = rng.choice(["1436057", "14360571", "abcdefgh", 14360570, ""])
        doc["enterprise"]["lat"] = rng.choice([None, 91, -91, "49", 49.0])
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    b = bytearray(text.encode("utf-8"))
    for _ in range(rng.randrange(1, 10)):
        b[rng.randrange(len(b))] = rng.randrange(32, 127)
    return bytes(b)


def test_malformed_profiles(tmp_path, demo_path):
    base = load_profile(demo_path)
    base.enterprise.edrpou = "14360570"
    good = tmp_path / "good.json"
    save_profile(base, good)
    base_doc = json.loads(good.read_text("utf-8"))
    rng = random.Random(SEED + 1)
    rejected = 0
    for i in range(N_PROFILES):
        data = _mutate_profile(rng, base_doc)
        f = tmp_path / f"p{i}.json"
        f.write_bytes(data)
        try:
            p = load_profile(f)
        except ProfileError as e:
            assert e.message("uk").strip() and e.message("en").strip()
            rejected += 1
        else:
            # a mutation that happens to stay valid must save and reopen cleanly
            if not p.read_only:
                out = tmp_path / "resave.json"
                save_profile(p, out)
                load_profile(out)
        # reading the same file as an emissions source never raises anything else either
        try:
            read_emissions(f)
        except TableReadError as e:
            assert e.message("en").strip()
        assert f.read_bytes() == data
        assert not (tmp_path / f"p{i}.json.bak").exists()
        f.unlink()
    assert rejected > 0.5 * N_PROFILES
