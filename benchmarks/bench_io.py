"""I/O benchmarks (issue 4), each against a named baseline measured in the same run.

1. Import of a 10,000-row XLSX: ``ecologis.io.emissions_table.read_emissions`` (header
   mapping, cached formula values, rows → Emission) and ``plan_import`` (that plus the
   core validation) vs ``pandas.read_excel`` of the same file (openpyxl engine).
2. The PDF report of 100 substances (``build_report``: tables, chart, map, notes) vs a
   bare reportlab document holding only the same 100-row contributions table.
3. Batch of 1,000 profiles (``ecologis.io.batch.assess_file``: open with schema
   validation and migration, assess, summarise) vs ``json.load`` + ``core.assess.prepare``/``compute``
   of the same files without validation: profiles per second for both.
4. Opening a profile of 160,000 emission rows (``load_profile``: parse, schema validation
   with the rows checked column-wise, build) vs the same opening with every row
   validated by jsonschema one by one (the former way, ``per_row_schema=True``); also a
   profile of 100,000 rows, the most the schema allows (160,000 rows are refused as too
   many, after the same full check of every row in both).

Run: ``python -m benchmarks io`` (or ``python -m benchmarks.bench_io [--quick]``).
"""

from __future__ import annotations

import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _line(label: str, t: float, base_label: str, tb: float, name: str = "", size=None) -> None:
    from benchmarks._common import record

    record("io", name or label, size, t, base_label, tb, None, "measured/baseline")
    print(f"  {label:<52} {t * 1000:10.1f} ms")
    print(f"  {base_label:<52} {tb * 1000:10.1f} ms")
    print(f"  ratio (ours / baseline)                              {t / tb:10.2f}")


def bench_xlsx(tmp: Path, dictionary, rows: int) -> None:
    import openpyxl
    import pandas as pd

    from ecologis.io.emissions_table import read_emissions
    from ecologis.io.import_rules import plan_import

    subs = [s for s in dictionary if s.gdk_sd or s.gdk_mr][:100]
    rng = random.Random(1)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Викиди")
    ws.append(["Код", "Речовина", "CAS", "Маса, т/рік", "ГДК с.д., мг/м3", "Клас небезпеки", "Джерело", "Примітка"])
    for i in range(rows):
        s = subs[i % len(subs)]
        ws.append([s.code, s.name_uk, s.cas, round(rng.uniform(0.001, 50.0), 6), s.gdk_sd, s.hazard_class,
                   f"ДВ-{i % 40 + 1}", ""])
    f = tmp / "big.xlsx"
    wb.save(f)
    t_read = _best(lambda: read_emissions(f, dictionary))
    t_plan = _best(lambda: plan_import(f, dictionary), repeat=2)
    t_pd = _best(lambda: pd.read_excel(f, engine="openpyxl"))
    n = len(read_emissions(f, dictionary).emissions)
    print(f"[1] import of a {n:,}-row XLSX ({f.stat().st_size / 1024:.0f} KiB)")
    _line("read_emissions (mapping, rows -> Emission)", t_read, "baseline pandas.read_excel(openpyxl)", t_pd,
          "xlsx read_emissions", n)
    print(f"  plan_import (read + core validation journal)         {t_plan * 1000:10.1f} ms"
          f"   ratio to baseline {t_plan / t_pd:.2f}")


