"""``python -m tools.gallery OUT_DIR``: pictures of what a user sees, for anyone to look at.

* ``main-<lang>-<theme>.png``: the main window with the demo profile, in Ukrainian and
  English, light and dark theme (the application's own ``--screenshot`` mode, offscreen
  when there is no display);
* ``report-<lang>.pdf`` and ``report-<lang>.docx``: the demo report as PDF and Word;
* ``report-<lang>-<page>.png``: every page of each PDF, rendered with ``pdftoppm``
  (poppler-utils).

The tile cache of the user folder is used as the application uses it; set
``ECOLOGIS_TILE_URL=""`` to keep the map offline.  Exit code 0 when every picture was made.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

LANGS = ("uk", "en")
THEMES = ("light", "dark")


def screenshots(out: Path, timeout: float = 90.0) -> list[Path]:
    made = []
    for lang in LANGS:
        for theme in THEMES:
            png = out / f"main-{lang}-{theme}.png"
            cmd = [sys.executable, "-m", "ecologis.gui", "--demo", "--lang", lang, "--theme", theme,
                   "--screenshot", str(png), "--timeout", str(timeout)]
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 60)
            if r.returncode == 0 and png.exists():
                made.append(png)
            else:
                print(r.stderr.strip()[-2000:], file=sys.stderr)
    return made


def report_pages(out: Path) -> list[Path]:
    from ecologis.io.profile import assess_project, load_profile
    from ecologis.paths import DEMO_PROFILE
    from ecologis.report.pdf_report import write_report

    made = []
    assessment = assess_project(load_profile(DEMO_PROFILE))
    pdftoppm = shutil.which("pdftoppm")
    for lang in LANGS:
        pdf = write_report(out / f"report-{lang}.pdf", assessment, lang)
        made.append(write_report(out / f"report-{lang}.docx", assessment, lang))
        made.append(pdf)
        if pdftoppm is None:
            print("pdftoppm (poppler-utils) is needed for the page pictures", file=sys.stderr)
            continue
        subprocess.run([pdftoppm, "-r", "110", "-png", str(pdf), str(out / f"report-{lang}")], check=True)
        made += sorted(out.glob(f"report-{lang}-*.png"))
    return made


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.gallery", description=__doc__.split("\n\n")[0])
    p.add_argument("out", metavar="OUT_DIR")
    p.add_argument("--no-gui", action="store_true", help="only the report pages")
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    made = report_pages(out)
    if not args.no_gui:
        made += screenshots(out)
    for m in made:
        print(m)
    pages = [m for m in made if m.suffix == ".png" and m.name.startswith("report-")]
    ok = len([m for m in made if m.suffix in (".pdf", ".docx")]) == 2 * len(LANGS) and bool(pages)
    if not args.no_gui:
        ok = ok and len([m for m in made if m.name.startswith("main-")]) == len(LANGS) * len(THEMES)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
