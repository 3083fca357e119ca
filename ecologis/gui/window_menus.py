"""The main window's menus and actions (File, Edit, View, Tools, Help).

A mixin of :class:`ecologis.gui.main_window.MainWindow`: views only, the state is the
session's (``self.wb``).
"""

from __future__ import annotations


from PySide6.QtGui import QActionGroup, QKeySequence

from ecologis.gui.theme import THEMES
from ecologis.i18n import LANGUAGES

from ecologis.gui.tool_panels import PANELS


class MenusMixin:
    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.menu_file = mb.addMenu("")
        self.act_new = self.menu_file.addAction("", self.file_new)
        self.act_new.setShortcut(QKeySequence.New)
        self.act_open = self.menu_file.addAction("", self.file_open)
        self.act_open.setShortcut(QKeySequence.Open)
        self.act_save = self.menu_file.addAction("", self.file_save)
        self.act_save.setShortcut(QKeySequence.Save)
        self.act_save_as = self.menu_file.addAction("", self.file_save_as)
        self.act_save_as.setShortcut(QKeySequence.SaveAs)
        self.menu_recent = self.menu_file.addMenu("")
        self.act_demo = self.menu_file.addAction("", self.load_demo)
        # import / export / PDF report come from the profiles area (ecologis.gui.panels.file_actions)
        self.menu_file.addSeparator()
        self.act_import = self.menu_file.addAction("", self.import_table)
        self.act_export = self.menu_file.addAction("", self.export_to)
        self.act_report = self.menu_file.addAction("", self.report_to)
        self.act_gis_import = self.menu_file.addAction("", self.import_gis)
        self.act_gis_export = self.menu_file.addAction("", self.export_gis)
        self._build_underlay_actions(self.menu_file)       # load/remove the base map and the site plan
        self.menu_file.addSeparator()
        self.act_quit = self.menu_file.addAction("", self.close)
        self.act_quit.setShortcut(QKeySequence.Quit)

        self.menu_edit = mb.addMenu("")
        self.act_undo = self.menu_edit.addAction("", self.wb.undo)
        self.act_undo.setShortcut(QKeySequence.Undo)
        self.act_redo = self.menu_edit.addAction("", self.wb.redo)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.Redo])
        self.menu_edit.addSeparator()
        self.menu_edit.addAction(self.delete_action)

        self.menu_view = mb.addMenu("")
        self.menu_theme = self.menu_view.addMenu("")
        self.theme_group, self.theme_actions = self._choice_menu(self.menu_theme, THEMES, self.set_theme)
        self.menu_lang = self.menu_view.addMenu("")
        self.lang_group, self.lang_actions = self._choice_menu(self.menu_lang, LANGUAGES, self.set_language)

        self.menu_tools = mb.addMenu("")
        self.act_dictionary = self.menu_tools.addAction("", self.open_dictionary_editor)
        self.act_method = self.menu_tools.addAction("", self.open_methodology)
        self.panel_actions = {}
        self.menu_tools.addSeparator()
        for spec in PANELS:
            a = self.menu_tools.addAction("")
            a.triggered.connect(lambda _=False, sp=spec: self._open_panel(sp))
            self.panel_actions[spec.key] = a

    def _choice_menu(self, menu, choices, choose):
        """Checkable, mutually exclusive actions in ``menu``, one per choice (texts set on
        retranslation); triggering one calls ``choose(choice)``.  (group, {choice: action})."""
        group = QActionGroup(self)
        actions = {}
        for choice in choices:
            a = menu.addAction("")
            a.setCheckable(True)
            a.triggered.connect(lambda _=False, c=choice: choose(c))
            group.addAction(a)
            actions[choice] = a
        return group, actions
