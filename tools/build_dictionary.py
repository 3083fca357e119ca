"""Build ``pollutants.json`` from the public reference table.

Usage: ``python tools/build_dictionary.py ../shared/reference/pollutants_reference.csv``

Every value keeps the source it came from.  The reference values come from Russian
lists (SanPiN 1.2.3685-21, GN 2.1.6.3492-17) because the tables of the Ukrainian MOZ
order No. 52 (2020) could not be obtained; the dictionary says so per value.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SOURCES = {
    "sanpin-1.2.3685-21-t1.1": {
        "title": "SanPiN 1.2.3685-21 (RU), Table 1.1 (ПДК, air of populated areas)",
        "url": "https://github.com/ilyautov/hefest/blob/bae7cb8ee847f3586a580ace1841954e93637795/data/sanpin_atmo.json",
        "jurisdiction": "RU",
        "note": "Secondary machine-readable copy flagged needs_review; Ukrainian MOZ order No. 52 (2020) values not verified.",
    },
    "sanpin-1.2.3685-21-t1.2": {
        "title": "SanPiN 1.2.3685-21 (RU), Table 1.2 (ОБУВ ≈ Ukrainian ОБРВ)",
        "url": "https://github.com/ilyautov/hefest/blob/bae7cb8ee847f3586a580ace1841954e93637795/data/sanpin_atmo.json",
        "jurisdiction": "RU",
        "note": "Provisional values (ОБУВ); Ukrainian ОБРВ list not verified.",
    },
    "gn-2.1.6.3492-17": {
        "title": "GN 2.1.6.3492-17 (RU)",
        "url": "https://www.consultant.ru/document/cons_doc_LAW_287450/e27b632abc1203e9b76fab58cb6a68c9fef39690",
        "jurisdiction": "RU",
        "note": "Only the first rows of the table were readable.",
    },
    "thesis-table-4.2": {
        "title": "Master's thesis (VNTU, 2025), table 4.2",
        "url": "",
        "jurisdiction": "",
        "note": "No official standard found; value from the master's thesis (VNTU, 2025), table 4.2.",
    },
    "inventory-codes-minpryrody": {
        "title": "Перелік забруднюючих речовин … державний облік (annex 1, Мінприроди): inventory group codes 01001–01008",
        "url": "https://yurist-online.org/load/drugie_obrazcy_inshi_zrazki/inshe_drugoe/perelik_zabrudnjujuchikh_rechovin_na_porogovi_znachennja_potencijnikh_vikidiv_za_jakimi_zdijsnjuetsja_derzhavnij_oblik/12-1-0-5121",
        "jurisdiction": "UA",
        "note": "Codes matched to substances by the reference compiler.",
    },
}

# Recommendation groups by CAS (or by English-name keyword for rows without CAS).
GROUP_BY_CAS = {
    "10102-44-0": "nitrogen_oxides", "10102-43-9": "nitrogen_oxides",
    "7446-09-5": "sulphur_compounds", "7783-06-4": "sulphur_compounds", "75-15-0": "sulphur_compounds",
    "74-93-1": "sulphur_compounds", "75-08-1": "sulphur_compounds",
    "630-08-0": "carbon_monoxide",
    "7697-37-2": "acids", "7647-01-0": "acids", "7664-39-3": "acids", "10035-10-6": "acids",
    "74-90-8": "acids", "7664-93-9": "acids", "64-19-7": "acids", "1314-56-3": "acids",
    "7664-41-7": "ammonia",
    "7782-50-5": "halogens", "75-44-5": "halogens", "7803-51-2": "halogens",
    "10028-15-6": "oxidants",
    "1333-86-4": "dust",
    "74-82-8": "methane",
    "75-71-8": "ozone_depleting", "75-45-6": "ozone_depleting", "75-69-4": "ozone_depleting",
    "56-23-5": "ozone_depleting",
    "50-32-8": "pah", "91-20-3": "pah",
    "78-00-2": "heavy_metals",
}
METAL_CODES = {"01001", "01002", "01003", "01004", "01005", "01006", "01007", "01008"}
METAL_CAS = {"7439-92-1", "7439-97-6", "7446-08-4", "7440-02-0", "1313-99-1", "1306-19-0", "7440-38-2",
             "1314-62-1", "1314-13-2", "1309-37-1", "1317-38-0", "7440-48-4", "1344-28-1"}
INORGANIC_DUST_CAS = {"1309-48-4", "1305-78-8", "497-19-8", "7647-14-5"}

NOTES = {
    "10102-44-0": ("Клас небезпеки дискусійний: 3 у ГН 2.1.6.3492-17 і СанПіН 2021, 2 у ГОСТ Р 55978-2014 та в дипломній роботі.",
                   "Hazard class disputed: 3 in GN 2.1.6.3492-17 and SanPiN 2021, 2 in GOST R 55978-2014 and in the master's thesis (VNTU, 2025)."),
    "10028-15-6": ("ГДК с.д. 0,1 — це 8-годинне середнє за СанПіН.", "ГДК с.д. 0.1 is an 8-hour average in SanPiN."),
    "75-08-1": ("ГДК м.р. з тексту «5 · 10⁻⁵».", "ГДК м.р. read from the raw text \"5 · 10^-5\"."),
    "74-82-8": ("ОБУВ (РФ) — тимчасовий норматив; українське ОБРВ не перевірено.", "ОБУВ (RU) is provisional; the Ukrainian ОБРВ is not verified."),
    "1333-86-4": ("0,15 — разова ГДК, 0,05 — середньодобова.", "0.15 is the one-time limit, 0.05 the daily average."),
}


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:48]


def num(v: str):
    v = (v or "").strip()
    return float(v) if v else None


def source_id(text: str) -> str:
    if "Table 1.2" in text:
        return "sanpin-1.2.3685-21-t1.2"
    if "SanPiN" in text:
        return "sanpin-1.2.3685-21-t1.1"
    if "GN 2.1.6.3492-17" in text:
        return "gn-2.1.6.3492-17"
    raise ValueError(f"unknown source {text!r}")


def group_for(row: dict) -> str:
    cas, code, en = row["cas"], row["code_ua"], row["name_en"].lower()
    if cas in GROUP_BY_CAS:
        return GROUP_BY_CAS[cas]
    if code in METAL_CODES or cas in METAL_CAS or "ash" in en or "chromium" in en or "manganese" in en:
        return "heavy_metals"
    if "dust" in en or "particulate" in en or cas in INORGANIC_DUST_CAS:
        return "dust"
    return "voc"


def main(csv_path: str) -> None:
    rows = list(csv.DictReader(open(csv_path, encoding="utf-8")))
    substances = []
    seen_ids: set[str] = set()
    for row in rows:
        en = row["name_en"].strip()
        if row["cas"].strip() == "" and "NMVOC" in en:
            continue  # added below with the thesis value
        sid = row["cas"].strip() or slug(en)
        assert sid not in seen_ids, sid
        seen_ids.add(sid)
        src = source_id(row["source"])
        sources = {}
        rec = {
            "id": sid,
            "code": row["code_ua"].strip() or None,
            "cas": row["cas"].strip() or None,
            "name_uk": row["name_uk"].strip(),
            "name_en": en,
            "aliases": [],
            "hazard_class": int(row["hazard_class"]) if row["hazard_class"].strip() else None,
            "gdk_mr": num(row["gdk_mr_mg_m3"]),
            "gdk_sd": num(row["gdk_sd_mg_m3"]),
            "obrv": num(row["obrv_mg_m3"]),
            "gdk_rz": None,
            "group": group_for(row),
        }
        for field in ("hazard_class", "gdk_mr", "gdk_sd", "obrv"):
            if rec[field] is not None:
                sources[field] = src
        if rec["code"]:
            sources["code"] = "inventory-codes-minpryrody"
        rec["sources"] = sources
        if rec["cas"] in NOTES:
            rec["note_uk"], rec["note_en"] = NOTES[rec["cas"]]
        substances.append(rec)
    # Common short names users type (thesis table 4.1 spelling among them).
    aliases = {
        "10102-44-0": ["Діоксид азоту", "NO2", "азоту діоксид (NO2)"],
        "10102-43-9": ["Оксид азоту", "NO"],
        "7446-09-5": ["Діоксид сірки", "SO2", "сірчистий ангідрид"],
        "630-08-0": ["Оксид вуглецю", "Чадний газ", "CO"],
        "74-82-8": ["CH4"],
        "1333-86-4": ["Сажа", "Сажа (елементний вуглець)", "Soot"],
        "7697-37-2": ["Азотна кислота", "HNO3"],
        "60-29-7": ["Діетиловий ефір", "Ефір діетиловий"],
        "75-71-8": ["Фреон-12", "Freon-12", "CFC-12", "R-12"],
        "75-45-6": ["Фреон-22", "Freon-22", "HCFC-22", "R-22"],
        "7664-41-7": ["NH3"],
        "7783-06-4": ["H2S", "Сірководень"],
        "50-00-0": ["HCHO"],
    }
    tsp = slug("Total suspended particulate matter, undifferentiated (TSP)")
    for s in substances:
        s["aliases"] = aliases.get(s["id"], [])
        if s["id"].startswith(tsp):
            s["aliases"] = ["Пил зважений", "Суспендовані тверді частинки", "Завислі речовини", "TSP", "Suspended solids", "Dust"]
    substances.append({
        "id": "nmvoc", "code": None, "cas": None,
        "name_uk": "Неметанові леткі органічні сполуки (НМЛОС)",
        "name_en": "Non-methane volatile organic compounds (NMVOC)",
        "aliases": ["НМЛОС", "NMVOC"],
        "hazard_class": 3, "gdk_mr": None, "gdk_sd": 1.0, "obrv": None, "gdk_rz": None,
        "group": "voc",
        "sources": {"hazard_class": "thesis-table-4.2", "gdk_sd": "thesis-table-4.2"},
        "note_uk": "Офіційного нормативу не знайдено; значення з таблиці 4.2 дипломної роботи.",
        "note_en": "No official standard found; value from the master's thesis (VNTU, 2025), table 4.2.",
    })
    doc = {
        "schema_version": 1,
        "title": "EcologIS substance dictionary (air hygiene standards)",
        "generated_from": "shared/reference/pollutants_reference.csv via tools/build_dictionary.py",
        "warning_uk": "Значення взято з російських переліків (СанПіН 1.2.3685-21, ГН 2.1.6.3492-17); таблиці наказу МОЗ № 52 (2020) не були доступні. Перевірте значення за офіційним текстом.",
        "warning_en": "Values come from Russian lists (SanPiN 1.2.3685-21, GN 2.1.6.3492-17); the tables of the Ukrainian MOZ order No. 52 (2020) could not be obtained. Check values against the official text.",
        "sources": SOURCES,
        "substances": substances,
    }
    out = ROOT / "pollutants.json"
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(substances)} substances to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared" / "reference" / "pollutants_reference.csv"))
