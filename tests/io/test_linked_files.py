"""A saved project names the files it links to (its site plan and offline base map) relative
to its own folder when they lie in it, so a project folder handed over whole — a consultant's
to an auditor — still finds them; files elsewhere keep their absolute path."""

import json
import shutil
import struct
import zlib

from ecologis.io.emissions_table import read_emissions
from ecologis.io.profile import load_profile, save_profile
from ecologis.model import Project
from ecologis.report.pdf_report import underlay_of

BOUNDS = [28.46, 49.23, 28.47, 49.24]


def _png(path) -> None:
    """A 1×1 RGB PNG written by hand (signature, IHDR, IDAT, IEND)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00\xcc\xdd\xcc")) + chunk(b"IEND", b""))


def _project(plan, tiles) -> Project:
    p = Project()
    p.extensions["basemap"] = {"image": str(plan), "bounds": list(BOUNDS), "mbtiles": str(tiles)}
    return p


def test_files_in_the_project_folder_are_saved_relative_and_found_after_a_move(tmp_path):
    folder = tmp_path / "plant"
    plan, tiles = folder / "plans" / "plan.png", folder / "maps" / "offline.mbtiles"
    _png(plan)
    tiles.parent.mkdir()
    tiles.write_bytes(b"")
    project = _project(plan, tiles)
    save_profile(project, folder / "plant.json")
    saved = json.loads((folder / "plant.json").read_text(encoding="utf-8"))["extensions"]["basemap"]
    assert saved["image"] == "plans/plan.png" and saved["mbtiles"] == "maps/offline.mbtiles"
    assert project.extensions["basemap"]["image"] == str(plan)          # the open project is unchanged

    moved = tmp_path / "handed over" / "plant"
    shutil.copytree(folder, moved)
    shutil.rmtree(folder)                                               # the old place is gone
    for opened in (load_profile(moved / "plant.json"), read_emissions(moved / "plant.json").meta["profile_obj"]):
        section = opened.extensions["basemap"]
        assert section["image"] == str((moved / "plans" / "plan.png").resolve())
        assert section["mbtiles"] == str((moved / "maps" / "offline.mbtiles").resolve())
        under = underlay_of(opened)                                     # the report draws the plan
        assert under is not None and under["image"] == (moved / "plans" / "plan.png").read_bytes()


def test_files_elsewhere_keep_their_absolute_path(tmp_path):
    plan, tiles = tmp_path / "shared" / "plan.png", tmp_path / "shared" / "offline.mbtiles"
    _png(plan)
    tiles.write_bytes(b"")
    folder = tmp_path / "plant"
    folder.mkdir()
    save_profile(_project(plan, tiles), folder / "plant.json")
    saved = json.loads((folder / "plant.json").read_text(encoding="utf-8"))["extensions"]["basemap"]
    assert saved["image"] == str(plan) and saved["mbtiles"] == str(tiles)
    assert load_profile(folder / "plant.json").extensions["basemap"]["image"] == str(plan)


def test_open_and_save_again_writes_the_same_links(tmp_path):
    folder = tmp_path / "plant"
    plan = folder / "plan.png"
    _png(plan)
    save_profile(_project(plan, tmp_path / "elsewhere.mbtiles"), folder / "a.json")
    save_profile(load_profile(folder / "a.json"), folder / "b.json")
    a = json.loads((folder / "a.json").read_text(encoding="utf-8"))["extensions"]["basemap"]
    b = json.loads((folder / "b.json").read_text(encoding="utf-8"))["extensions"]["basemap"]
    assert a == b == {"image": "plan.png", "bounds": BOUNDS, "mbtiles": str(tmp_path / "elsewhere.mbtiles")}
