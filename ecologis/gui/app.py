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


def _early_map(app):
    """The map view, created as soon as the application exists: its page (QtWebEngine's
    own processes) loads while the rest of EcologIS is imported and the window built."""
    try:
        from ecologis.gui.map.map_view import MapView

        view = MapView()
    except ImportError:      # no QtWebEngine: the window copes without a map
        return None
    app.processEvents()      # let Chromium start the navigation now
    return view


#: what building the window needs, imported in a thread while the event loop lets the map
#: page load (QtWebEngine works in the main thread's event loop and in its own processes)
_WINDOW_MODULES = ("numpy", "ecologis.session", "ecologis.gui.main_window")
#: what the window needs a little later (the site and receptor analysis): imported by the
#: same thread while the window is being built
_LATER_MODULES = ("shapely", "pyproj", "ecologis.core.geometry")


def _import_while_loading(app) -> None:
    """Import :data:`_WINDOW_MODULES` in a thread and keep the event loop running until
    they are in, so the map page loads meanwhile; the thread goes on with
    :data:`_LATER_MODULES` while the caller builds the window.  A module that fails to
    import here is left to the ordinary import after it, which reports the error."""
    import importlib
    import threading

    from PySide6.QtCore import QEventLoop, QTimer

    ready = threading.Event()

    def work():
        try:
            for name in _WINDOW_MODULES:
                importlib.import_module(name)
        except Exception:  # noqa: BLE001 — re-raised by the import that follows
            pass
        finally:
            ready.set()
        for name in _LATER_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 — the window imports it again when needed
                pass

    thread = threading.Thread(target=work, name="ecologis-imports", daemon=True)
    thread.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if ready.is_set() else None)
    timer.start(5)
    if not ready.is_set():
        loop.exec()
    timer.stop()


def start(argv=None):
    """Parse ``argv``, create the application and the main window and show it (without
    running the event loop).  Returns ``(app, window, args)``, or ``(None, None, code)``
    when the window cannot be shown."""
    args = _parser(argv).parse_args(argv)
    from ecologis.gui.qt_env import NoDisplayError, prepare_qt_environment
    from ecologis.i18n import t
    from ecologis.paths import use_user_compile_cache

    try:
        prepare_qt_environment(offscreen_ok=bool(args.screenshot), log=_note)
    except NoDisplayError:
        _note(t("gui.launch.no_display"))
        return None, None, 2
    use_user_compile_cache()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.AA_ShareOpenGLContexts)
    try:  # QtWebEngine must be loaded before the application object exists
        import PySide6.QtWebEngineWidgets  # noqa: F401
    except ImportError:
        pass
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EcologIS")
    app.setOrganizationName("EcologIS")
    early_map = _early_map(app)

    _import_while_loading(app)
    from ecologis.gui.main_window import MainWindow
    from ecologis.i18n import translator

    prompt = None
    if args.screenshot:
        # never block on a question when taking a documentation screenshot
        prompt = lambda kind, **kw: {"recover": False, "unsaved": "discard"}.get(kind)  # noqa: E731
    win = MainWindow(demo=args.demo, open_file=args.file, prompt=prompt, restore=not args.demo, map_view=early_map)
    if args.lang:
        translator.set_language(args.lang)
    if args.theme:
        win.set_theme(args.theme)
    win.show()
    return app, win, args


def main(argv=None) -> int:
    app, win, args = start(argv)
    if app is None:
        return args
    from PySide6.QtCore import QTimer

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
