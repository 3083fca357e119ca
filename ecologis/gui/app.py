"""``ecologis`` — start the desktop workbench.

Options: ``--demo`` (open the demo profile), ``--lang uk|en``, ``--theme light|dark``,
``--screenshot FILE.png`` (wait until the map page is loaded and the СЗЗ circle drawn,
save a screenshot of the main window and exit 0; works offscreen), and an optional
profile file to open.  Heavy libraries (matplotlib, reportlab, pandas) are not
imported on the start-up path.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def _parser(argv=None):
    from ecologis.i18n import LANGUAGES, apply_language_option, localize_argparse, t

    apply_language_option(list(sys.argv[1:] if argv is None else argv))
    localize_argparse()
    p = argparse.ArgumentParser(prog="ecologis", description=t("gui.cli.description"))
    p.add_argument("file", nargs="?", help=t("gui.cli.file"))
    p.add_argument("--demo", action="store_true", help=t("gui.cli.demo"))
    p.add_argument("--lang", choices=LANGUAGES, help=t("cli.help.lang"))
    p.add_argument("--theme", choices=("light", "dark"), help=t("gui.cli.theme"))
    p.add_argument("--screenshot", metavar="FILE.png", help=t("gui.cli.screenshot"))
    p.add_argument("--timeout", type=float, default=60.0, help=t("gui.cli.timeout"))
    return p


def _note(text: str) -> None:
    print(f"ecologis: {text}", file=sys.stderr)


def main(argv=None) -> int:
    args = _parser(argv).parse_args(argv)
    from ecologis.gui.qt_env import NoDisplayError, prepare_qt_environment
    from ecologis.i18n import t

    try:
        prepare_qt_environment(offscreen_ok=bool(args.screenshot), log=_note)
    except NoDisplayError:
        _note(t("gui.launch.no_display"))
        return 2
    from PySide6.QtCore import QCoreApplication, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.AA_ShareOpenGLContexts)
    try:  # QtWebEngine must be loaded before the application object exists
        import PySide6.QtWebEngineWidgets  # noqa: F401
    except ImportError:
        pass
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EcologIS")
    app.setOrganizationName("EcologIS")

    from ecologis.gui.main_window import MainWindow
    from ecologis.i18n import translator

    prompt = None
    if args.screenshot:
        # never block on a question when taking a documentation screenshot
        prompt = lambda kind, **kw: {"recover": False, "unsaved": "discard"}.get(kind)  # noqa: E731
    win = MainWindow(demo=args.demo, open_file=args.file, prompt=prompt, restore=not args.demo)
    if args.lang:
        translator.set_language(args.lang)
    if args.theme:
        win.set_theme(args.theme)
    win.show()
    if not args.screenshot:
        return app.exec()

    out = args.screenshot
    state = {"code": 1}

    def shoot():
        app.processEvents()
        pix = win.grab()
        ok = pix.save(out, "PNG")
        state["code"] = 0 if ok and os.path.getsize(out) > 0 else 1
        win._closing_done = True  # the screenshot run does not write the session
        from ecologis.session import marker_path

        marker_path().unlink(missing_ok=True)
        app.quit()

    def check_circle():
        res = win.wb.result
        want = float(res.szz_m) if res is not None and res.knp > 0 else 0.0

        def got(text):
            try:
                value = json.loads(text) if isinstance(text, str) and text else None
            except ValueError:
                value = None
            # the zone is drawn: the circle, or (with a site polygon) the buffer instead
            if isinstance(value, dict) and abs(float(value.get("radius") or 0) - want) < 1e-6 and (
                    value.get("visible") or value.get("szz") or want == 0):
                QTimer.singleShot(700, shoot)  # let tiles/fallback background settle
            else:
                QTimer.singleShot(200, check_circle)

        win.map.run_js("JSON.stringify(window.ecologisMap && window.ecologisMap.getCircle ? "
                       "Object.assign(window.ecologisMap.getCircle(), {szz: !!window.ecologisMap.getSzz()}) : null)", got)

    if win.map is None:
        QTimer.singleShot(500, shoot)
    elif win.map.is_ready():
        check_circle()
    else:
        win.map.pageReady.connect(check_circle)
    QTimer.singleShot(int(args.timeout * 1000), lambda: (print("ecologis: screenshot timeout", file=sys.stderr), app.quit()))
    app.exec()
    return state["code"]


if __name__ == "__main__":
    sys.exit(main())
