"""The io/report strings: uk and en have the same keys; every literal key used exists."""

import json
import re

from ecologis.i18n import load_language
from ecologis.paths import LOCALES_DIR, REPO_ROOT

FILES = ["ecologis/io/profile.py", "ecologis/io/emissions_table.py", "ecologis/io/import_rules.py",
         "ecologis/io/export.py", "ecologis/io/batch.py", "ecologis/report/pdf_report.py",
         "ecologis/cli/cmd_report.py", "ecologis/cli/cmd_export.py", "ecologis/cli/cmd_import.py",
         "ecologis/cli/cmd_batch.py", "ecologis/gui/panels/import_preview.py", "ecologis/gui/panels/file_actions.py",
         "ecologis/cli/errors.py", "ecologis/cli/cmd_dispersion.py", "ecologis/cli/cmd_background.py",
         "ecologis/cli/cmd_site.py", "ecologis/io/gis.py", "ecologis/io/cells.py"]


def test_same_keys_and_prefixes():
    for area, prefix in (("io", "io."), ("report", "report.")):
        uk = json.loads((LOCALES_DIR / f"uk.{area}.json").read_text("utf-8"))
        en = json.loads((LOCALES_DIR / f"en.{area}.json").read_text("utf-8"))
        assert set(uk) == set(en)
        assert all(k.startswith(prefix) for k in uk)
        assert not any(k.startswith("io.error.") for k in uk)       # those live in the lead's uk.json
        assert all(v.strip() for v in [*uk.values(), *en.values()])


def test_every_literal_key_exists():
    uk, en = load_language("uk"), load_language("en")
    pat = re.compile(r"""["']((?:io|report|profile)\.[a-z0-9_.]+[a-z0-9_]?)["']""")
    missing = []
    for f in FILES:
        for key in pat.findall((REPO_ROOT / f).read_text("utf-8")):
            if key.endswith((".", "_", ".json")):        # prefixes completed at run time; file names
                continue
            if key not in uk or key not in en:
                missing.append((f, key))
    assert not missing
