"""One CLI error path: the kinds of bad input that gave tracebacks get their own
translated message naming the file, the place and the field, with exit code 2.

``ECOLOGIS_CLI_DEBUG=1`` is set for the known classes, so a case that reached the entry
point's generic "could not read" fallback fails here as the exception it was: the
generic message is a safety net for users, not an answer for the known kinds.
"""

import json
import re
from pathlib import Path

import pytest

from ecologis.cli import errors as cli_errors
from ecologis.cli import main
from ecologis.paths import DEMO_PROFILE, REPO_ROOT

EX1 = {"A": 200, "eta": 1, "ambient_temp_c": 25,
       "sources": [{"id": "S1", "lat": 49.23, "lon": 28.47, "height_m": 35, "diameter_m": 1.4,
                    "velocity_m_s": 7, "temp_c": 125,
                    "emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "F": 1, "gdk_mr_mg_m3": 0.5}]}]}
SITE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "site"},
     "geometry": {"type": "Polygon", "coordinates": [[[28.0, 49.0], [28.01, 49.0], [28.01, 49.01], [28.0, 49.0]]]}}]}
KML_NO_NAME = ('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
               '<ExtendedData><Data><value>1</value></Data></ExtendedData><Point><coordinates>28,49</coordinates>'
               '</Point></Placemark></Document></kml>')


def _w(tmp_path, name, data):
    p = tmp_path / name
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(p)


def _v1_history_5(tmp_path):
    doc = json.loads(DEMO_PROFILE.read_text("utf-8"))
    doc.update(schema_version=1, history=5)
    return ["assess", _w(tmp_path, "v1.json", doc)]


def _source(**kw):
    return {**EX1, "sources": [dict(EX1["sources"][0], **kw)]}


# (case id, argv builder, fragments the English message must contain)
CASES = [
    ("v1 history not a list", _v1_history_5, ["v1.json", "history"]),
    ("v1 history not a list (site)", lambda p: ["site", _v1_history_5(p)[1]], ["v1.json", "history"]),
    ("dispersion input nested deeply",
     lambda p: ["dispersion", _w(p, "deep.json", '{"a":' * 100000 + "1" + "}" * 100000)],
     ["deep.json", "nested too deeply"]),
    ("dispersion profile v1 history", lambda p: ["dispersion", _v1_history_5(p)[1]], ["v1.json", "history"]),
    ("GeoJSON nested deeply",
     lambda p: ["site", "--site", _w(p, "deep.geojson", "[" * 100000 + "]" * 100000), "--radius", "300"],
     ["deep.geojson", "nested too deeply"]),
    ("GeoJSON 5000-digit number",
     lambda p: ["site", "--site", _w(p, "big.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature",'
                                     '"properties":{},"geometry":{"type":"Point","coordinates":[' + "9" * 5000
                                     + ',49]}}]}'), "--radius", "300"],
     ["big.geojson", "#1"]),
    ("GeoJSON properties as a list",
     lambda p: ["site", "--site", _w(p, "pl.geojson", {**SITE, "features": [{**SITE["features"][0],
                                                                             "properties": [1, 2]}]}),
                "--radius", "300"],
     ["pl.geojson", "#1", "properties"]),
    ("KML Data without name",
     lambda p: ["site", "--site", _w(p, "site.geojson", SITE), "--receptors", _w(p, "r.kml", KML_NO_NAME),
                "--radius", "300"],
     ["r.kml", "#1", "Data"]),
    ("receptor CSV field over 128 KB",
     lambda p: ["site", "--site", _w(p, "site.geojson", SITE),
                "--receptors", _w(p, "r.csv", 'name,lat,lon\nA,49,28\n"' + "x" * 200000 + '",49,28\n'),
                "--radius", "300"],
     ["r.csv", "row 3", 'field "name"', "128 KB"]),
    ("emissions CSV field over 128 KB",
     lambda p: ["assess", _w(p, "t.csv", "substance;mass\nNO2;1\nNO2;" + "9" * 200000 + "\n")],
     ["t.csv", "row 3", 'field "mass"', "128 KB"]),
    ("dictionary file nested deeply",
     lambda p: ["dict-import", _w(p, "d.json", '{"substances":' + "[" * 100000 + "]" * 100000 + "}")],
     ["d.json", "nested too deeply"]),
    ("dictionary file not UTF-8", lambda p: ["dict-import", _w(p, "d.json", b'{"substances": ["\xff"]}')],
     ["d.json", "UTF-8"]),
    ("dispersion A null", lambda p: ["dispersion", _w(p, "a.json", dict(EX1, A=None))], ["a.json", "A", "null"]),
    ("dispersion background not an object",
     lambda p: ["dispersion", _w(p, "bg.json", dict(EX1, background=5))], ["bg.json", "background"]),
    ("dispersion background not an object with --background",
     lambda p: ["dispersion", _w(p, "bg.json", dict(EX1, background=[1])), "--background", "NO2=0.1"],
     ["bg.json", "background"]),
    ("dispersion height 1e308", lambda p: ["dispersion", _w(p, "h.json", _source(height_m=1e308))],
     ["h.json", "S1", "height_m", "1000"]),
    ("dispersion diameter 1e308", lambda p: ["dispersion", _w(p, "d.json", _source(diameter_m=1e308))],
     ["d.json", "S1", "diameter_m"]),
    ("dispersion grid not an object", lambda p: ["dispersion", _w(p, "g.json", dict(EX1, grid=[5]))],
     ["g.json", "grid"]),
    ("dispersion receptors not a list", lambda p: ["dispersion", _w(p, "r.json", dict(EX1, receptors=7))],
     ["r.json", "receptors"]),
    ("--grid inf", lambda p: ["dispersion", _w(p, "ok.json", EX1), "--grid", "inf"], ["Grid step", "inf"]),
    ("--grid 1e9", lambda p: ["dispersion", _w(p, "ok.json", EX1), "--grid", "1e9"], ["Grid step", "1e+09"]),
    ("--grid above the file's half extent",
     lambda p: ["dispersion", _w(p, "he.json", dict(EX1, grid={"half_extent_m": 100})), "--grid", "500"],
     ["he.json", "Grid step", "100"]),
    ("grid.step_m 1e9 in the file", lambda p: ["dispersion", _w(p, "gs.json", dict(EX1, grid={"step_m": 1e9}))],
     ["gs.json", "grid.step_m"]),
    ("background sources JSON nested deeply",
     lambda p: ["background", "calculated", "--sources", _w(p, "deep.json", "[" * 100000 + "]" * 100000),
                "--substance", "NO2"],
     ["deep.json", "nested too deeply"]),
    ("background values not UTF-8",
     lambda p: ["background", "subplume", _w(p, "v.csv", b"\xff\xfe\xfa0.1\n"), "--rose", "N=0.5,S=0.5",
                "--rhumb", "N", "--distance", "1000"],
     ["v.csv", "UTF-8"]),
]


