"""gui/panels package."""
