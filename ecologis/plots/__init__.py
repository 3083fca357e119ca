"""Matplotlib figures shared by the GUI and the PDF report (no Qt here)."""
