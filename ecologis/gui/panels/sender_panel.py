"""Sender panel: endpoint and certificate, АСВ / equipment registration, sending the
current assessment, connection test and the outbox queue with the 24-hour countdown.

All network work runs on a QThreadPool worker; the UI thread only reads the outbox.
"""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
                               QWidget)

from ecologis.i18n import t, translator
from ecologis.sender import model, schemas
from ecologis.sender.config import (ConfigError, SenderConfig, keyring_set, load_config, password_from_sources,
                                    save_config)
from ecologis.sender.outbox import STATES, Outbox, acquire_instance_lock
from ecologis.sender.sender import Clock, Sender, deadline_message, deadline_status, inbox_message

from ecologis.gui.panels.sender_widgets import _file_row, _Job, _StatusFields
from ecologis.gui.theme import set_status


def _bold(label: QLabel) -> None:
    f = label.font()
    f.setBold(True)
    label.setFont(f)

_LOCKED = object()      # a drain job's result when another process holds the queue


class SenderPanel(QWidget):
    """``SenderPanel(get_assessment)``: ``get_assessment()`` returns the current
    assessment dict (knp, category, szz_m, method, contributions, enterprise) or None."""

    busy_changed = Signal(bool)

    def __init__(self, get_assessment, parent=None, clock: Clock | None = None):
        super().__init__(parent)
        self.get_assessment = get_assessment
        self.clock = clock or Clock()
        try:
            self.cfg = load_config()
            config_problem = None
        except (ConfigError, OSError, UnicodeDecodeError) as e:   # shown below; the file is left as it is
            self.cfg = SenderConfig()
            config_problem = e.message() if isinstance(e, ConfigError) else \
                t("sender.error.os", file=str(getattr(e, "filename", "") or ""), detail=str(e))
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)   # one network job at a time, in order
        self._jobs: set = set()
        self._outbox: Outbox | None = None
        self._transport = None            # one TLS transport, used on the worker thread only
        self._transport_key = None        # the connection settings it was built from
        self._busy = False
        self.last_result = ""
        self._build()
        self._load_cfg_into_fields()
        self.retranslate()
        translator.subscribe(self._on_language)
        self.destroyed.connect(lambda *_: translator.unsubscribe(self._on_language))
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.auto_timer = QTimer(self)
        self.auto_timer.setInterval(int(max(5.0, self.cfg.poll_interval_s) * 1000))
        self.auto_timer.timeout.connect(self._auto_send)
        self.auto_timer.start()
        self.refresh()
        if config_problem:
            self._show(config_problem, error=True)

    # ---- construction -------------------------------------------------------------------
    def _build(self):
        root = QVBoxLayout(self)
        self.tabs = QTabWidget()
        root.addWidget(self.tabs)
        self.verify_warning = QLabel()
        set_status(self.verify_warning, "error")      # the theme's colour (readable in both themes)
        _bold(self.verify_warning)
        self.verify_warning.setWordWrap(True)
        root.addWidget(self.verify_warning)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        root.addWidget(self.result_label)

        # connection tab
        conn = QWidget()
        f = QFormLayout(conn)
        self.endpoint = QLineEdit()
        self.endpoint.setPlaceholderText("https://…")
        self.ca_file = QLineEdit()
        self.ca_browse = QPushButton()
        self.ca_browse.clicked.connect(lambda: self._browse(self.ca_file, "PEM (*.pem *.crt *.cer);;* (*)"))
        self.verify = QCheckBox()
        self.verify.toggled.connect(self._update_verify_warning)
        self.client_cert = QLineEdit()
        self.cert_browse = QPushButton()
        self.cert_browse.clicked.connect(
            lambda: self._browse(self.client_cert, "PKCS#12 (*.p12 *.pfx);;PEM (*.pem *.crt);;* (*)"))
        self.client_key = QLineEdit()
        self.key_browse = QPushButton()
        self.key_browse.clicked.connect(lambda: self._browse(self.client_key, "PEM (*.pem *.key);;* (*)"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.use_keyring = QCheckBox()
        self.outbox_path = QLineEdit()
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 1000)
        self.save_btn = QPushButton()
        self.save_btn.clicked.connect(self.save_settings)
        self.test_btn = QPushButton()
        self.test_btn.clicked.connect(self.test_connection)
        self.cert_info = QLabel()
        self.cert_info.setWordWrap(True)
        self._conn_labels = [QLabel() for _ in range(9)]
        rows = [self.endpoint, _file_row(self.ca_file, self.ca_browse), self.verify,
                _file_row(self.client_cert, self.cert_browse), _file_row(self.client_key, self.key_browse),
                self.password, self.use_keyring, self.outbox_path, self.batch_size]
        for lab, w in zip(self._conn_labels, rows):
            f.addRow(lab, w)
        btns = QHBoxLayout()
        btns.addWidget(self.save_btn)
        btns.addWidget(self.test_btn)
        btns.addStretch(1)
        f.addRow(btns)
        f.addRow(self.cert_info)
        self.tabs.addTab(conn, "")

        # registration tab
        reg = QWidget()
        rl = QVBoxLayout(reg)
        self.asv_box = QGroupBox()
        af = QFormLayout(self.asv_box)
        self.asv_id = QLineEdit()
        self.edrpou = QLineEdit()
        self.edrpou.setMaxLength(8)
        self.operator_name = QLineEdit()
        self.installation_name = QLineEdit()
        self.permit = QLineEdit()
        self.asv_registered_on = QDateEdit(QDate.currentDate())
        self.asv_registered_on.setCalendarPopup(True)
        self.asv_registered_on.setDisplayFormat("yyyy-MM-dd")
        self.asv_status = _StatusFields()
        self.cert_serial = QLineEdit()
        self.serial_from_cert = QPushButton()
        self.serial_from_cert.clicked.connect(self._fill_serial)
        self.asv_send = QPushButton()
        self.asv_send.clicked.connect(self.register_asv)
        self._asv_labels = [QLabel() for _ in range(11)]
        for lab, w in zip(self._asv_labels, [
                self.asv_id, self.edrpou, self.operator_name, self.installation_name, self.permit,
                self.asv_registered_on, self.asv_status.status, self.asv_status.date, self.asv_status.reason,
                self.asv_status.basis, _file_row(self.cert_serial, self.serial_from_cert)]):
            af.addRow(lab, w)
        af.addRow(self.asv_send)
        rl.addWidget(self.asv_box)

        self.eq_box = QGroupBox()
        ef = QFormLayout(self.eq_box)
        self.eq_id = QLineEdit()
        self.eq_asv_id = QLineEdit()
        self.eq_registered_on = QDateEdit(QDate.currentDate())
        self.eq_registered_on.setCalendarPopup(True)
        self.eq_registered_on.setDisplayFormat("yyyy-MM-dd")
        self.eq_status = _StatusFields()
        self.eq_manufacturer = QLineEdit()
        self.eq_model = QLineEdit()
        self.eq_serial = QLineEdit()
        self.verif_table = QTableWidget(0, 4)
        self.verif_table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.verif_add = QPushButton()
        self.verif_add.clicked.connect(self._add_verification)
        self.verif_del = QPushButton()
        self.verif_del.clicked.connect(lambda: self.verif_table.removeRow(self.verif_table.currentRow()))
        self.eq_send = QPushButton()
        self.eq_send.clicked.connect(self.register_equipment)
        self._eq_labels = [QLabel() for _ in range(11)]
        vb = QWidget()
        vl = QHBoxLayout(vb)
        vl.setContentsMargins(0, 0, 0, 0)
        vl.addWidget(self.verif_add)
        vl.addWidget(self.verif_del)
        vl.addStretch(1)
        for lab, w in zip(self._eq_labels, [
                self.eq_id, self.eq_asv_id, self.eq_registered_on, self.eq_status.status, self.eq_status.date,
                self.eq_status.reason, self.eq_status.basis, self.eq_manufacturer, self.eq_model,
                self.eq_serial, self.verif_table]):
            ef.addRow(lab, w)
        ef.addRow(vb)
        ef.addRow(self.eq_send)
        rl.addWidget(self.eq_box)
        rl.addStretch(1)
        self.tabs.addTab(reg, "")

        # queue tab
        q = QWidget()
        ql = QVBoxLayout(q)
        self.counts_label = QLabel()
        self.deadline_label = QLabel()
        self.deadline_label.setWordWrap(True)
        self.last_error_label = QLabel()
        self.last_error_label.setWordWrap(True)
        self.inbox_label = QLabel()       # inbox files rejected / quarantined
        self.inbox_label.setWordWrap(True)
        set_status(self.inbox_label, "warning")
        ql.addWidget(self.counts_label)
        ql.addWidget(self.deadline_label)
        ql.addWidget(self.last_error_label)
        ql.addWidget(self.inbox_label)
        hb = QHBoxLayout()
        self.send_assessment_btn = QPushButton()
        self.send_assessment_btn.clicked.connect(self.send_assessment)
        self.send_now_btn = QPushButton()
        self.send_now_btn.clicked.connect(self.send_now)
        self.retry_btn = QPushButton()
        self.retry_btn.clicked.connect(self.retry_now)
        self.requeue_dead_btn = QPushButton()
        self.requeue_dead_btn.clicked.connect(lambda: self.retry_now(include_dead=True))
        self.state_filter = QComboBox()
        self.state_filter.currentIndexChanged.connect(self.refresh)
        for w in (self.send_assessment_btn, self.send_now_btn, self.retry_btn, self.requeue_dead_btn):
            hb.addWidget(w)
        hb.addStretch(1)
        hb.addWidget(self.state_filter)
        ql.addLayout(hb)
        self.queue_table = QTableWidget(0, 6)
        self.queue_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.queue_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.queue_table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.queue_table.horizontalHeader().setStretchLastSection(True)
        ql.addWidget(self.queue_table, 1)
        self.tabs.addTab(q, "")

    # ---- translations ------------------------------------------------------------------
    def _on_language(self, _lang):
        self.retranslate()

    def retranslate(self):
        self.tabs.setTabText(0, t("sender.gui.tab.connection"))
        self.tabs.setTabText(1, t("sender.gui.tab.registration"))
        self.tabs.setTabText(2, t("sender.gui.tab.queue"))
        for lab, key in zip(self._conn_labels, ("endpoint", "ca_file", "verify", "client_cert", "client_key",
                                                 "password", "use_keyring", "outbox", "batch_size")):
            lab.setText(t(f"sender.gui.field.{key}"))
        self.verify.setText(t("sender.gui.verify_on"))
        self.use_keyring.setText(t("sender.gui.keyring_hint"))
        for b in (self.ca_browse, self.cert_browse, self.key_browse):
            b.setText(t("sender.gui.browse"))
        self.save_btn.setText(t("sender.gui.save"))
        self.test_btn.setText(t("sender.gui.test_connection"))
        self.asv_box.setTitle(t("sender.gui.asv.title"))
        for lab, key in zip(self._asv_labels, ("asv_id", "edrpou", "operator_name", "installation_name",
                                                "permit", "registered_on", "status", "status_date",
                                                "status_reason", "status_basis", "cert_serial")):
            lab.setText(t(f"sender.gui.field.{key}"))
        self.serial_from_cert.setText(t("sender.gui.serial_from_cert"))
        self.asv_send.setText(t("sender.gui.asv.send"))
        self.eq_box.setTitle(t("sender.gui.eq.title"))
        for lab, key in zip(self._eq_labels, ("equipment_id", "asv_id", "registered_on", "status", "status_date",
                                               "status_reason", "status_basis", "manufacturer", "model",
                                               "serial_number", "verifications")):
            lab.setText(t(f"sender.gui.field.{key}"))
        self.verif_table.setHorizontalHeaderLabels([t("sender.gui.verif.performed_on"),
                                                    t("sender.gui.verif.valid_until"),
                                                    t("sender.gui.verif.certificate_number"),
                                                    t("sender.gui.verif.result")])
        self.verif_add.setText(t("sender.gui.verif.add"))
        self.verif_del.setText(t("sender.gui.verif.remove"))
        self.eq_send.setText(t("sender.gui.eq.send"))
        self.asv_status.retranslate()
        self.eq_status.retranslate()
        self.send_assessment_btn.setText(t("sender.gui.send_assessment"))
        self.send_now_btn.setText(t("sender.gui.send_now"))
        self.retry_btn.setText(t("sender.gui.retry_now"))
        self.requeue_dead_btn.setText(t("sender.gui.requeue_dead"))
        cur = self.state_filter.currentData()
        self.state_filter.blockSignals(True)
        self.state_filter.clear()
        self.state_filter.addItem(t("sender.gui.state.all"), None)
        for s in STATES:
            self.state_filter.addItem(t(f"sender.gui.state.{s}"), s)
        idx = self.state_filter.findData(cur)
        self.state_filter.setCurrentIndex(max(0, idx))
        self.state_filter.blockSignals(False)
        self.queue_table.setHorizontalHeaderLabels([t(f"sender.gui.col.{c}") for c in
                                                    ("state", "kind", "created", "attempts", "key", "error")])
        self._update_verify_warning()
        self.refresh()

    # ---- settings ---------------------------------------------------------------------
    def _load_cfg_into_fields(self):
        c = self.cfg
        self.endpoint.setText(c.endpoint)
        self.ca_file.setText(c.ca_file)
        self.verify.setChecked(c.verify_server)
        self.client_cert.setText(c.client_cert)
        self.client_key.setText(c.client_key)
        self.use_keyring.setChecked(c.use_keyring)
        self.outbox_path.setText(str(c.outbox_path()))
        self.batch_size.setValue(max(1, int(c.batch_size)))

    def _fields_into_cfg(self):
        c = self.cfg
        c.endpoint = self.endpoint.text().strip()
        c.ca_file = self.ca_file.text().strip()
        c.verify_server = self.verify.isChecked()
        c.client_cert = self.client_cert.text().strip()
        c.client_key = self.client_key.text().strip()
        c.use_keyring = self.use_keyring.isChecked()
        new_outbox = self.outbox_path.text().strip()
        if new_outbox != (c.outbox or str(c.outbox_path())):
            self._close_outbox()
        c.outbox = new_outbox
        c.batch_size = self.batch_size.value()

    def save_settings(self):
        self._fields_into_cfg()
        save_config(self.cfg)
        if self.use_keyring.isChecked() and self.password.text() and self.cfg.client_cert:
            if not keyring_set(self.cfg.client_cert, self.password.text()):
                self._show(t("sender.gui.keyring_unavailable"), error=True)
                return
        self._show(t("sender.gui.saved"))

    def _update_verify_warning(self):
        self.verify_warning.setText("" if self.verify.isChecked() else t("sender.warning.verify_off"))
        self.verify_warning.setVisible(not self.verify.isChecked())

    def _browse(self, edit: QLineEdit, filt: str):
        path, _ = QFileDialog.getOpenFileName(self, t("sender.gui.browse"), edit.text(), filt)
        if path:
            edit.setText(path)

    def _password(self) -> str | None:
        return self.password.text() or password_from_sources(self.cfg)

    # ---- outbox / helpers ---------------------------------------------------------------
    def outbox(self) -> Outbox:
        if self._outbox is None:
            self._outbox = Outbox(self.cfg.outbox_path())
        return self._outbox

    def _close_outbox(self):
        if self._outbox is not None and not self._busy:
            self._outbox.close()
            self._outbox = None

    def _show(self, text: str, error: bool = False):
        self.last_result = text
        set_status(self.result_label, "error" if error else None)
        self.result_label.setText(text)

    def _set_deadline_style(self, state: str) -> None:
        """The countdown in the theme's warning/error colour, bold, when it needs attention."""
        kind = {"warning": "warning", "missed": "error", "paused": "warning"}.get(state)
        set_status(self.deadline_label, kind)
        f = self.deadline_label.font()
        f.setBold(kind is not None)
        self.deadline_label.setFont(f)

    def _set_busy(self, busy: bool):
        self._busy = busy
        for b in (self.test_btn, self.send_now_btn, self.retry_btn, self.send_assessment_btn):
            b.setEnabled(not busy)
        self.busy_changed.emit(busy)

    def _run(self, fn, on_done):
        job = _Job(fn)
        self._jobs.add(job)
        self._set_busy(True)

        def finish():
            self._jobs.discard(job)
            self._set_busy(False)
            self.refresh()

        def done(res):
            try:
                on_done(res)
            finally:
                finish()

        def failed(msg):
            self._show(msg, error=True)
            finish()

        job.signals.done.connect(done)
        job.signals.failed.connect(failed)
        self.pool.start(job)

    def _transport_getter(self):
        """Called on the UI thread when a network job is created; returns a function for
        the worker that gives the panel's one transport, rebuilt (certificate reloaded,
        new handshake) only when a connection setting has changed since it was built."""
        cfg = self.cfg
        typed = self.password.text()
        key = (cfg.endpoint, cfg.ca_file, cfg.verify_server, cfg.client_cert, cfg.client_key, typed,
               cfg.password_env, cfg.use_keyring, cfg.connect_timeout_s, cfg.read_timeout_s)

        def get():
            from ecologis.sender.tls import make_transport

            if self._transport is not None and self._transport_key != key:
                self._close_transport()
            if self._transport is None:
                # the keyring is asked here, on the worker, not on the UI thread
                self._transport = make_transport(cfg, password=typed or password_from_sources(cfg))
                self._transport_key = key
            return self._transport
        return get

    def _close_transport(self):
        if self._transport is not None:
            self._transport.close()
            self._transport = None
            self._transport_key = None

    # ---- actions ------------------------------------------------------------------------
    def test_connection(self):
        self._fields_into_cfg()
        cfg = self.cfg

        transport = self._transport_getter()

        def work():
            from ecologis.sender.health import test_connection

            tr = transport()
            tr.close()          # the test makes a new handshake (the transport itself is kept)
            return test_connection(cfg, tr)

        self._show(t("sender.gui.testing"))
        self._run(work, lambda rep: self._show(rep["message"], error=not rep["ok"]))

    def _drain_job(self):
        outbox = self.outbox()
        cfg = self.cfg
        transport = self._transport_getter()

        def work():
            # the same single-instance lock as `ecologis-sender run`: never two drainers
            lock = acquire_instance_lock(cfg.outbox_path())
            if lock is False:
                return _LOCKED
            try:
                return Sender(cfg, outbox, transport(), self.clock).drain(give_up_after=0)
            finally:
                if lock is not None:
                    lock.close()
        return work

    def _drain_done(self, res):
        if res is _LOCKED:
            self._show(t("sender.gui.locked"), error=True)
            return
        errs = [a.error for a in res.attempts if a.error]
        if errs:
            self._show(errs[-1], error=True)
        else:
            self._show(t("sender.run.drained", acked=res.acked, dead=res.dead, remaining=res.remaining))

    def send_now(self):
        self._fields_into_cfg()
        self._run(self._drain_job(), self._drain_done)

    def _auto_send(self):
        if self._busy or not self.cfg.endpoint:
            return
        try:
            due = self.outbox().due(self.clock.now(), 1)
        except Exception:
            return
        if due:
            self._run(self._drain_job(), self._drain_done)

    def retry_now(self, include_dead: bool = False):
        self._fields_into_cfg()
        n = self.outbox().retry_now(include_dead=include_dead)
        self._show(t("sender.status.retry_now", n=n))
        self._run(self._drain_job(), self._drain_done)

    def _enqueue(self, kind: str, rec: dict) -> bool:
        errs = schemas.errors(kind, rec)
        if errs:
            self._show(t("sender.register.invalid", file=t(f"sender.gui.kind.{kind}"), detail="; ".join(errs)),
                       error=True)
            return False
        self._fields_into_cfg()
        new = self.outbox().enqueue(kind, rec, self.clock.now(), source="gui")
        self._show(t("sender.gui.queued" if new else "sender.gui.already_queued", kind=t(f"sender.gui.kind.{kind}")))
        self.refresh()
        if new and self.cfg.endpoint and not self._busy:
            self._run(self._drain_job(), self._drain_done)
        return True

    def send_assessment(self) -> bool:
        a = self.get_assessment() if self.get_assessment else None
        if not a:
            self._show(t("sender.gui.no_assessment"), error=True)
            return False
        try:
            rec = model.make_assessment(a, _dt.datetime.fromtimestamp(self.clock.now(), _dt.timezone.utc))
        except (KeyError, TypeError, ValueError) as e:
            self._show(t("sender.gui.bad_assessment", detail=str(e)), error=True)
            return False
        return self._enqueue("assessment", rec)

    def build_asv(self) -> dict:
        rec = model.make_asv(asv_id=self.asv_id.text().strip(), edrpou=self.edrpou.text().strip(),
                             operator_name=self.operator_name.text().strip(),
                             installation_name=self.installation_name.text().strip(),
                             ied_permit_number=self.permit.text().strip(),
                             registered_on=self.asv_registered_on.date().toString("yyyy-MM-dd"),
                             auth_certificate={"serial": self.cert_serial.text().strip().replace(":", "")})
        self.asv_status.apply(rec)
        return rec

    def register_asv(self) -> bool:
        return self._enqueue("asv", self.build_asv())

    def _add_verification(self):
        r = self.verif_table.rowCount()
        self.verif_table.insertRow(r)
        today = _dt.date.today()
        for c, v in enumerate((today.isoformat(), (today + _dt.timedelta(days=365)).isoformat(), "", "pass")):
            self.verif_table.setItem(r, c, QTableWidgetItem(v))

    def build_equipment(self) -> dict:
        verifs = []
        for r in range(self.verif_table.rowCount()):
            cell = [(self.verif_table.item(r, c).text().strip() if self.verif_table.item(r, c) else "")
                    for c in range(4)]
            verifs.append({"performed_on": cell[0], "valid_until": cell[1], "certificate_number": cell[2],
                           "result": cell[3]})
        rec = model.make_equipment(equipment_id=self.eq_id.text().strip(), asv_id=self.eq_asv_id.text().strip(),
                                   registered_on=self.eq_registered_on.date().toString("yyyy-MM-dd"),
                                   manufacturer=self.eq_manufacturer.text().strip(),
                                   model=self.eq_model.text().strip(),
                                   serial_number=self.eq_serial.text().strip())
        rec["verifications"] = verifs
        self.eq_status.apply(rec)
        return rec

    def register_equipment(self) -> bool:
        return self._enqueue("equipment", self.build_equipment())

    def _fill_serial(self):
        from ecologis.sender.tls import CertificateError, load_identity

        self._fields_into_cfg()
        try:
            ident = load_identity(self.cfg.client_cert, self.cfg.client_key or None, self._password())
        except CertificateError as e:
            self._show(e.message(), error=True)
            return
        self.cert_serial.setText(ident.serial_hex)
        d = ident.describe()
        self.cert_info.setText(t("sender.gui.cert_info", subject=d["subject"], serial=d["serial"],
                                 valid_from=d["valid_from"], valid_to=d["valid_to"]))

    # ---- queue view -------------------------------------------------------------------
    def refresh(self):
        try:
            ob = self.outbox()
            st = deadline_status(ob, self.cfg, self.clock.now())
        except Exception as e:  # outbox folder not writable etc.
            self.counts_label.setText(t("sender.run.error", error=str(e)))
            return
        c = st["counts"]
        self.counts_label.setText(t("sender.status.counts", pending=c["pending"], sent=c["sent"],
                                    acknowledged=c["acknowledged"], dead=c["dead_letter"]))
        self.deadline_label.setText(deadline_message(st))
        self._set_deadline_style(st["deadline_state"])
        self.deadline_state = st["deadline_state"]
        le = st["last_error"]
        self.last_error_label.setText(t("sender.status.last_error", error=le["error"]) if le else "")
        self.inbox_label.setText(inbox_message(st))
        sig = (tuple(c.values()), self.state_filter.currentData(), translator.lang,
               le["at"] if le else None, ob.next_due_at())
        if sig == getattr(self, "_table_sig", None):
            return      # the countdown ticks every second; the table only when the queue changed
        self._table_sig = sig
        rows = ob.rows(self.state_filter.currentData(), limit=500)
        self.queue_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            vals = (t(f"sender.gui.state.{r.state}"), t(f"sender.gui.kind.{r.kind}"),
                    _dt.datetime.fromtimestamp(r.created_at).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
                    str(r.attempts), r.idem_key, r.last_error or "")
            for j, v in enumerate(vals):
                self.queue_table.setItem(i, j, QTableWidgetItem(v))

    def closeEvent(self, ev):
        self.timer.stop()
        self.auto_timer.stop()
        self.pool.waitForDone(30000)
        self._close_transport()
        self._close_outbox()
        super().closeEvent(ev)
