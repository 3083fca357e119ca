"""Default background for towns without regular observations (Order 286 §4.8, table 4.1),
and 0.4 · ГДК м.р. for the other substances."""

from __future__ import annotations

from ecologis.core.background.data import BackgroundReference
from ecologis.core.background.errors import BackgroundError
from ecologis.core.background.formulas import default_other_substance
from ecologis.core.background.result import BackgroundResult


def population_band(population: float, *, refdata: BackgroundReference) -> dict:
    """The table 4.1 band of a population (persons).  Lower bound inclusive; the last
    band includes 250 thousand.  Raises :class:`BackgroundError` above 250 thousand
    (§4.8 applies to towns up to 250 thousand) or for a negative number."""
    if population is None or not (population >= 0):
        raise BackgroundError("bg.err.population_invalid", value=population)
    tab = refdata.table_4_1
    th = population / 1000.0
    if th > tab["applies_up_to_thousands"]:
        raise BackgroundError("bg.err.population_over", value=int(population),
                              limit=tab["applies_up_to_thousands"])
    for b in tab["bands"]:
        if b["min_thousands"] <= th < b["max_thousands"] or (th == b["max_thousands"] == tab["applies_up_to_thousands"]):
            return b
    raise BackgroundError("bg.err.population_invalid", value=population)  # pragma: no cover


def table_substance(ref: str, dictionary=None, *, refdata: BackgroundReference) -> str | None:
    """The table 4.1 key (dust, no2, co, so2) of a substance reference, or None.
    Matched by the table's names / CAS, then through the dictionary's CAS."""
    from ecologis.core.dictionary import normalize_name

    tab = refdata.table_4_1["substances"]
    q = normalize_name(ref)
    for key, s in tab.items():
        if q == key or q in s["match"] or ref.strip() in s["cas"]:
            return key
    if dictionary is not None:
        sub = dictionary.lookup(ref)
        if sub is not None and sub.cas:
            for key, s in tab.items():
                if sub.cas in s["cas"]:
                    return key
    return None


def default_background(population: float, substances: list[str], dictionary, date=None, *,
                       refdata: BackgroundReference) -> BackgroundResult:
    """§4.8: table 4.1 values for dust, NO2, CO, SO2 (mg/m³ and share of ГДК м.р. as
    printed), 0.4 · ГДК м.р. from the dictionary for the other substances.

    Each value row has ``source``: ``table_4_1`` (with the band) or
    ``gdk_mr`` (with the dictionary id, the ГДК м.р. and its source id/title).
    A substance without a ГДК м.р. or not in the dictionary raises
    :class:`BackgroundError`."""
    band = population_band(population, refdata=refdata)
    tab = refdata.table_4_1
    factor = refdata.method["calculated"]["default_gdk_factor"]
    rows = []
    for ref in substances:
        key = table_substance(ref, dictionary, refdata=refdata)
        if key is not None:
            mg, share = band["values"][key]
            s = tab["substances"][key]
            rows.append({"substance": ref, "table_key": key, "name_uk": s["name_uk"], "name_en": s["name_en"],
                         "value_mg_m3": mg, "share_gdk_mr": share, "source": "table_4_1",
                         "band_thousands": band["band"], "seed_lines": band["seed_lines"],
                         "source_ref_key": "bg.ref.table_4_1_band",
                         "source_ref_params": {"band": band["band"], "seed_lines": band["seed_lines"]}})
            continue
        sub = dictionary.lookup(ref)
        if sub is None:
            raise BackgroundError("bg.err.unknown_substance", substance=ref)
        if sub.gdk_mr is None:
            raise BackgroundError("bg.err.no_gdk_mr", substance=ref)
        src_id = (sub.sources or {}).get("gdk_mr")
        rows.append({"substance": ref, "substance_id": sub.id, "name_uk": sub.name_uk, "name_en": sub.name_en,
                     "value_mg_m3": float(default_other_substance(sub.gdk_mr, factor)), "share_gdk_mr": factor,
                     "gdk_mr": sub.gdk_mr, "source": "gdk_mr", "gdk_source_id": src_id,
                     "gdk_source_title": dictionary.source_title(src_id) if src_id else None,
                     "source_ref_key": "bg.ref.default_gdk", "source_ref_params": {}})
    kw = {"date": date} if date is not None else {}
    return BackgroundResult(
        method="default", method_ref="bg.ref.default",
        inputs={"population": population, "population_band_thousands": band["band"], "substances": list(substances)},
        values=rows, validity_years=refdata.validity_years, **kw)
