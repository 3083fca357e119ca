"""Fuzzing every importer reachable through ``ecologis-cli``, in-process through ``main(argv)``.

From a fixed seed, at least 2,000 malformed inputs — truncated, byte-flipped, huge
fields, deep nesting, huge/NaN/inf numbers, wrong JSON types, missing and extra keys,
wrong encodings, empty files — go through the commands that read them: ``assess``,
``import``, ``export``, ``batch`` (emissions CSV/XLSX, profile JSON), ``site`` (GeoJSON,
KML and CSV site and receptors, profiles), ``identify`` (ОПН inventory CSV/XLSX/JSON),
``dispersion`` (sources JSON), ``background`` (series CSV, posts JSON, values, sources
JSON) and ``dict-import``.

For every case: no exception escapes ``main``; nothing traceback-like is printed; the
exit code is 0, 1 or 2; no file that existed before is changed unless the command
succeeded and the file is its output; no other file appears (no partial output, no
temporary file).  The entry point's generic "could not read" fallback must not be
reached either: every kind of bad input met here has its own message.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import random
import re
from pathlib import Path

import openpyxl
import pytest

from ecologis.cli import errors as cli_errors
from ecologis.cli import main
from ecologis.paths import DEMO_PROFILE

from .._fuzzing import bytes_flipped, truncated, zip_rewritten

SEED = 20261206
N_CASES = 2200

TRACEBACK_LIKE = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|"
    r"\b(Type|Value|Key|Index|Attribute|Recursion|Overflow|ZeroDivision|Unicode(De|En)code|Memory|Runtime|"
    r"Assertion|Name|Lookup|NotImplemented|FloatingPoint|OS|IO|Import)Error\b|\bStopIteration\b|"
    # Python's own wording reaching a message
    r"codec can't|maximum recursion depth|object is not (iterable|subscriptable|callable)|has no attribute|"
    r"invalid literal for|unsupported operand|NoneType")

# ---------------------------------------------------------------- base inputs
EMISSIONS_CSV = ("Речовина;Маса, т/рік;ГДК с.д.;Клас\n"
                 "Азоту діоксид;34,7849;0,04;2\n"
                 "Сірки діоксид (ангідрид сірчистий);8,27394;0,05;3\n"
                 "Вуглецю оксид;27,2772;3;4\n")
INVENTORY_CSV = "name;cas;categories;quantity_t\nХлор;7782-50-5;;12,5\nТолуол;;P5c;100\nАміак;7664-41-8;H2;1\n"
INVENTORY_JSON = [{"name": "Хлор", "cas": "7782-50-5", "categories": "", "quantity_t": 1},
                  {"name": "S", "categories": ["H2", "e1"], "quantity_t": "7,5"}]
SERIES_CSV = ("timestamp,post,substance,concentration,wind_speed,wind_direction\n"
              + "".join(f"2023-01-01 {h:02d}:00,A,NO2,0.{h + 1},{1 + h % 5},{(h * 45) % 360 if h % 5 else ''}\n"
                        for h in range(24)))
VALUES_CSV = "value\n0,1\n0,2\n0,15\n0,3\n0,05\n"
POSTS_JSON = {"posts": [{"post": "A", "lat": 49.0, "lon": 28.0, "backgrounds": {"NO2": 0.1}},
                        {"post": "B", "lat": 49.0, "lon": 28.04, "backgrounds": {"NO2": 0.3}}]}
DISPERSION_JSON = {"A": 200, "eta": 1, "ambient_temp_c": 25,
                   "sources": [{"id": "S1", "lat": 49.23, "lon": 28.47, "height_m": 35, "diameter_m": 1.4,
                                "velocity_m_s": 7, "temp_c": 125,
                                "emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "F": 1,
                                               "gdk_mr_mg_m3": 0.5}]}],
                   "grid": {"step_m": 250, "half_extent_m": 2000}, "directions": 8,
                   "receptors": [{"id": "R1", "lat": 49.24, "lon": 28.48, "name": "Школа"}]}
SITE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "Майданчик", "layer": "site"},
     "geometry": {"type": "Polygon", "coordinates": [[[28.466, 49.232], [28.470, 49.232], [28.470, 49.2345],
                                                      [28.466, 49.2345], [28.466, 49.232]]]}},
    {"type": "Feature", "properties": {"name": "Школа №3", "kind": "school"},
     "geometry": {"type": "Point", "coordinates": [28.475, 49.233]}}]}
RECEPTORS_CSV = "name;kind;lat;lon\nШкола;school;49,233;28,475\nЛікарня;hospital;49,24;28,46\n"
DICTIONARY_JSON = {"substances": [{"id": "fz-1", "name_uk": "Речовина", "name_en": "Substance", "gdk_sd": 0.2,
                                   "hazard_class": 3}]}


def _xlsx(text: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in text.splitlines():
        ws.append(line.split(";"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _kml() -> bytes:
    from ecologis.io.gis import from_geojson, to_kml

    return to_kml(from_geojson(SITE, "site.geojson"), "uk")


# ---------------------------------------------------------------- mutations
JUNK_VALUES = [None, True, False, [], {}, "", "x", -1, 0, 1e308, -1e308, 5e-324, "NaN", [1, [2, [3]]],
               {"a": {"b": 1}}, "1e999", "\u0000", "٣", "½"]
SPECIAL_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "9" * 5000, "-" + "9" * 400, "1e308",
                   "-0", "0", "4.9e-324"]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


def _get(node, path):
    for p in path:
        node = node[p]
    return node


def _set(root, path, value):
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


def mutate_json(rng: random.Random, doc) -> bytes:
    """Structural mutations of a JSON document, serialised (some only expressible as text)."""
    doc = json.loads(json.dumps(doc))
    placeholders = {}
    for _ in range(rng.randrange(1, 4)):
        paths = list(_paths(doc))
        path = rng.choice(paths)
        node = _get(doc, path)
        kind = rng.randrange(9)
        if kind == 0:                                       # wrong type
            doc = _set(doc, path, rng.choice(JUNK_VALUES))
        elif kind == 1 and path:                            # missing key / item
            parent = _get(doc, path[:-1])
            del parent[path[-1]]
        elif kind == 2 and isinstance(node, dict):          # extra keys
            node[rng.choice(["extra", "__proto__", "", "й" * 50, "layer", "type", "emissions"])] = \
                rng.choice(JUNK_VALUES)
        elif kind == 3:                                     # special numbers (as JSON text)
            tag = f"__N{len(placeholders)}__"
            placeholders[f'"{tag}"'] = rng.choice(SPECIAL_NUMBERS)
            doc = _set(doc, path, tag)
        elif kind == 4:                                     # deep nesting
            tag = f"__D{len(placeholders)}__"
            n = rng.choice([50, 500, 5000, 100000])
            placeholders[f'"{tag}"'] = rng.choice(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n])
            doc = _set(doc, path, tag)
        elif kind == 5:                                     # huge strings
            doc = _set(doc, path, rng.choice(["x", "Щ", "=", "\u202e"]) * rng.choice([1000, 200_000]))
        elif kind == 6 and isinstance(node, (list, dict)):  # list <-> object
            doc = _set(doc, path, dict(enumerate(node)) if isinstance(node, list) else list(node.values()))
        elif kind == 7 and isinstance(node, (int, float)) and not isinstance(node, bool):
            doc = _set(doc, path, rng.choice([str(node), [node], {"value": node}, -node, node * 1e300]))
        elif kind == 8 and isinstance(node, list) and node:  # many copies
            node.extend([node[0]] * rng.randrange(1, 300))
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.3)
    for k, v in placeholders.items():
        text = text.replace(k, v)
    return text.encode(rng.choice(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1251"]), errors="replace")


def mutate_text(rng: random.Random, text: str) -> bytes:
    kind = rng.randrange(11)
    if kind == 0:                                           # truncated
        b = text.encode("utf-8")
        return b[: rng.randrange(0, len(b))]
    if kind == 1:                                           # byte flips
        b = bytearray(text.encode("utf-8"))
        for _ in range(rng.randrange(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 2:                                           # wrong encodings
        return text.encode(rng.choice(["utf-16-le", "utf-16", "utf-32", "cp866", "koi8-u", "mac-cyrillic"]),
                           errors="replace")
    if kind == 3:                                           # empty / blank
        return rng.choice([b"", b"\n", b"\xef\xbb\xbf", b" \r\n\t", b"\x00"])
    if kind == 4:                                           # huge field
        lines = text.splitlines()
        i = rng.randrange(len(lines))
        big = rng.choice(["x" * 200_000, '"' + "y" * 200_000 + '"', "9" * 5000, "1" * 400 + "e999"])
        lines[i] = big + ";" + lines[i]
        return "\n".join(lines).encode("utf-8")
    if kind == 5:                                           # special numbers in cells
        out = []
        for ln in text.splitlines():
            cells = re.split(r"([;,\t])", ln)
            for j in range(0, len(cells), 2):
                if rng.random() < 0.25:
                    cells[j] = rng.choice(SPECIAL_NUMBERS + ["inf", "-inf", "nan", "1,2,3", "١٢", "", " "])
            out.append("".join(cells))
        return "\n".join(out).encode("utf-8")
    if kind == 6:                                           # ragged rows, stray quotes
        out = []
        for ln in text.splitlines():
            op = rng.randrange(4)
            if op == 0:
                ln = ln[: rng.randrange(len(ln) + 1)]
            elif op == 1:
                ln += rng.choice(['"', ";;;", ",,,", "\t\t", '"unterminated'])
            out.append(ln)
        return "\r\n".join(out).encode("utf-8")
    if kind == 7:                                           # header mangled or missing
        lines = text.splitlines()
        lines[0] = rng.choice(["", ";;;", "x,y,z", "a;a;a", "\ufeff\ufeff", lines[0].upper(), lines[0][::-1]])
        return "\n".join(lines).encode("utf-8")
    if kind == 8:                                           # NUL / control bytes
        b = text.encode("utf-8")
        p = rng.randrange(len(b))
        return b[:p] + rng.choice([b"\x00", b"\x1a", b"\x00\x00", b"\x7f", b"\r"]) + b[p:]
    if kind == 9:                                           # many rows
        lines = text.splitlines()
        return "\n".join(lines + [rng.choice(lines[1:] or lines)] * rng.randrange(100, 3000)).encode("utf-8")
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 800)))   # binary garbage


def mutate_xlsx(rng: random.Random, base: bytes) -> bytes:
    kind = rng.randrange(5)
    if kind == 0:
        return truncated(rng, base)
    if kind == 1:
        return bytes_flipped(rng, base)

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml" or (kind == 4 and name.endswith(".xml")):
            if kind == 2:
                return data[: rng.randrange(len(data))]
            if kind == 3:
                return re.sub(rb"<v>[^<]*</v>", lambda m: b"<v>" + rng.choice(
                    [b"NaN", b"1e999", b"-", b"x" * 40000, b"9" * 5000]) + b"</v>", data, count=3)
            return rng.choice([b"", b"<x/>", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>", data[::-1]])
        return data

    return zip_rewritten(base, edit)


def mutate_kml(rng: random.Random, base: bytes) -> bytes:
    text = base.decode("utf-8")
    kind = rng.randrange(6)
    if kind == 0:
        return mutate_text(rng, text)
    if kind == 1:                                           # entity expansion / external entity
        return ('<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "' + "A" * 100 + '"><!ENTITY b "&a;&a;&a;&a;">'
                ']><kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&b;</name></Document></kml>').encode()
    if kind == 2:                                           # deep nesting
        n = rng.choice([100, 5000, 50000])
        return ('<kml xmlns="http://www.opengis.net/kml/2.2">' + "<Folder>" * n + "</Folder>" * n + "</kml>").encode()
    if kind == 3:                                           # attributes / elements removed
        return re.sub(rng.choice([r' name="[^"]*"', r' id="[^"]*"', r"<value>[^<]*</value>", r"<coordinates>",
                                  r"</coordinates>"]), "", text, count=rng.randrange(1, 4)).encode("utf-8")
    if kind == 4:                                           # coordinates replaced
        return re.sub(r"<coordinates>[^<]*</coordinates>", lambda m: "<coordinates>" + rng.choice(
            ["", "1", "a,b", "1e999,49", "28,49 28,49", "NaN,NaN", "9" * 5000 + ",1", "28,49,0,0,0"]) + "</coordinates>",
            text, count=rng.randrange(1, 3)).encode("utf-8")
    return text.encode(rng.choice(["utf-16", "cp1251", "ascii"]), errors="replace")


# ---------------------------------------------------------------- cases
def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


class Case:
    """One run: the files to write, the argv (``{dir}`` replaced), the outputs a success may write."""

    def __init__(self, target: str, files: dict[str, bytes], argv: list[str], outputs: tuple[str, ...] = ()):
        self.target, self.files, self.argv, self.outputs = target, files, argv, outputs


def build_cases(rng: random.Random, demo_doc: dict) -> list[Case]:
    em_xlsx = _xlsx(EMISSIONS_CSV)
    inv_xlsx = _xlsx(INVENTORY_CSV)
    kml = _kml()
    site_bytes = json.dumps(SITE).encode()
    good_profile = json.dumps(demo_doc, ensure_ascii=False).encode()

    def emissions_file():
        r = rng.random()
        if r < 0.45:
            return "t.csv", mutate_text(rng, EMISSIONS_CSV)
        if r < 0.7:
            return "t.xlsx", mutate_xlsx(rng, em_xlsx)
        return "t.json", mutate_json(rng, rng.choice([demo_doc, demo_doc["emissions"]]))

    def gis_file(kind):
        r = rng.random()
        if r < 0.5:
            return f"{kind}.geojson", mutate_json(rng, SITE)
        if r < 0.8:
            return f"{kind}.kml", mutate_kml(rng, kml)
        return f"{kind}.csv", mutate_text(rng, RECEPTORS_CSV)

    def inventory_file():
        r = rng.random()
        if r < 0.5:
            return "inv.csv", mutate_text(rng, INVENTORY_CSV)
        if r < 0.75:
            return "inv.xlsx", mutate_xlsx(rng, inv_xlsx)
        return "inv.json", mutate_json(rng, rng.choice([INVENTORY_JSON, {"inventory": INVENTORY_JSON}]))

    makers = {
        "assess": lambda: (lambda n, b: Case("assess", {n: b}, ["assess", "{dir}/" + n]
                                             + (["--json"] if rng.random() < 0.3 else [])))(*emissions_file()),
        "import": lambda: (lambda n, b: Case("import", {n: b, "p.json": good_profile},
                                             ["import", "{dir}/" + n, "--profile", "{dir}/p.json", "--duplicates",
                                              "sum"], outputs=("p.json", "p.json.bak")))(*emissions_file()),
        "export": lambda: (lambda fmt: Case("export", {"p.json": mutate_json(rng, demo_doc)},
                                            ["export", "{dir}/p.json", "--out", "{dir}/out." + fmt],
                                            outputs=("out." + fmt,)))(rng.choice(["csv", "xlsx", "json", "geojson"])),
        "site-files": lambda: (lambda a, b: Case("site", {a[0]: a[1], b[0]: b[1]},
                                                 ["site", "--site", "{dir}/" + a[0], "--receptors", "{dir}/" + b[0],
                                                  "--radius", rng.choice(["300", "1e308", "nan", "-1", "0"])]
                                                 + (["--json"] if rng.random() < 0.3 else [])))(
            gis_file("site") if rng.random() < 0.6 else ("site.geojson", site_bytes), gis_file("receptors")),
        "site-profile": lambda: Case("site", {"p.json": mutate_json(rng, demo_doc)}, ["site", "{dir}/p.json", "--json"]),
        "identify": lambda: (lambda n, b: Case("identify", {n: b}, ["identify", "{dir}/" + n]
                                               + (["--json"] if rng.random() < 0.5 else [])))(*inventory_file()),
        "dispersion": lambda: Case("dispersion", {"s.json": mutate_json(rng, DISPERSION_JSON)},
                                   ["dispersion", "{dir}/s.json", "--json"]
                                   + (["--grid", rng.choice(["inf", "1e9", "nan", "-5", "0", "1e-9", "250"])]
                                      if rng.random() < 0.2 else [])
                                   + (["--geojson", "{dir}/out.geojson"] if rng.random() < 0.3 else []),
                                   outputs=("out.geojson",)),
        "dispersion-profile": lambda: Case("dispersion", {"p.json": mutate_json(rng, demo_doc)},
                                           ["dispersion", "{dir}/p.json", "--json", "--grid", "500",
                                            "--directions", "8"]),
        "bg-posts": lambda: Case("background", {"s.csv": mutate_text(rng, SERIES_CSV)},
                                 ["background", "posts", "{dir}/s.csv"] + (["--json"] if rng.random() < 0.5 else [])),
        "bg-interpolate": lambda: Case("background", {"posts.json": mutate_json(rng, POSTS_JSON)},
                                       ["background", "interpolate", "{dir}/posts.json", "--lat", "49.0", "--lon",
                                        "28.02", "--json"]),
        "bg-subplume": lambda: Case("background", {"v.csv": mutate_text(rng, VALUES_CSV)},
                                    ["background", "subplume", "{dir}/v.csv", "--rose", "N=0.5,E=0.5", "--rhumb", "E",
                                     "--distance", "300"]),
        "bg-calculated": lambda: Case("background", {"s.json": mutate_json(rng, DISPERSION_JSON)},
                                      ["background", "calculated", "--sources", "{dir}/s.json", "--substance",
                                       "7446-09-5", "--json"]),
        "batch": lambda: Case("batch", dict([emissions_file(), ("b.json", mutate_json(rng, demo_doc))]),
                              ["batch", "{dir}", "--out", "{dir}/summary.xlsx", "--quiet"], outputs=("summary.xlsx",)),
        "dict-import": lambda: Case("dict-import", {"d.json": mutate_json(rng, DICTIONARY_JSON)},
                                    ["dict-import", "{dir}/d.json"]),
    }
    weights = {"assess": 14, "import": 8, "export": 6, "site-files": 14, "site-profile": 5, "identify": 12,
               "dispersion": 12, "dispersion-profile": 3, "bg-posts": 8, "bg-interpolate": 5, "bg-subplume": 4,
               "bg-calculated": 3, "batch": 2, "dict-import": 4}
    names = list(weights)
    cases = []
    for _ in range(N_CASES):
        case = makers[rng.choices(names, [weights[n] for n in names])[0]]()
        for out in case.outputs:
            # half the time an output exists already: a failed run must leave it as it was
            if not out.endswith(".bak") and out not in case.files and rng.random() < 0.5:
                case.files[out] = b"previous content\n"
        cases.append(case)
    return cases


@pytest.fixture(scope="module")
def cases():
    demo_doc = json.loads(DEMO_PROFILE.read_text("utf-8"))
    return build_cases(random.Random(SEED), demo_doc)


def test_corpus_covers_every_importer(cases):
    assert len(cases) >= 2000
    exts = {Path(n).suffix for c in cases for n in c.files}
    assert exts >= {".csv", ".xlsx", ".json", ".geojson", ".kml"}
    assert {c.argv[0] for c in cases} >= {"assess", "import", "export", "site", "identify", "dispersion",
                                         "background", "batch", "dict-import"}


def test_cli_fuzz(tmp_path, cases, monkeypatch):
    monkeypatch.delenv(cli_errors.DEBUG_ENV, raising=False)
    cli_errors.last_unexpected = None
    problems = []
    codes = {0: 0, 1: 0, 2: 0}
    for i, case in enumerate(cases):
        d = tmp_path / f"c{i}"
        d.mkdir()
        for name, data in case.files.items():
            (d / name).write_bytes(data)
        before = _snapshot(d)
        argv = [a.replace("{dir}", str(d)) for a in case.argv]
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = main(["--lang", "en" if i % 2 else "uk", *argv])
        except BaseException as e:  # noqa: BLE001 — this is what the test looks for
            problems.append((i, case.target, "escaped", f"{type(e).__name__}: {str(e)[:200]}"))
            continue
        if cli_errors.last_unexpected is not None:
            e = cli_errors.last_unexpected
            problems.append((i, case.target, "generic fallback", f"{type(e).__name__}: {str(e)[:200]}"))
            cli_errors.last_unexpected = None
        if rc not in codes:
            problems.append((i, case.target, "exit code", rc))
        else:
            codes[rc] += 1
        m = TRACEBACK_LIKE.search(err.getvalue()) or TRACEBACK_LIKE.search(out.getvalue()[:20000])
        if m:
            problems.append((i, case.target, "traceback-like output", m.group(0)))
        after = _snapshot(d)
        # success: 0; batch: 1 = finished, some files failed (its summary is still written)
        allowed = set(case.outputs) if rc == 0 or (rc == 1 and case.target == "batch") else set()
        for name, h in before.items():
            if after.get(name) != h and name not in allowed:
                problems.append((i, case.target, "input changed or removed", name))
        for name in set(after) - set(before) - allowed:
            problems.append((i, case.target, "file left behind", name))
        for p in list(d.iterdir()):
            p.unlink()
        d.rmdir()
    assert not problems, f"{len(problems)} problems, first ones: {problems[:40]}"
    # the corpus exercises both outcomes: refusals and accepted (still valid) inputs
    assert codes[2] > 0.5 * len(cases) and codes[0] > 0.05 * len(cases), codes
