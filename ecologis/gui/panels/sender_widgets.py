"""Small widgets and helpers of the sender panel: the background job runner, a file
field with its button, and the registration status fields."""

from __future__ import annotations

import traceback

from PySide6.QtCore import QDate, QObject, QRunnable, Signal
from PySide6.QtWidgets import (QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QPushButton, QWidget)

from ecologis.i18n import KeyedError, t

#: Registration states of an automated measurement system (АСВ) and its equipment.
STATUSES = ("registered", "suspended", "cancelled")


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self):
        try:
            res = self.fn()
        except KeyedError as e:  # reported to the UI, never raised in the worker
            self.signals.failed.emit(e.message())
        except Exception as e:
            traceback.print_exc()
            self.signals.failed.emit(f"{type(e).__name__}: {e}")
        else:
            self.signals.done.emit(res)


def _file_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    lay.addWidget(button)
    return w


class _StatusFields:
    """Status combo + date + reason + basis (the draft transfer procedure (2025), p. 6.1/6.2)."""

    def __init__(self):
        self.status = QComboBox()
        for s in STATUSES:
            self.status.addItem(s, s)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit()
        self.basis = QLineEdit()

    def retranslate(self):
        for i, s in enumerate(STATUSES):
            self.status.setItemText(i, t(f"sender.gui.status.{s}"))

    def apply(self, rec: dict) -> None:
        st = self.status.currentData()
        rec["status"] = st
        day = self.date.date().toString("yyyy-MM-dd")
        if st == "cancelled":
            rec.update(cancelled_on=day, cancellation_reason=self.reason.text().strip(),
                       cancellation_basis=self.basis.text().strip())
        elif st == "suspended":
            rec.update(suspended_on=day, suspension_reason=self.reason.text().strip(),
                       suspension_basis=self.basis.text().strip())
