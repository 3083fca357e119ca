"""The former ``ecologis.io.export.export_rows`` (one numpy index and ``row_share`` per row),
kept verbatim as the oracle of tests/io/test_export_linear.py."""

import numpy as np

from ecologis.i18n import t_lang
from ecologis.io.export import ROW_COLUMNS, _as_entered, _num


def old_export_rows(result, lang: str = "uk") -> tuple[list[str], list[list]]:
    """Headers and one row per input row: the entered values, the resolved substance,
    t/yr, the ГДК used and its kind, class, a(c), contribution and share (0..1).
    Numbers are Python floats/ints (``None`` where not applicable)."""
    from ecologis.core.gdk import GDK_KINDS

    prep = result.prepared
    counted = np.zeros(prep.n, dtype=bool)
    counted[result.included] = True          # by row index: row numbers may repeat
    row_a = result.row_a
    headers = [t_lang(lang, "io.col." + c) for c in ROW_COLUMNS]
    out = []
    for i in range(prep.n):
        e = prep.emissions[i]
        s = prep.substances[i]
        row = prep.rows[i]
        klass = int(result.row_class[i])
        ok = bool(prep.valid[i])
        kind = GDK_KINDS[int(prep.gdk_kind[i])]
        if not ok:
            status = t_lang(lang, "io.status.error")
        elif not counted[i]:
            status = t_lang(lang, "io.status.excluded")
        else:
            status = t_lang(lang, "io.status.ok")
        out.append([
            row,
            "" if e.substance is None else str(e.substance),
            s.name(lang) if s else "",
            (s.cas or "") if s else "",
            _num(e.mass) if _num(e.mass) is not None else ("" if e.mass is None else str(e.mass)),
            str(e.unit or ""),
            _num(prep.mass_t[i]),
            _num(prep.gdk[i]),
            t_lang(lang, "gdk_kind." + kind),
            klass or None,
            _num(row_a[i]) if klass else None,
            float(result.row_contribution[i]) if ok else None,
            float(result.row_share[i]) if ok else None,
            status,
            _as_entered(e.gdk_sd),
            _as_entered(e.gdk_mr),
            _as_entered(e.hazard_class),
            _as_entered(e.hours_per_year),
            "" if e.source_id is None else str(e.source_id),
            "" if e.date is None else str(e.date),
            str(e.note or ""),
        ])
    return headers, out
