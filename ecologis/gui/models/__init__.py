"""Qt item models over the Qt-free workbench."""
