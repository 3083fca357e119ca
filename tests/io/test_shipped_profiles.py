"""Profiles shipped with EcologIS are checked against the JSON schema here, once, so that
opening them (``ecologis-cli assess --demo``, the GUI's demo) does not load jsonschema;
every other profile is still checked at every opening."""

import json
import shutil
import subprocess
import sys

import pytest

from ecologis.io.profile import ProfileFieldError, is_shipped_file, load_profile, validate_profile_doc
from ecologis.paths import DEMO_PROFILE, RESOURCES_DIR

SHIPPED = sorted(p for p in RESOURCES_DIR.rglob("*.json")
                 if json.loads(p.read_text("utf-8")).__class__ is dict
                 and json.loads(p.read_text("utf-8")).get("kind") == "ecologis-profile")


def test_the_demo_is_among_the_shipped_profiles():
    assert DEMO_PROFILE in SHIPPED and is_shipped_file(DEMO_PROFILE)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_profiles_pass_the_full_schema(path):
    from ecologis.io.profile import SCHEMA_VERSION, migrate

    doc = json.loads(path.read_text("utf-8"))
    if doc["schema_version"] < SCHEMA_VERSION:
        doc = migrate(doc, path.name)
    validate_profile_doc(doc, path.name, per_row_schema=True)      # every row by jsonschema too


def test_opening_the_demo_loads_no_jsonschema():
    code = ("import sys\nfrom ecologis.io.profile import load_profile\nfrom ecologis.paths import DEMO_PROFILE\n"
            "load_profile(DEMO_PROFILE)\nprint('jsonschema' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_copy_of_the_demo_elsewhere_is_checked_by_the_schema(tmp_path):
    doc = json.loads(DEMO_PROFILE.read_text("utf-8"))
    doc["duplicates"] = "twice"                 # not one of the schema's "sum" / "keep"
    f = tmp_path / DEMO_PROFILE.name
    f.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert not is_shipped_file(f)
    with pytest.raises(ProfileFieldError):
        load_profile(f)
    shutil.copy(DEMO_PROFILE, f)
    assert load_profile(f).enterprise.name == load_profile(DEMO_PROFILE).enterprise.name
