"""The former ``compute`` of ``ecologis.core.assess`` (groups of duplicate rows found with
``np.unique``), kept verbatim with its helpers as the oracle of tests/core/test_compute_parity.py."""

from __future__ import annotations

import numpy as np

from ecologis.core.assess import (DUPLICATES_SUM, AssessmentResult, PreparedTable, RowList)
from ecologis.core.gdk import KIND_NONE
from ecologis.core.knp import knp_total
from ecologis.core.presets import Preset
from ecologis.core.validation import Journal, issue
from ecologis.model.problems import Problem


def _duplicate_groups(prep: PreparedTable, include: np.ndarray) -> list[np.ndarray]:
    """Row indices of each substance that occurs in more than one included row."""
    key = include.tobytes()
    if prep._dup_cache is not None and prep._dup_cache[0] == key:
        return prep._dup_cache[1]
    idx = np.flatnonzero(include)
    groups = _find_duplicate_groups(prep, idx)
    prep._dup_cache = (key, groups)
    return groups


def _find_duplicate_groups(prep: PreparedTable, idx: np.ndarray) -> list[np.ndarray]:
    if len(idx) < 2:
        return []
    keys = prep.dup_key[idx]
    counts = np.bincount(keys)
    if counts.max(initial=0) < 2:
        return []
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], len(sorted_keys)]
    return [idx[order[a:b]] for a, b in zip(starts.tolist(), ends.tolist()) if b - a > 1]


def _duplicate_issues(prep: PreparedTable, groups: list[np.ndarray], duplicates: str) -> list[Problem]:
    """The journal entries for duplicate rows (built once per table and policy)."""
    code = "W_DUPLICATE_SUMMED" if duplicates == DUPLICATES_SUM else "W_DUPLICATE_KEPT"
    cache = prep._dup_issue_cache
    if cache is not None and cache[0] is groups and cache[1] == code:
        return cache[2]
    rows_arr = prep.rows_array
    issues = []
    for members in groups:
        s = prep.substances[int(members[0])]
        issues.append(issue(code, int(rows_arr[members[0]]), "substance",
                            substance=s.name_uk, substance_en=s.name_en, rows=RowList(rows_arr[members])))
    prep._dup_issue_cache = (groups, code, issues)
    return issues


def compute(prep: PreparedTable, preset: Preset, duplicates: str = DUPLICATES_SUM, *,
            rules) -> AssessmentResult:
    """Contributions, КНП, category and СЗЗ for prepared rows (vectorised, no I/O).

    ``rules`` are the recommendation rules (``recommendations.json``, loaded by
    :func:`ecologis.io.reference_data.recommendation_rules`) the result's
    :meth:`~AssessmentResult.recommendations` are chosen by.

    With ``duplicates="sum"`` rows of the same substance (and the same row values) are
    summed before the formula is applied, as the normative method requires; with
    ``"keep"`` every row is counted on its own.  Both are reported in the journal.
    """
    journal = Journal(prep.journal)
    n = prep.n
    klass = prep.hazard_class
    has_gdk = prep.gdk_kind != KIND_NONE
    missing_class = (klass == 0) & prep.valid & has_gdk
    any_missing = bool(missing_class.any())
    if any_missing and preset.assumed_class_when_missing is not None:
        klass = np.where(klass == 0, np.int8(preset.assumed_class_when_missing), klass)
    include = prep.valid & has_gdk & (klass > 0)
    if any_missing:
        code = "W_CLASS_ASSUMED" if preset.assumed_class_when_missing is not None else "W_CLASS_MISSING"
        for i in np.flatnonzero(missing_class).tolist():
            journal.add(code, prep.rows[i], "hazard_class", cls=preset.assumed_class_when_missing)
    dup_groups = _duplicate_groups(prep, include)
    idx = np.flatnonzero(include)
    if duplicates == DUPLICATES_SUM and dup_groups:
        uniq, first_pos, inv = np.unique(prep.dup_key[idx], return_index=True, return_inverse=True)
        # keep groups in order of first appearance
        appearance = np.argsort(first_pos, kind="stable")
        rank = np.empty_like(appearance)
        rank[appearance] = np.arange(len(appearance))
        inv = rank[inv]
        first_pos = first_pos[appearance]
        g_first = idx[first_pos]
        g_mass = np.bincount(inv, weights=prep.mass_t[idx], minlength=len(uniq))
    else:
        inv = None
        g_first = idx
        g_mass = prep.mass_t[idx]
    g_gdk = prep.gdk[g_first]
    g_kind = prep.gdk_kind[g_first]
    g_class = klass[g_first].astype(np.int64)
    g_a = preset.a_array()[g_class]
    g_contrib = preset.contribution(g_mass, g_gdk, g_a)
    knp = knp_total(g_contrib)
    cat = preset.classify(knp)
    if dup_groups:
        journal.extend(_duplicate_issues(prep, dup_groups, duplicates))
    if len(idx) == 0:
        journal.add("W_NO_ROWS", None, None)
    # each row's part of its group's contribution, in proportion to its mass
    row_contrib = np.zeros(n)
    if inv is None:
        row_contrib[idx] = g_contrib
    else:
        row_contrib[idx] = g_contrib[inv] * (prep.mass_t[idx] / g_mass[inv])
    # dominant: the fewest top contributors whose cumulative share reaches the preset's
    dominant: list[int] = []
    if knp > 0 and len(g_contrib):
        k_top = min(len(g_contrib), 64)
        cand = np.argpartition(-g_contrib, k_top - 1)[:k_top] if len(g_contrib) > k_top else np.arange(len(g_contrib))
        top = cand[np.lexsort((cand, -g_contrib[cand]))]
        cum = np.cumsum(g_contrib[top]) / knp
        k = int(np.searchsorted(cum, preset.dominant_cumulative_share - 1e-12)) + 1
        dominant = top[: min(k, len(top))].tolist()
    return AssessmentResult(
        knp=knp, category=cat.label, szz_m=cat.radius_m, preset=preset, prepared=prep,
        g_first=g_first, g_inverse=inv, included=idx, row_class=klass, g_mass=g_mass, g_gdk=g_gdk, g_kind=g_kind, g_class=g_class,
        g_a=g_a, g_contribution=g_contrib, row_contribution=row_contrib,
        dominant=dominant, journal=journal, duplicates=duplicates, recommendation_rules=tuple(rules),
    )
