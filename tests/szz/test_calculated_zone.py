"""The calculated СЗЗ of one stack, by hand from OND-86's s1, and its wind-rose correction.

The stack is OND-86 Example 1 (reference ond86_and_background.md, W1): H = 35 m, D = 1.4 m,
w0 = 7 m/s, T_г = 125 °C, T_в = 25 °C, M(SO2) = 12 g/s, F = 1, A = 200, η = 1.  The reference
gives c_м = 0.18642 mg/m³ (printed 0,19), x_м = 430.40 m (printed 430 m), u_м = 2.2202 m/s.

We give SO2 a ГДК м.р. of 0.09321 mg/m³ = c_м / 2, so on the plume axis at the dangerous
wind speed c = c_м·s1(x/x_м) falls to 1 ГДК where s1 = 0.09321/0.18642 = 0.5.  Beyond x_м,
s1 = 1.13 / (0.13·t² + 1) (OND-86 (2.23б), 1 < t ≤ 8):
    0.13·t² + 1 = 1.13/0.5 = 2.26  →  t² = 1.26/0.13 = 9.69231  →  t = 3.11325 (≤ 8: branch holds)
    L0 = 3.11325 · 430.40 m = 1339.9 m, the same along every bearing (no background).
With 8 wind directions the rhumb bearings are plume axes.  Wind rose (8 rhumbs, FROM):
N 20 %, the other seven 80/7 = 11.4286 % each; P0 = 100/8 = 12.5 %:
    towards S (180°), P = 20 %:        l = 1339.9 · 20/12.5       = 2143.9 m
    every other bearing, P = 11.4286 %: l = 1339.9 · 11.4286/12.5 = 1225.1 m
Tolerance: the 10 m grid step of the contour.
"""

from __future__ import annotations

import json

import pytest

from ecologis.cli import main
from ecologis.core.sanitary_zone import RHUMBS_8

L0 = 3.11325 * 430.40          # 1339.9 m
STEP = 10.0


def _doc(**over):
    doc = {"A": 200, "eta": 1, "ambient_temp_c": 25, "directions": 8, "wind_speeds": [2.2202],
           "grid": {"step_m": STEP, "half_extent_m": 2600},   # the corrected zone reaches 2144 m
           "wind_rose": {"N": 20.0, **{k: 80.0 / 7 for k in RHUMBS_8[1:]}},
           "sources": [{"id": "S1", "lat": 49.23, "lon": 28.47, "height_m": 35, "diameter_m": 1.4,
                        "velocity_m_s": 7, "temp_c": 125,
                        "emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "F": 1,
                                       "gdk_mr_mg_m3": 0.09321}]}]}
    doc.update(over)
    return doc


def _run(tmp_path, capsys, doc, *extra):
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    capsys.readouterr()
    rc = main(["dispersion", str(path), *extra])
    return rc, capsys.readouterr()


def test_single_stack_l0_and_wind_rose_by_hand(tmp_path, capsys):
    rc, out = _run(tmp_path, capsys, _doc(), "--json")
    assert rc == 0, out.err
    cz = json.loads(out.out)["calculated_zone"]
    rows = {r["direction_deg"]: r for r in cz["by_direction"]}
    assert sorted(rows) == [0, 45, 90, 135, 180, 225, 270, 315]
    for b, r in rows.items():
        assert r["l0_m"] == pytest.approx(L0, abs=STEP), b
    assert rows[180]["p_pct"] == pytest.approx(20.0)
    assert rows[180]["l_m"] == pytest.approx(L0 * 20 / 12.5, abs=STEP * 1.6)          # 2143.9 m
    for b in (0, 45, 90, 135, 225, 270, 315):
        assert rows[b]["p_pct"] == pytest.approx(80 / 7)
        assert rows[b]["l_m"] == pytest.approx(L0 * (80 / 7) / 12.5, abs=STEP)     # 1225.1 m
    assert cz["max_distance_m"] == pytest.approx(L0 * 1.6, abs=STEP * 1.6)
    assert cz["rule"]["reconstructed"] is True


def test_without_a_rose_there_is_no_calculated_zone_key(tmp_path, capsys):
    doc = _doc()
    doc.pop("wind_rose")
    rc, out = _run(tmp_path, capsys, doc, "--json")
    assert rc == 0 and "calculated_zone" not in json.loads(out.out)


def test_bad_rose_is_refused_with_exit_2_and_no_traceback(tmp_path, capsys):
    rc, out = _run(tmp_path, capsys, _doc(wind_rose={"N": 50, "S": 20}), "--json")
    assert rc == 2 and "Traceback" not in out.err and "sources.json" in out.err
    geo = tmp_path / "out.geojson"
    rc, out = _run(tmp_path, capsys, _doc(wind_rose={k: 10 for k in RHUMBS_8}), "--geojson", str(geo))
    assert rc == 2 and "80" in out.err and not geo.exists()


def test_text_output_lists_the_bearings(tmp_path, capsys):
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(_doc()), encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "en", "dispersion", str(path)]) == 0
    text = capsys.readouterr().out
    assert "bearing 180°" in text and "reconstructed" in text
