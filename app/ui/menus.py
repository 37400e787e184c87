"""The main window's menus and their words (again after the language changed).

The actions are the window's attributes (window.backup_action ...) so tests and the idle
lock reach them by name; the slots are the window's methods.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from app.i18n import _

from . import shortcuts


def _action(window, menu, slot, key: str | QKeySequence.StandardKey | None = None,
            *, anywhere: bool = False) -> QAction:
    action = QAction(window)
    if key is not None:
        action.setShortcut(QKeySequence(key))
    if anywhere:  # also over a dialog of the program (Lock)
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build_menus(window) -> None:
    """The menus and their actions; their words come from translate_menus."""
    window._build_trust()
    bar = window.menuBar()
    window.file_menu = bar.addMenu("")
    file_menu = window.file_menu
    window.settings_action = _action(window, file_menu, window.open_settings,
                                        QKeySequence.StandardKey.Preferences)
    file_menu.addSeparator()
    window.import_patients_action = _action(window, file_menu, window.import_patients)
    window.import_treatments_action = _action(window, file_menu, window.import_treatment_types)
    # switching in (R42): what the old system knew, brought in
    window.import_packages_action = _action(window, file_menu,
                                            lambda: window._import("packages_before"))
    window.import_balances_action = _action(window, file_menu,
                                            lambda: window._import("opening_balances"))
    window.import_appointments_action = _action(window, file_menu,
                                                lambda: window._import("upcoming_appointments"))
    window.export_action = _action(window, file_menu, window.export_table)
    window.export_journal_action = _action(window, file_menu, window.export_journal)
    file_menu.addSeparator()
    window.backup_action = _action(window, file_menu, window.backup_now)
    window.restore_action = _action(window, file_menu, window.restore_backup)
    window.audit_action = _action(window, file_menu, window.open_audit_trail)
    window.database_action = _action(window, file_menu, window.choose_database)
    file_menu.addSeparator()
    window.lock_action = _action(window, file_menu, window.lock, shortcuts.LOCK, anywhere=True)
    window.quit_action = _action(window, file_menu, window.close, QKeySequence.StandardKey.Quit)

    # The desk's everyday actions. Book, the days, New Purchase and Receive Payment are
    # keys of their tabs (QShortcuts there): a second shortcut on the same key here would
    # make Qt fire neither, so these actions carry no key; Help › Keyboard Shortcuts
    # lists them.
    window.desk_menu = bar.addMenu("")
    desk = window.desk_menu
    window.search_action = _action(window, desk, window.search_patient, shortcuts.SEARCH_PATIENT)
    window.new_purchase_action = _action(window, desk, window.new_purchase)
    window.receive_payment_action = _action(window, desk, window.receive_payment)
    window.day_close_action = _action(window, desk, window.day_close)  # R32
    from .dialogs import gift_card_dialogs as cards  # R45
    window.sell_gift_card_action = _action(window, desk, lambda: cards.desk_sell(window))
    window.gift_card_balance_action = _action(window, desk, lambda: cards.desk_balance(window))
    window.reload_gift_card_action = _action(window, desk, lambda: cards.desk_reload(window))
    from .dialogs.outbox_window import open_outbox  # R46
    window.outbox_action = _action(window, desk, lambda: open_outbox(window))
    desk.addSeparator()
    window.book_action = _action(window, desk, window.book)
    window.previous_day_action = _action(window, desk, window.previous_day)
    window.next_day_action = _action(window, desk, window.next_day)
    desk.addSeparator()
    window.show_schedule_action = _action(window, desk, window.show_schedule,
                                             shortcuts.SHOW_SCHEDULE)
    window.show_billing_action = _action(window, desk, window.show_billing, shortcuts.SHOW_BILLING)
    window.show_packages_action = _action(window, desk, window.show_packages,
                                             shortcuts.SHOW_PACKAGES)

    window.help_menu = bar.addMenu("")
    window.shortcuts_action = _action(window, window.help_menu, window.show_shortcuts)
    window.about_action = _action(window, window.help_menu, window.about)
    translate_menus(window)
    window.show_signed_in()


def translate_menus(window) -> None:
    """Every menu word in the desk's language (again after the language changed)."""
    window.file_menu.setTitle(_("&File"))
    window.settings_action.setText(_("&Settings…"))
    window.import_patients_action.setText(_("&Import Patients from CSV…"))
    window.import_treatments_action.setText(_("Import &Treatment Types from CSV…"))
    window.import_packages_action.setText(_("Import &Packages Sold Before ClinicDesk from CSV…"))
    window.import_balances_action.setText(_("Import &Opening Balances from CSV…"))
    window.import_appointments_action.setText(_("Import &Upcoming Appointments from CSV…"))
    window.export_action.setText(_("&Export a Table to CSV…"))
    window.export_journal_action.setText(_("Export &Journal…"))
    window.backup_action.setText(_("&Backup Now…"))
    window.restore_action.setText(_("&Restore from Backup…"))
    window.audit_action.setText(_("&Audit Trail…"))
    window.database_action.setText(_("Clinic &Database…"))
    window.lock_action.setText(_("&Lock"))
    window.quit_action.setText(_("&Quit"))
    window.desk_menu.setTitle(_("&Desk"))
    window.search_action.setText(_("&Search Patient"))
    window.new_purchase_action.setText(_("New &Purchase…"))
    window.receive_payment_action.setText(_("&Receive Payment…"))
    window.day_close_action.setText(_("Day &Close…"))
    window.sell_gift_card_action.setText(_("Sell &Gift Card…"))
    window.gift_card_balance_action.setText(_("Gift Card B&alance…"))
    window.reload_gift_card_action.setText(_("Reload Gift Car&d…"))
    window.outbox_action.setText(_("&Outbox"))
    window.book_action.setText(_("&Book Appointment…"))
    window.previous_day_action.setText(_("Pre&vious Day"))
    window.next_day_action.setText(_("&Next Day"))
    window.show_schedule_action.setText(_("Show Schedu&le"))
    window.show_billing_action.setText(_("Show Patient &Billing"))
    window.show_packages_action.setText(_("Show Pac&kages"))
    window.help_menu.setTitle(_("&Help"))
    window.shortcuts_action.setText(_("&Keyboard Shortcuts"))
    window.about_action.setText(_("&About ClinicDesk"))
    window.signed_in_label.setAccessibleName(_("Signed in"))
