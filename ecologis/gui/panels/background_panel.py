"""Background concentrations panel (Order No. 286): default values (§4.8), post observations
(§2), a point between/beyond posts (§2.6) and the annex 7 office list.

Thin: every number comes from :mod:`ecologis.core.background`; the widget only formats
and shows it.  A result that used a reconstructed piece shows the red "reconstructed
method, not normative" notice with the list of pieces.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from ecologis.core.background.result import ref_text
from ecologis.gui.theme import status_color
from ecologis.i18n import format_significant, t, translator
from ecologis.io.reference_data import background_reference, load_dictionary


_fmt = format_significant


def _fill(table: QTableWidget, headers: list[str], rows: list[list]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            it = QTableWidgetItem(str(v))
            it.setFlags(it.flags() & ~Qt.ItemIsEditable)
            table.setItem(i, j, it)
    table.resizeColumnsToContents()


class BackgroundPanel(QWidget):
    """Signals: ``resultComputed(BackgroundResult)`` after each successful calculation
    (the main window stores it in the profile); ``pickRequested()`` when the user asks
    to pick the point on the map (the main window answers with :meth:`set_point`)."""

    resultComputed = Signal(object)
    pickRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result = None            # last BackgroundResult
        self._dictionary = None       # the substance dictionary, for names in the UI language
        self._labels: dict[str, QLabel] = {}
        self._rows_fn = None          # rebuilds the table rows in the current language
        self.tabs = QTabWidget()

        # -- default (§4.8) -------------------------------------------------------------
        self.population = QSpinBox()
        self.population.setRange(0, 250_000)
        self.population.setSingleStep(1000)
        self.population.setValue(100_000)
        self.substances = QLineEdit()
        self.default_btn = QPushButton()
        self.default_btn.clicked.connect(self.compute_default)
        w = QWidget()
        self.default_form = QFormLayout(w)
        self.default_form.addRow(self._label("population"), self.population)
        self.default_form.addRow(self._label("substances"), self.substances)
        self.default_form.addRow(self.default_btn)
        self.tabs.addTab(w, "")

        # -- posts (§2) -----------------------------------------------------------------
        self.series_path = QLineEdit()
        self.series_browse = QPushButton()
        self.series_browse.clicked.connect(self._browse_series)
        self.group = QLineEdit()
        self.posts_btn = QPushButton()
        self.posts_btn.clicked.connect(lambda: self.compute_posts(self.series_path.text()))
        w = QWidget()
        self.posts_form = QFormLayout(w)
        row = QWidget()
        hl = QHBoxLayout(row)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(self.series_path, 1)
        hl.addWidget(self.series_browse)
        self.posts_form.addRow(self._label("series"), row)
        self.posts_form.addRow(self._label("group"), self.group)
        self.posts_form.addRow(self.posts_btn)
        self.tabs.addTab(w, "")

        # -- point (§2.6) ---------------------------------------------------------------
        self.posts_path = QLineEdit()
        self.lat = QDoubleSpinBox()
        self.lon = QDoubleSpinBox()
        for sb, lim in ((self.lat, 90), (self.lon, 180)):
            sb.setDecimals(6)
            sb.setRange(-lim, lim)
        self.point_btn = QPushButton()
        self.point_btn.clicked.connect(lambda: self.compute_point(self.posts_path.text(), self.lat.value(),
                                                                  self.lon.value()))
        w = QWidget()
        self.point_form = QFormLayout(w)
        self.point_form.addRow(self._label("posts_file"), self.posts_path)
        self.point_form.addRow(self._label("lat"), self.lat)
        self.point_form.addRow(self._label("lon"), self.lon)
        self.pick_btn = QPushButton()
        self.pick_btn.setObjectName("pickOnMap")
        self.pick_btn.clicked.connect(self.pickRequested)
        self.point_form.addRow(self.pick_btn)
        self.point_form.addRow(self.point_btn)
        self.tabs.addTab(w, "")

        # -- annex 7 ------------------------------------------------------------------------
        self.city = QLineEdit()
        self.city.textChanged.connect(self.search_offices)
        w = QWidget()
        self.office_form = QFormLayout(w)
        self.office_form.addRow(self._label("city"), self.city)
        self.tabs.addTab(w, "")

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setObjectName("inlineError")          # coloured by the theme
        bold = self.notice.font()
        bold.setBold(True)
        self.notice.setFont(bold)
        self.notice.hide()
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.table = QTableWidget()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)

        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(self.notice)
        lay.addWidget(self.info)
        lay.addWidget(self.table, 1)
        self.stored_caption = QLabel()
        self.stored = QListWidget()
        self.stored.setObjectName("storedResults")
        self.stored.setMaximumHeight(110)
        self._stored_docs: list[dict] = []
        lay.addWidget(self.stored_caption)
        lay.addWidget(self.stored)
        cb = self._on_language
        translator.subscribe(cb)
        # a closure over the callback only, so it works after the Python wrapper is gone
        self.destroyed.connect(lambda *_, cb=cb: translator.unsubscribe(cb))
        self.retranslate()

    def _label(self, key: str) -> QLabel:
        self._labels[key] = QLabel()
        return self._labels[key]

    # ------------------------------------------------------------------------------------
    def changeEvent(self, event):  # noqa: N802 (Qt name)
        # a theme switch (new application palette): the status colours of the table follow
        if event.type() == QEvent.Type.PaletteChange and self._rows_fn is not None:
            self._rows_fn()
        super().changeEvent(event)

    def _on_language(self, _lang: str) -> None:
        try:
            self.retranslate()
        except RuntimeError:         # the C++ widget is gone
            translator.unsubscribe(self._on_language)

    def retranslate(self) -> None:
        for i, k in enumerate(("default", "posts", "point", "offices")):
            self.tabs.setTabText(i, t(f"bg.gui.tab.{k}"))
        for key, label in self._labels.items():
            label.setText(t(f"bg.gui.{key}"))
        self.substances.setPlaceholderText(t("bg.gui.substances_hint"))
        self.default_btn.setText(t("bg.gui.compute"))
        self.series_browse.setText(t("bg.gui.browse"))
        self.group.setPlaceholderText(t("bg.gui.group_hint"))
        self.posts_btn.setText(t("bg.gui.compute"))
        self.point_btn.setText(t("bg.gui.compute"))
        self.pick_btn.setText(t("gui.bg.pick"))
        self.pick_btn.setToolTip(t("gui.bg.pick_tip"))
        self.stored_caption.setText(t("gui.bg.stored"))
        self.set_stored(self._stored_docs)
        self._show()

    # ------------------------------------------------------------------------------------
    def set_point(self, lat: float, lon: float) -> None:
        """The point for the interpolation (§2.6), e.g. picked on the map."""
        self.lat.setValue(float(lat))
        self.lon.setValue(float(lon))
        self.tabs.setCurrentIndex(2)

    def set_stored(self, docs: list[dict]) -> None:
        """Results stored in the profile (``ecologis.core.background.store``)."""
        self._stored_docs = list(docs or [])
        self.stored.clear()
        for d in self._stored_docs:
            names = list(dict.fromkeys(self._name(v) for v in (d.get("values") or [])))   # once each, in order
            subs = ", ".join(names[:6]) + (", …" if len(names) > 6 else "")
            from ecologis.core.background.result import ref_text

            method = ref_text(d, "method_ref", translator.lang) or "?"     # the Order's clause, not the method id
            self.stored.addItem(t("gui.bg.stored_item", method=method, date=d.get("date") or "?",
                                  valid_until=d.get("valid_until") or "?", substances=subs))

    def stored_texts(self) -> list[str]:
        return [self.stored.item(i).text() for i in range(self.stored.count())]

    def _computed(self) -> None:
        self._show()
        if self.result is not None:
            self.resultComputed.emit(self.result)

    # ------------------------------------------------------------------------------------
    def _error(self, exc) -> None:
        from ecologis.core.background import SeriesError

        self.result = None
        self._rows_fn = None
        lines = [exc.message()]
        if isinstance(exc, SeriesError):
            lines += exc.messages()
            if exc.total > len(exc.problems):
                lines.append(t("bg.err.more", count=exc.total - len(exc.problems)))
        self.notice.hide()
        self.info.setText("\n".join(lines))
        self.table.setRowCount(0)

    def _show(self) -> None:
        res = self.result
        if res is None:
            if self._rows_fn is not None:
                self._rows_fn()
            return
        if res.reconstructed:
            self.notice.setText(t("bg.warn.reconstructed") + "\n" +
                                "\n".join(f"• {t('bg.piece.' + p)}" for p in res.pieces))
            self.notice.show()
        else:
            self.notice.hide()
        info = [t("bg.out.dates", date=res.date.isoformat(), valid_until=res.valid_until.isoformat())]
        info += [t("bg.out.warning", message=w.message()) for w in res.warnings[:20]]
        self.info.setText("\n".join(info))
        if self._rows_fn is not None:
            self._rows_fn()

    def _name(self, row: dict) -> str:
        """The substance of a result row in the UI language: the row's own name in that
        language (the Order's table), else the dictionary's name of the substance (a CAS
        number or a name in the other language), else what the row says."""
        lang = translator.lang
        own = row.get("name_en" if lang == "en" else "name_uk")
        if own:
            return str(own)
        if self._dictionary is None:
            self._dictionary = load_dictionary()
        for ref in (row.get("substance"), row.get("name_uk"), row.get("name_en")):
            sub = self._dictionary.lookup(str(ref)) if ref else None
            if sub is not None and sub.name(lang):
                return sub.name(lang)
        return str(row.get("substance") or "")

    # ------------------------------------------------------------------------------------
    def compute_default(self) -> None:
        from ecologis.core.background import BackgroundError, default_background
    
        subs = [s.strip() for s in self.substances.text().split(";") if s.strip()] or \
            [v["name_uk"] for v in background_reference().table_4_1["substances"].values()]
        try:
            self.result = default_background(self.population.value(), subs, load_dictionary(), refdata=background_reference())
        except BackgroundError as exc:
            self._error(exc)
            return

        def rows():
            _fill(self.table, [t("bg.form.col.substance"), t("bg.form.col.value"), t("bg.form.col.share"),
                               t("bg.form.col.source")],
                  [[self._name(r), _fmt(r["value_mg_m3"]), _fmt(r["share_gdk_mr"]),
                    r.get("gdk_source_title") or ref_text(r, "source_ref")] for r in self.result.values])
        self._rows_fn = rows
        self._computed()

    def _browse_series(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("bg.gui.series"), "", t("bg.gui.filter_series"))
        if path:
            self.series_path.setText(path)

    def compute_posts(self, path: str) -> None:
        from ecologis.core.background import BackgroundError, posts_background, summation_background
        from ecologis.io.background_series import read_series

        group = [m.strip() for m in self.group.text().split(",") if m.strip()]
        try:
            series = read_series(path)
            self.result = summation_background(series, group, load_dictionary(), refdata=background_reference()) if group else posts_background(series, refdata=background_reference())
        except BackgroundError as exc:
            self._error(exc)
            return
        from ecologis.core.background import GRADATIONS

        def rows():
            out = []
            for r in self.result.values:
                grads = {g["gradation"]: g["background_mg_m3"] for g in r["gradations"]}
                out.append([r["post"], self._name(r)] + [_fmt(grads.get(g)) for g in GRADATIONS] +
                           ["; ".join(f"{t('bg.grad.' + i['gradation'])}: {_fmt(i['value_mg_m3'])}"
                                      for i in r["issued"]),
                            t("bg.out.sufficient") if r["sufficiency"]["sufficient"] else t("bg.out.insufficient")])
            _fill(self.table, [t("bg.form.col.post"), t("bg.form.col.substance")] +
                  [t("bg.grad." + g) for g in GRADATIONS] + [t("bg.form.col.issued"), t("bg.form.col.sufficient")],
                  out)
            for i, r in enumerate(self.result.values):
                if not r["sufficiency"]["sufficient"]:
                    self.table.item(i, self.table.columnCount() - 1).setForeground(status_color("error"))
        self._rows_fn = rows
        self._computed()

    def compute_point(self, posts_file: str, lat: float, lon: float) -> None:
        from ecologis.core.background import BackgroundError, background_at
        from ecologis.io.reference_data import load_posts

        try:
            posts, suburban = load_posts(posts_file)
            self.result = background_at(posts, suburban, lat, lon, refdata=background_reference())
        except BackgroundError as exc:
            self._error(exc)
            return

        def rows():
            _fill(self.table, [t("bg.form.col.substance"), t("bg.form.col.gradation"), t("bg.form.col.value")],
                  [[self._name(r), t("bg.grad." + r["gradation"]), _fmt(r["value_mg_m3"])]
                   for r in self.result.values])
        self._rows_fn = rows
        self._computed()

    def search_offices(self, city: str) -> None:
        from ecologis.core.background import find_offices

        self.result = None
        self.notice.hide()
        self.info.setText("")
        hits = find_offices(city, refdata=background_reference()) if city.strip() else []

        def rows():
            _fill(self.table, [t("bg.gui.col.city"), t("bg.gui.col.posts"), t("bg.gui.col.organisation"),
                               t("bg.gui.col.address")],
                  [[h["city"], h["posts"], h["organisation"], h["address"]] for h in hits])
        self._rows_fn = rows
        rows()