@pytest.mark.parametrize("case,build,fragments", CASES, ids=[c[0] for c in CASES])
def test_known_bad_input_gets_its_own_message(tmp_path, capsys, monkeypatch, case, build, fragments):
    monkeypatch.setenv(cli_errors.DEBUG_ENV, "1")         # no generic fallback: a bug would raise here
    argv = build(tmp_path)
    rc = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    assert rc == 2, (out, err)
    assert "Traceback" not in err and "Could not read" not in err
    for frag in fragments:
        assert frag in err, (frag, err)


def test_json_syntax_errors_are_translated(tmp_path, capsys):
    # '{"a": [1,2' ends after column 10: the json module says "Expecting ',' delimiter" at column 11
    f = _w(tmp_path, "bad.json", '{"a": [1,2')
    for lang, expected in (("uk", "тут очікується кома (рядок 1, стовпець 11)"),
                           ("en", "a comma is expected here (line 1, column 11)")):
        for argv in (["assess", f], ["dispersion", f], ["site", "--site", f, "--radius", "300"]):
            assert main(["--lang", lang, *argv]) == 2
            err = capsys.readouterr().err
            assert "bad.json" in err and expected in err and "Expecting" not in err, err


def test_json_errors_on_stdout_for_assess(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(cli_errors.DEBUG_ENV, "1")
    argv = _v1_history_5(tmp_path)
    assert main(["--lang", "en", *argv, "--json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is False
    e = doc["errors"][0]
    assert e["file"] == "v1.json" and e["field"] == "history" and "history" in e["message"]


def test_unexpected_exception_becomes_the_generic_message(tmp_path, capsys, monkeypatch):
    # a reader with a bug: the user gets one translated line naming the file, exit 2
    import ecologis.io.emissions_table as et

    def broken(*a, **k):
        raise ZeroDivisionError("bug")

    monkeypatch.delenv(cli_errors.DEBUG_ENV, raising=False)
    monkeypatch.setattr(et, "read_emissions", broken)
    f = _w(tmp_path, "table.csv", "substance,mass\nNO2,1\n")
    assert main(["--lang", "en", "assess", f]) == 2
    out, err = capsys.readouterr()
    assert err.strip() == ("Could not read table.csv: the file is damaged or has a structure EcologIS does not "
                           "understand. Nothing was changed.")
    assert isinstance(cli_errors.last_unexpected, ZeroDivisionError)
    assert main(["--lang", "uk", "assess", f, "--json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["errors"][0]["code"] == "E_UNEXPECTED" and "table.csv" in doc["errors"][0]["message"]
    # with the debug switch the bug shows itself
    monkeypatch.setenv(cli_errors.DEBUG_ENV, "1")
    with pytest.raises(ZeroDivisionError):
        main(["assess", f])


def test_no_scattered_error_prints_in_the_commands():
    # errors are raised as CliError and printed by the entry point only
    pat = re.compile(r"print\([^\n]*file=sys\.stderr\)\s*\n\s*return 2")
    offenders = [p.name for p in sorted((REPO_ROOT / "ecologis" / "cli").glob("*.py")) if pat.search(p.read_text("utf-8"))]
    assert offenders == []
    assert not any("return _fail(args" in Path(p).read_text("utf-8")
                   for p in (REPO_ROOT / "ecologis" / "cli").glob("cmd_*.py"))
