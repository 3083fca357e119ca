"""``ecologis.core`` must never import Qt (architecture rule)."""

import ast
import subprocess
import sys
from pathlib import Path

import ecologis.core

CORE = Path(ecologis.core.__file__).parent
QT_PREFIXES = ("PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "qtpy", "matplotlib.backends.backend_qt")


def test_core_sources_do_not_import_qt():
    offenders = []
    for f in CORE.rglob("*.py"):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                if n.startswith(QT_PREFIXES) or n.startswith("ecologis.gui"):
                    offenders.append(f"{f.relative_to(CORE)}: {n}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    mods = sorted({"ecologis.core." + ".".join(p.relative_to(CORE).with_suffix("").parts)
                   for p in CORE.rglob("*.py") if p.name != "__init__.py" and "test" not in p.name})
    code = ("import importlib, sys\n"
            f"for m in {mods!r}:\n    importlib.import_module(m)\n"
            f"bad = [m for m in sys.modules if m.startswith({QT_PREFIXES!r})]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
