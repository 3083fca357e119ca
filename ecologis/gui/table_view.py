"""A table view that repaints only the cells a model says changed.

``QAbstractItemView.dataChanged`` repaints the whole viewport for any block of more
than one cell; after a mass edit the model reports its row and the share column (which
every row has), so the whole visible table would be painted again, cell by cell through
the Python model.  :class:`PartialUpdateTableView` repaints only the visible part of
each changed block.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView


class PartialUpdateTableView(QTableView):
    def dataChanged(self, top_left, bottom_right, roles=()):
        if (top_left == bottom_right or not top_left.isValid() or not bottom_right.isValid()
                or self.state() == QAbstractItemView.State.EditingState or not self.isVisible()):
            # one cell, or an editor open (the base class refreshes its data): as usual
            super().dataChanged(top_left, bottom_right, roles)
            return
        vp = self.viewport()
        visible = vp.rect()
        # the block's bounding rectangle in viewport coordinates (rows/columns outside the
        # viewport give positions outside it), clipped to what is visible
        rect = self.visualRect(top_left).united(self.visualRect(bottom_right)).intersected(visible)
        if not rect.isEmpty():
            vp.update(rect)
