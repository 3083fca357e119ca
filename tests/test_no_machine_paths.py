"""Sources, data and tests cite documents and sections ("Order No. 286, §2.3", "the
thesis (VNTU, 2025), §4.2"), never a file-system path of a development machine: such a path means
nothing to a reader elsewhere and leaks where the project was built."""

import re

from ._repository import tracked_text_files

# Absolute paths of development machines: a top-level work-tree folder, home folders on
# Linux/macOS/Windows, the root user's home.
# (Written in pieces so that this file does not match itself.)
_W, _H, _U, _R = "/" + "work/", "/" + "home/", "/" + "Users/", "/" + "root/"
MACHINE_PATH = re.compile(r"(?<![\w.:/])(" + _W + "|" + _H + r"[A-Za-z_][\w.-]*/|" + _U + r"[\w.-]+/|" + _R
                          + r"|[A-Za-z]:\\Users\\)")

def test_the_pattern_catches_machine_paths_and_spares_citations():
    for bad in ("see " + _W + "shared/reference/x.md", "C:" + "\\Users\\dev\\x", _H + "alice/ecologis",
                "(" + _R + ".cache)"):
        assert MACHINE_PATH.search(bad), bad
    for fine in ("Order No. 286, §2.3", "https://example.org" + _W + "item", "resources/background/method.json",
                 "the /tmp folder", "docs/schemas/profile.schema.json"):
        assert not MACHINE_PATH.search(fine), fine


def test_no_tracked_file_names_a_development_machine_path():
    found = []
    for name, text in tracked_text_files():
        for n, line in enumerate(text.splitlines(), start=1):
            if MACHINE_PATH.search(line):
                found.append(f"{name}:{n}: {line.strip()[:120]}")
    assert not found, "machine paths in tracked files:\n" + "\n".join(found)