def bench_pdf(dictionary, n_subst: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table

    from ecologis.model import Emission, Enterprise
    from ecologis.io.profile import Project
    from ecologis.io.profile import assess_project
    from ecologis.report.pdf_report import _register_fonts, build_report

    subs = [s for s in dictionary if (s.gdk_sd or s.gdk_mr or s.obrv) and s.hazard_class][:n_subst]
    rng = random.Random(2)
    p = Project(enterprise=Enterprise(name="ТОВ «Бенчмарк»", edrpou="14360570", lat=49.2331, lon=28.4682),
                emissions=[Emission(s.name_uk, round(rng.uniform(0.01, 30), 5), "t/yr") for s in subs])
    r = assess_project(p, dictionary, dispersion=False).result
    _register_fonts()

    def baseline():
        buf = io.BytesIO()
        data = [["#", "substance", "M", "ГДК", "class", "a", "K", "share"]]
        for k, c in enumerate(r.contributions, start=1):
            data.append([k, c["substance"], f"{c['mass_t_per_year']:.6g}", f"{c['gdk_mg_m3']:.6g}", c["hazard_class"],
                         c["a"], f"{c['contribution']:.3f}", f"{100 * c['share']:.2f}"])
        t = Table(data, repeatRows=1)
        t.setStyle([("FONT", (0, 0), (-1, -1), "DejaVuSans", 7)])
        SimpleDocTemplate(buf, pagesize=A4).build([t])
        return buf.getvalue()

    t_rep = _best(lambda: build_report(assess_project(p), "uk"), repeat=2)
    t_base = _best(baseline, repeat=2)
    size = len(build_report(assess_project(p), "uk"))
    print(f"[2] PDF report of {len(subs)} substances ({size / 1024:.0f} KiB)")
    _line("build_report (all sections, chart, map)", t_rep, "baseline bare reportlab table of the same rows", t_base,
          "pdf build_report", len(subs))


def bench_batch(tmp: Path, dictionary, n_files: int) -> None:
    from ecologis.core.assess import compute, prepare
    from ecologis.model import Emission
    from ecologis.io.reference_data import load_presets, recommendation_rules
    from ecologis.io.batch import assess_file, batch_files, summary_xlsx_bytes
    from ecologis.paths import DEMO_PROFILE

    base = json.loads(DEMO_PROFILE.read_text("utf-8"))
    base["schema_version"] = 2
    base["duplicates"] = "sum"
    d = tmp / "batch"
    d.mkdir()
    rng = random.Random(3)
    for i in range(n_files):
        doc = json.loads(json.dumps(base))
        for e in doc["emissions"]:
            e["mass"] = round(e["mass"] * rng.uniform(0.5, 1.5), 6)
        if i % 2:
            doc["schema_version"] = 1        # half need migration
            doc.pop("duplicates")
        (d / f"p{i:04d}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    presets = load_presets()
    rules = recommendation_rules()
    files = batch_files(d)

    def ours():
        rows = [assess_file(f, dictionary, presets, "uk") for f in files]
        summary_xlsx_bytes(rows, "uk")
        return rows

    def baseline():
        out = []
        for f in files:
            doc = json.loads(f.read_text("utf-8"))
            res = compute(prepare([Emission.from_json(e) for e in doc["emissions"]], dictionary),
                          presets[doc["preset"]], rules=rules)
            out.append(res.knp)
        return out

    t_ours = _best(ours, repeat=1)
    t_base = _best(baseline, repeat=1)
    rows = ours()
    assert not any(r.failed for r in rows)
    print(f"[3] batch of {len(files):,} profiles")
    _line("batch (validate, migrate, assess, XLSX summary)", t_ours, "baseline json.load + core assess", t_base,
          "batch of profiles", len(files))
    print(f"  profiles per second: ours {len(files) / t_ours:,.0f}, baseline {len(files) / t_base:,.0f}")


def _profile_with_rows(tmp: Path, n: int) -> Path:
    from ecologis.paths import DEMO_PROFILE

    doc = json.loads(DEMO_PROFILE.read_text("utf-8"))
    doc["schema_version"] = 2
    doc["duplicates"] = "sum"
    base = doc["emissions"]
    rng = random.Random(4)
    rows = []
    for i in range(n):
        e = dict(base[i % len(base)])
        e["mass"] = round(e["mass"] * rng.uniform(0.5, 1.5), 6) if i % 7 else f"{rng.uniform(0, 9):.3f}".replace(".", ",")
        e["note"] = f"рядок {i + 1}"
        e["source_id"] = f"ДВ-{i % 40 + 1}"
        rows.append(e)
    doc["emissions"] = rows
    f = tmp / f"rows{n}.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return f


def bench_profile_rows(tmp: Path, sizes: tuple[int, ...]) -> None:
    from functools import partial

    from ecologis.io import profile as profile_mod

    def load(f: Path):
        try:
            return profile_mod.load_profile(f)
        except profile_mod.ProfileError as e:
            return e.message("en")

    def baseline(f: Path):
        original = profile_mod.validate_profile_doc
        profile_mod.validate_profile_doc = partial(original, per_row_schema=True)
        try:
            return load(f)
        finally:
            profile_mod.validate_profile_doc = original

    for n in sizes:
        f = _profile_with_rows(tmp, n)
        ours, base = load(f), baseline(f)
        same = (ours == base) if isinstance(ours, str) else (not isinstance(base, str) and ours.emissions == base.emissions)
        assert same, (ours if isinstance(ours, str) else "loaded", base if isinstance(base, str) else "loaded")
        t_ours = _best(lambda: load(f), repeat=2)
        t_base = _best(lambda: baseline(f), repeat=1)
        outcome = f"refused: {ours}" if isinstance(ours, str) else "opened"
        print(f"[4] profile of {n:,} emission rows ({f.stat().st_size / 1e6:.1f} MB), {outcome}")
        _line("load_profile (rows validated column-wise)", t_ours, "baseline: same, rows by jsonschema one by one",
              t_base, "load_profile rows", n)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = "--quick" in argv
    from ecologis.io.reference_data import load_dictionary

    dictionary = load_dictionary(user_path=False)
    print("EcologIS I/O benchmarks" + (" (quick)" if quick else ""))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bench_xlsx(tmp, dictionary, 1000 if quick else 10_000)
        bench_pdf(dictionary, 20 if quick else 100)
        bench_batch(tmp, dictionary, 100 if quick else 1000)
        bench_profile_rows(tmp, (16_000,) if quick else (160_000, 100_000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
