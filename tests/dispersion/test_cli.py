"""ecologis-cli dispersion: JSON output, human output, exit codes; the JSON schema."""

import importlib.util
import json
from pathlib import Path

import pytest

from ecologis.cli import main
from ecologis.paths import DOCS_DIR

_spec = importlib.util.spec_from_file_location("_disp_helpers", Path(__file__).with_name("_helpers.py"))
_h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_h)

EX1 = {"A": 200, "eta": 1, "ambient_temp_c": 25,
       "sources": [{"id": "S1", "lat": 49.23, "lon": 28.47, "height_m": 35, "diameter_m": 1.4,
                    "velocity_m_s": 7, "temp_c": 125,
                    "emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "F": 1, "gdk_mr_mg_m3": 0.5},
                                  {"substance": "ash-test", "rate_g_s": 2.6, "F": 3, "gdk_mr_mg_m3": 0.5}]}]}


def _write(tmp_path, data, name="sources.json"):
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return str(p)


def test_cli_json_output(tmp_path, capsys):
    path = _write(tmp_path, EX1)
    rc = main(["dispersion", path, "--json", "--directions", "8", "--grid", "50"])
    out = capsys.readouterr().out
    assert rc == 0
    res = json.loads(out)
    rows = {r["substance"]: r for r in res["sources"]}
    assert set(rows) == {"7446-09-5", "ash-test"}
    so2, ash = rows["7446-09-5"], rows["ash-test"]
    assert so2["id"] == "S1"
    # OND-86 Example 1 printed values (see test_worked_examples): 0,19 / 430 / 0,12 / 215.
    _h.assert_printed(so2["c_m_mg_m3"], "0,19")
    _h.assert_printed(so2["x_m_m"], "430")
    _h.assert_printed(ash["c_m_mg_m3"], "0,12")
    _h.assert_printed(ash["x_m_m"], "215")
    assert so2["u_m_m_s"] == pytest.approx(2.2202, abs=5e-5)        # derived in the reference (W1)
    for k in ("f", "v_m_m_s", "v_m_prime_m_s", "f_e", "m", "n", "d", "V1_m3_s", "regime"):
        assert k in so2
    assert res["directions"] == 8 and res["grid"]["step_m"] == 50
    fmx = res["field_max"]
    assert {"value_mg_m3", "lat", "lon", "share_gdk"} <= set(fmx)
    assert res["selected_target"] == "7446-09-5"                       # 0.373 > 0.242 ГДК
    assert res["szz_contour"]["type"] == "Feature"
    assert res["isolines"]["type"] == "FeatureCollection"
    assert {u["id"] for u in res["unverified"]} >= {"ond86.2.16.u_m", "ond86.2.27.s2"}
    assert all("description" in u for u in res["unverified"])


def test_cli_substance_option_and_human_output(tmp_path, capsys):
    path = _write(tmp_path, EX1)
    rc = main(["--lang", "en", "dispersion", path, "--substance", "ash-test", "--directions", "8", "--grid", "50"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "OND-86 dispersion" in out and "ash-test" in out and "Unverified formulas" in out
    rc = main(["--lang", "uk", "dispersion", path, "--directions", "8", "--grid", "50"])
    out = capsys.readouterr().out
    assert rc == 0 and "Розрахунок розсіювання" in out


def test_cli_invalid_input_exit_2(tmp_path, capsys):
    bad = json.loads(json.dumps(EX1))
    bad["sources"][0]["height_m"] = 0
    del bad["sources"][0]["diameter_m"]
    rc = main(["--lang", "en", "dispersion", _write(tmp_path, bad)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "S1" in err and "height_m" in err and "diameter_m" in err
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert main(["dispersion", str(tmp_path / "broken.json")]) == 2
    assert main(["dispersion", str(tmp_path / "missing.json")]) == 2
    rc = main(["dispersion", _write(tmp_path, EX1, "ok.json"), "--substance", "nope"])
    assert rc == 2


def test_schema_is_valid_and_accepts_the_examples():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DOCS_DIR / "dispersion" / "sources.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(EX1, schema)
    example = json.loads((DOCS_DIR / "dispersion" / "example_sources.json").read_text(encoding="utf-8"))
    jsonschema.validate(example, schema)
    bad = json.loads(json.dumps(EX1))
    del bad["sources"][0]["diameter_m"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_example_file_runs(capsys):
    rc = main(["dispersion", str(DOCS_DIR / "dispersion" / "example_sources.json"), "--json",
               "--directions", "8", "--grid", "50"])
    res = json.loads(capsys.readouterr().out)
    assert rc == 0
    v2 = next(r for r in res["sources"] if r["id"] == "V2")
    assert v2["regime"] == "cold" and v2["m"] is None
    # 1.5 t/yr over 4000 h = 1.5e6/(4000·3600) = 0.1041667 g/s
    assert v2["rate_g_s"] == pytest.approx(0.1041667, abs=1e-7)
    assert any(t["kind"] == "group" for t in res["targets"])
    assert res["receptors"] and res["receptors"][0]["id"] == "R1"


def test_cli_json_has_contributions_and_gdv(tmp_path, capsys):
    # Example 1 stack, SO2 12 g/s with ГДК 0.1: c_m = 0.1864243 (hand derivation in test_field.py),
    # ГДВ = 12·0.1/0.1864243 = 6.436929 g/s, reduction (12 − 6.436929)/12 = 46.3589 %.
    doc = {"A": 200, "ambient_temp_c": 25, "sources": [dict(EX1["sources"][0], emissions=[
        {"substance": "so2-test", "rate_g_s": 12, "F": 1, "gdk_mr_mg_m3": 0.1}])]}
    rc = main(["dispersion", _write(tmp_path, doc), "--json", "--grid", "200"])
    res = json.loads(capsys.readouterr().out)
    assert rc == 0
    (c,) = res["contributions"]
    assert set(c) >= {"source", "substance", "value_mg_m3", "share"} and c["share"] == 1.0
    assert c["value_mg_m3"] == pytest.approx(0.1864243, rel=1e-6)
    (g,) = res["gdv"]
    assert {k: g[k] for k in ("source", "substance", "m_g_s")} == {"source": "S1", "substance": "so2-test",
                                                                   "m_g_s": 12.0}
    assert g["gdv_g_s"] == pytest.approx(6.436929, rel=1e-5)
    assert g["reduction_pct"] == pytest.approx(46.3589, rel=1e-5)
    rc = main(["dispersion", _write(tmp_path, doc), "--grid", "200"])        # human output
    out = capsys.readouterr().out
    assert rc == 0 and "6.437" in out.replace(",", ".")          # 4 significant digits
