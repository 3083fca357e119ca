"""What ``ecologis-cli export`` writes, ``assess`` and ``import`` read back to the same table and КНП."""

import json

import pytest

from ecologis.cli import main as cli
from ecologis.model import Emission
from ecologis.io.emissions_table import read_emissions
from ecologis.io.profile import Project, load_profile, save_profile

# Hand calculation (thesis preset, K = a·M/ГДК, a = 1.7/1.3/1.0/0.9 for classes 1–4):
# row 1 NO2 34.7849 t/yr, dictionary ГДК с.д. 0.04 mg/m³ but the row's own class 2 → a 1.3:
#       1.3 · 34.7849 / 0.04 = 1130.50925
# row 2 SO2 0.1 g/s for 2000 h/yr → 0.1 g/s · 3600 s/h · 2000 h / 10⁶ g/t = 0.72 t/yr;
#       own ГДК с.д. 0.05 and class 3 → a 1.0: 0.72 / 0.05 = 14.4
# КНП = 1144.90925
KNP = 1130.50925 + 14.4


def _profile():
    return Project(emissions=[
        Emission(substance="Азоту діоксид", mass=34.7849, unit="t/yr", hazard_class=2, source_id="1",
                 note="boiler; stack No. 1"),
        Emission(substance="Сірки діоксид (ангідрид сірчистий)", mass=0.1, unit="g/s", hours_per_year=2000,
                 gdk_sd=0.05, hazard_class=3, date="2026-03-01"),
    ])


def _knp(capsys, path, lang):
    capsys.readouterr()
    assert cli(["--lang", lang, "assess", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)["knp"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_export_reads_back(tmp_path, capsys, fmt, lang):
    src = tmp_path / "plant.json"
    save_profile(_profile(), src)
    assert _knp(capsys, src, lang) == pytest.approx(KNP, rel=1e-12)
    out = tmp_path / f"export.{fmt}"
    assert cli(["--lang", lang, "export", str(src), "--format", fmt, "--out", str(out)]) == 0
    # the same КНП from the exported file
    assert _knp(capsys, out, lang) == pytest.approx(KNP, rel=1e-12)
    # the same table
    back = read_emissions(out).emissions
    want = _profile().emissions
    assert len(back) == len(want)
    for b, w in zip(back, want):
        assert b.substance == w.substance
        assert float(b.mass) == w.mass and b.unit == w.unit
        assert (None if b.hours_per_year in (None, "") else float(b.hours_per_year)) == w.hours_per_year
        assert (b.source_id, b.date, b.note or "") == (w.source_id, w.date, w.note)
        assert (None if b.gdk_sd in (None, "") else float(b.gdk_sd)) == w.gdk_sd
        assert (None if b.gdk_mr in (None, "") else float(b.gdk_mr)) == w.gdk_mr
        assert int(b.hazard_class) == w.hazard_class


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_imports_into_a_profile(tmp_path, capsys, fmt):
    src = tmp_path / "plant.json"
    save_profile(_profile(), src)
    out = tmp_path / f"export.{fmt}"
    assert cli(["export", str(src), "--format", fmt, "--out", str(out)]) == 0
    target = tmp_path / "target.json"
    save_profile(Project(), target)
    assert cli(["import", str(out), "--profile", str(target)]) == 0
    assert len(load_profile(target).emissions) == 2
    assert _knp(capsys, target, "uk") == pytest.approx(KNP, rel=1e-12)


def test_json_export_opens_as_its_profile(tmp_path):
    src = tmp_path / "plant.json"
    save_profile(_profile(), src)
    out = tmp_path / "export.json"
    assert cli(["export", str(src), "--format", "json", "--out", str(out)]) == 0
    doc = json.loads(out.read_text("utf-8"))
    assert doc["kind"] == "ecologis-assessment" and "result" in doc
    assert len(load_profile(out).emissions) == 2
