"""Recommendations chosen by category and by the dominant substances.

Rules are data (``resources/recommendations.json``, read by
:mod:`ecologis.io.reference_data` and passed in), texts are in ``locales/``
(``rec.*``).  A rule applies when every condition it names holds: ``categories`` (the
enterprise's category is listed), ``groups`` (a dominant substance belongs to a listed
group), ``classes`` (a dominant substance has a listed hazard class).  A rule with
``per_dominant`` yields one line per dominant substance.  The thesis (VNTU, 2025), §2.3 and §4.2.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Recommendation:
    key: str
    params: dict = field(default_factory=dict, hash=False, compare=False)
    params_en: dict = field(default_factory=dict, hash=False, compare=False)

    def text(self, lang: str | None = None) -> str:
        from ecologis.i18n import translator, translator_for

        lang = lang or translator.lang
        params = self.params_en if lang == "en" and self.params_en else self.params
        return translator_for(lang)(self.key, **params)


def select(category: str, dominant: list[dict], szz_m: float, rules) -> list[Recommendation]:
    """Recommendations for a category and dominant substances by ``rules`` (the ``rules``
    list of ``recommendations.json``, loaded by :mod:`ecologis.io.reference_data`).

    ``dominant`` items: ``{"name_uk", "name_en", "group", "hazard_class"}``.
    """
    groups = {d["group"] for d in dominant}
    classes = {int(d["hazard_class"]) for d in dominant}
    radius = f"{szz_m:g}"
    out: list[Recommendation] = []
    for r in rules:
        if "categories" in r and category not in r["categories"]:
            continue
        if "groups" in r and not groups.intersection(r["groups"]):
            continue
        if "classes" in r and not classes.intersection(r["classes"]):
            continue
        if r.get("per_dominant"):
            for d in dominant:
                out.append(Recommendation(r["key"], {"name": d["name_uk"], "cls": d["hazard_class"], "radius": radius},
                                          {"name": d["name_en"], "cls": d["hazard_class"], "radius": radius}))
        else:
            out.append(Recommendation(r["key"], {"radius": radius}))
    return out


def recommend(result, rules) -> list[Recommendation]:
    """Recommendations for an :class:`~ecologis.core.assess.AssessmentResult` by ``rules``."""
    dom = []
    for g in result.dominant:
        s = result.substance(g)
        dom.append({"name_uk": s.name_uk, "name_en": s.name_en, "group": s.group, "hazard_class": int(result.g_class[g])})
    return select(result.category, dom, result.szz_m, rules)
