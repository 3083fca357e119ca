"""§4 background by calculation from a saved profile's OND-86 dispersion, with the own
contribution excluded by (4.1)/(4.2); storing it and using it in the dispersion."""

import json

import pytest

from ecologis.cli import main
from ecologis.model import Source, Enterprise
from ecologis.io.profile import Project, load_profile, save_profile

STACK = {"velocity_m_s": 7, "temp_c": 125,
         "emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "F": 1, "gdk_mr_mg_m3": 0.5}]}


def _profile(tmp_path, neighbour: bool = False):
    p = Project(enterprise=Enterprise(name="Plant", lat=49.23, lon=28.47))
    p.sources = [Source(id="S1", lat=49.23, lon=28.47, height_m=35, diameter_m=1.4)]
    srcs = [dict(STACK, id="S1")]
    if neighbour:   # an identical stack of another plant at the same point
        srcs.append(dict(STACK, id="N1", lat=49.23, lon=28.47, height_m=35, diameter_m=1.4, own=False))
    p.set_section("dispersion", {"A": 200, "ambient_temp_c": 25, "directions": 8, "grid": {"step_m": 50},
                                  "sources": srcs})
    path = tmp_path / "plant.json"
    save_profile(p, path)
    return path


def _run(capsys, *argv):
    rc = main(["background", "calculated", *argv, "--json"])
    out = capsys.readouterr()
    return rc, (json.loads(out.out) if rc == 0 else out.err)


def test_only_own_sources_branch_4_2(tmp_path, capsys):
    path = _profile(tmp_path)
    rc, res = _run(capsys, "--profile", str(path), "--substance", "7446-09-5", "--date", "2026-02-01")
    assert rc == 0
    c_max = res["inputs"]["c_max_mg_m3"]
    # OND-86 example 1: C_m of SO2 printed 0,19 mg/m³; the field maximum at u_m on the axis is C_m.
    assert abs(c_max - 0.19) <= 0.005
    vals = {v["quantity"]: v for v in res["values"]}
    assert vals["c_f"]["value_mg_m3"] == pytest.approx(0.4 * c_max, rel=1e-12)
    # C = C_max > 2·0.4·C_max → (4.2): C'_ф = 0.2·0.4·C_max
    assert vals["c_f_without_own"]["branch"] == "4.2"
    assert vals["c_f_without_own"]["value_mg_m3"] == pytest.approx(0.08 * c_max, rel=1e-12)
    assert res["inputs"]["c_own_mg_m3"] == pytest.approx(c_max, rel=1e-12)
    assert res["date"] == "2026-02-01" and res["valid_until"] == "2029-02-01"
    assert res["reconstructed"] is True
    assert {p["id"] for p in res["reconstructed_pieces"]} >= {"exclude_own_4_1_4_2", "ond86_unverified"}
    assert any(w["code"] == "bg.warn.only_own_sources" for w in res["warnings"])


def test_neighbour_sources_branch_4_1(tmp_path, capsys):
    path = _profile(tmp_path, neighbour=True)
    rc, res = _run(capsys, "--profile", str(path), "--substance", "7446-09-5")
    assert rc == 0
    c_max, c_own = res["inputs"]["c_max_mg_m3"], res["inputs"]["c_own_mg_m3"]
    # two identical stacks at one point: C_max = 2·C_own
    assert c_max == pytest.approx(2 * c_own, rel=1e-9)
    # C_ф = 0.4·C_max = 0.8·C_own; C_own ≤ 2·C_ф → (4.1): C'_ф = 0.8·C_own − 0.4·C_own = 0.2·C_max
    v = next(x for x in res["values"] if x["quantity"] == "c_f_without_own")
    assert v["branch"] == "4.1"
    assert v["value_mg_m3"] == pytest.approx(0.2 * c_max, rel=1e-9)
    assert res["inputs"]["own_sources"] == ["S1"]


def test_store_and_use_in_dispersion(tmp_path, capsys):
    path = _profile(tmp_path, neighbour=True)
    rc, res = _run(capsys, "--profile", str(path), "--substance", "7446-09-5", "--date", "2026-02-01", "--store")
    assert rc == 0
    stored = load_profile(path).background.results
    assert len(stored) == 1 and stored[0]["method"] == "calculated"
    expected = next(x for x in res["values"] if x["quantity"] == "c_f_without_own")["value_mg_m3"]
    rc = main(["dispersion", str(path), "--json", "--date", "2026-03-01"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    (b,) = out["backgrounds_used"]
    assert b["value_mg_m3"] == pytest.approx(expected)          # the value without the own contribution
    assert b["method"] == "calculated" and b["reconstructed"] is True
    assert "exclude_own_4_1_4_2" in b["reconstructed_pieces"]
    assert b["valid_until"] == "2029-02-01"
    # not valid any more after three years
    rc = main(["dispersion", str(path), "--json", "--date", "2029-02-01"])
    assert json.loads(capsys.readouterr().out)["backgrounds_used"] == []


def test_store_needs_profile_and_substance(tmp_path, capsys):
    assert main(["background", "calculated", "--cmax", "0.2", "--store"]) == 2
    assert "--profile" in capsys.readouterr().err
    path = _profile(tmp_path)
    before = path.read_bytes()
    assert main(["background", "calculated", "--profile", str(path), "--store"]) == 2
    assert path.read_bytes() == before


def test_given_own_contribution_wins(tmp_path, capsys):
    path = _profile(tmp_path)
    rc, res = _run(capsys, "--profile", str(path), "--substance", "7446-09-5", "--own", "0")
    assert rc == 0
    v = next(x for x in res["values"] if x["quantity"] == "c_f_without_own")
    # C = 0 → (4.1): C'_ф = C_ф
    assert v["value_mg_m3"] == pytest.approx(0.4 * res["inputs"]["c_max_mg_m3"])
    assert res["inputs"]["c_own_source"] == "input"
