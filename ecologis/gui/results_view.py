"""The results panel: КНП, category, zone, dominant substances and the receptors inside
the zone, as the session computed them."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QListWidget, QVBoxLayout)

from ecologis.gui.models.emissions_model import qlocale
from ecologis.i18n import t, translator
from ecologis.session import Session


CATEGORY_COLORS = {"I": ("#b71c1c", "#ffffff"), "II": ("#e65100", "#ffffff"), "III": ("#f9a825", "#000000"),
                   "IV": ("#2e7d32", "#ffffff"), "V": ("#1565c0", "#ffffff")}


class ResultsPanel(QGroupBox):
    """КНП, category badge, СЗЗ, dominant substances, preset, recommendations and the
    traceability note (ГДК kind per row, rows using their own values)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.knp_caption, self.cat_caption, self.szz_caption = QLabel(), QLabel(), QLabel()
        self.knp_value = QLabel()
        self.knp_value.setObjectName("knpValue")
        self.knp_value.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.category_badge = QLabel()
        self.category_badge.setObjectName("categoryBadge")
        self.category_badge.setAlignment(Qt.AlignCenter)
        self.category_badge.setMinimumWidth(48)
        self.szz_value = QLabel()
        self.szz_value.setObjectName("knpValue")
        self.dominant = QLabel()
        self.dominant.setWordWrap(True)
        # the legally binding size sits beside the КНП estimate (ДСП 173-96, annex 4)
        self.normative = QLabel()
        self.normative.setObjectName("normativeZone")
        self.normative.setWordWrap(True)
        self.preset = QLabel()
        self.preset.setWordWrap(True)
        self.preset.setObjectName("note")
        self.rec_caption = QLabel()
        self.recommendations = QListWidget()
        self.recommendations.setWordWrap(True)
        self.trace = QLabel()
        self.trace.setWordWrap(True)
        self.trace.setObjectName("note")
        self.gdk_rule = QLabel()
        self.gdk_rule.setWordWrap(True)
        self.gdk_rule.setObjectName("note")
        self.conflicts_caption = QLabel()
        self.conflicts_caption.setObjectName("conflictsCaption")
        self.conflicts = QListWidget()
        self.conflicts.setObjectName("conflicts")
        self.conflicts.setWordWrap(True)
        self.conflicts.setMaximumHeight(52)
        self._conflict_lines: list[str] = []
        self._badge_style: str | None = None
        self._trace_key: tuple | None = None
        self._trace_text = ""
        self._recommendation_texts: list[str] = []
        row = QHBoxLayout()
        for cap, val in ((self.knp_caption, self.knp_value), (self.cat_caption, self.category_badge),
                         (self.szz_caption, self.szz_value)):
            row.addWidget(cap)
            row.addWidget(val)
            row.addSpacing(16)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.normative)
        lay.addWidget(self.dominant)
        lay.addWidget(self.preset)
        lay.addWidget(self.rec_caption)
        lay.addWidget(self.recommendations, 1)
        lay.addWidget(self.conflicts_caption)
        lay.addWidget(self.conflicts)
        lay.addWidget(self.trace)
        lay.addWidget(self.gdk_rule)

    def retranslate(self) -> None:
        """Captions (the values follow with :meth:`update_from`)."""
        self.setTitle(t("gui.results.title"))
        self.knp_caption.setText(t("gui.results.knp"))
        self.cat_caption.setText(t("gui.results.category"))
        self.szz_caption.setText(t("gui.results.szz"))
        self.rec_caption.setText(t("gui.results.recommendations"))
        self.gdk_rule.setText(t("gdk.rule"))
        self.conflicts_caption.setText(t("geo.conflicts.title") + ":")
        self.set_conflicts(self._conflict_lines)

    @staticmethod
    def normative_text(wb: Session) -> str:
        """The normative zone of the project's sanitary class beside the КНП estimate, or
        what to do when no class is given."""
        from ecologis.core.sanitary_zone import normalize_class, normative_size_m

        san = getattr(wb.profile, "sanitary", None)
        cls = normalize_class(getattr(san, "sanitary_class", None)) if san is not None else None
        if cls is None:
            return t("gui.results.normative_none")
        return t("gui.results.normative", cls=cls, m=qlocale().toString(normative_size_m(cls), "f", 0))

    def update_from(self, wb: Session) -> None:
        res = wb.result
        if res is None or res.knp <= 0:
            self.knp_value.setText("—")
            self.category_badge.setText("—")
            self._set_badge_style("")
            self.szz_value.setText("—")
            self.dominant.setText(t("gui.results.no_data"))
            self._set_recommendations([])
            self.trace.setText("")
            self.preset.setText(t("gui.results.preset", name=wb.preset_name()))
            return
        self.knp_value.setText(qlocale().toString(float(res.knp), "f", 3))
        bg, fg = CATEGORY_COLORS.get(res.category, ("#607d8b", "#ffffff"))
        self.category_badge.setText(res.category)
        self._set_badge_style(
            f"QLabel#categoryBadge {{ background: {bg}; color: {fg}; border-radius: 8px; padding: 2px 10px; font-weight: bold; }}")
        self.category_badge.setToolTip(t("gui.results.category_tip", cat=res.category))
        self.szz_value.setText(t("gui.results.szz_value", m=qlocale().toString(float(res.szz_m), "f", 0)))
        self.normative.setText(self.normative_text(wb))
        lang = translator.lang
        names = ", ".join(s.name(lang) for s in res.dominant_substances())
        self.dominant.setText(t("gui.results.dominant", names=names or "—"))
        self.preset.setText(t("gui.results.preset", name=wb.preset_name()))
        self._set_recommendations([r.text(lang) for r in res.recommendations()])
        self.trace.setText(self._trace(wb, lang))

    def _trace(self, wb: Session, lang: str) -> str:
        """The traceability note; rebuilt only when the prepared rows' ГДК kinds, validity
        or own values changed (a mass edit keeps those arrays)."""
        prep = wb.prepared
        parts_of = (prep.gdk_kind, prep.valid, prep.row_values) if prep is not None else (None, None, None)
        key = self._trace_key
        if key is not None and key[0] == lang and all(a is b for a, b in zip(key[1:], parts_of)):
            return self._trace_text
        usage = wb.gdk_usage()
        parts = [t("gui.results.trace_kind", kind=t("gdk_kind." + k), rows=_rows_text(v)) for k, v in usage.items()]
        own = wb.rows_with_own_values()
        text = t("gui.results.trace", parts="; ".join(parts)) if parts else ""
        if own:
            text += " " + t("gui.results.trace_own", rows=_rows_text(own))
        self._trace_key = (lang, *parts_of)
        self._trace_text = text
        return text

    def _set_badge_style(self, sheet: str) -> None:
        """A style sheet re-polishes the widget even when unchanged: set it only when new."""
        if sheet != self._badge_style:
            self._badge_style = sheet
            self.category_badge.setStyleSheet(sheet)

    def _set_recommendations(self, texts: list[str]) -> None:
        """Refill the list only when its texts changed (an edit usually changes none)."""
        if texts == self._recommendation_texts and self.recommendations.count() == len(texts):
            return
        self._recommendation_texts = list(texts)
        self.recommendations.clear()
        for text in texts:
            self.recommendations.addItem(text)

    def set_conflicts(self, lines: list[str]) -> None:
        """Receptors inside the СЗЗ (lines from the map's site analysis)."""
        self._conflict_lines = list(lines)
        self.conflicts.clear()
        if lines:
            for line in lines:
                self.conflicts.addItem(line)
        else:
            self.conflicts.addItem(t("geo.conflicts.none"))

    def conflict_texts(self) -> list[str]:
        """The listed conflicts (empty when there are none)."""
        return list(self._conflict_lines)


def _rows_text(rows: list[int]) -> str:
    """Compact row list "1–4, 7"."""
    out, start, prev = [], None, None
    for r in rows:
        if start is None:
            start = prev = r
        elif r == prev + 1:
            prev = r
        else:
            out.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = r
    if start is not None:
        out.append(str(start) if start == prev else f"{start}–{prev}")
    return ", ".join(out)


