"""Settings › Receipt printer (R48): this desk's ESC/POS receipt printer, its connection
(network, USB or serial port), the characters a line, a logo, and whether a cash payment
opens the cash drawer wired to it.

These are this computer's settings, not the clinic's: they are kept as soon as what was
typed is a printer (like the list pages), and a field that is not is refused by its name,
with nothing kept. Print Test Receipt prints what is on the screen.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from app.i18n import N_, _
from app.services.errors import ClinicError
from app.services.escpos_printer import BAUDS, CONNECTIONS

from .. import msgbox
from ..file_chooser import open_file
from ..forms import beside, focus
from ..receipt_printing import print_test_receipt, save, stored_values

#: (what the desk reads, the characters a line)
WIDTHS = ((N_("32 characters (58 mm paper)"), "32"),
          (N_("42 characters (80 mm paper, Font A)"), "42"),
          (N_("48 characters (80 mm paper, Font B)"), "48"))
_ROWS = {"network": ("host", "port"), "usb": ("usb_vendor", "usb_product"),
         "serial": ("serial_device", "baud")}


def _combo(choices, current: str, name: str) -> QComboBox:
    box = QComboBox()
    for text, code in choices:
        box.addItem(_(text), code)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.setAccessibleName(name)
    return box


class ReceiptPrinterPage(QWidget):
    def __init__(self, clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        kept = stored_values()
        self.connection = _combo([(text, code) for code, text in CONNECTIONS.items()],
                                 kept["connection"] or "none", _("Connection"))
        self.host = self._line(kept["host"], _("Printer address"), "192.168.1.50")
        self.port = self._line(kept["port"] or "9100", _("Port"), "9100")
        self.usb_vendor = self._line(kept["usb_vendor"], _("Vendor id"), "04b8")
        self.usb_product = self._line(kept["usb_product"], _("Product id"), "0202")
        self.serial_device = self._line(kept["serial_device"], _("Serial port"),
                                        "/dev/ttyUSB0, COM3")
        self.baud = _combo([(str(b), str(b)) for b in BAUDS], kept["baud"] or "9600",
                           _("Speed (baud)"))
        self.columns = _combo(WIDTHS, kept["columns"] or "42", _("Characters per line"))
        self.logo = self._line(kept["logo"], _("Logo"), _("No logo"))
        self.choose_logo = QPushButton(_("C&hoose\u2026"))
        self.choose_logo.clicked.connect(self._choose_logo)
        self.no_logo = QPushButton(_("No lo&go"))
        self.no_logo.clicked.connect(lambda: (self.logo.clear(), self._keep()))
        self.cash_drawer = QCheckBox(_("Open the cash &drawer on cash payments"))
        self.cash_drawer.setChecked(kept["cash_drawer"] == "true")
        self.test = QPushButton(_("Print &Test Receipt"))
        self.test.clicked.connect(self.print_test)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("note")
        self.note.setAccessibleName(_("Receipt printer status"))

        self.form = form = QFormLayout()
        # each row by the field it holds, to show only the chosen connection's
        self.rows = {"connection": beside(self.connection), "host": self.host,
                     "port": beside(self.port), "usb_vendor": beside(self.usb_vendor),
                     "usb_product": beside(self.usb_product),
                     "serial_device": self.serial_device, "baud": beside(self.baud),
                     "columns": beside(self.columns),
                     "logo": beside(self.logo, self.choose_logo, self.no_logo),
                     "cash_drawer": self.cash_drawer}
        labels = {"connection": _("Co&nnection:"), "host": _("Printer &address:"),
                  "port": _("&Port:"), "usb_vendor": _("&Vendor id:"),
                  "usb_product": _("P&roduct id:"), "serial_device": _("&Serial port:"),
                  "baud": _("Sp&eed (baud):"), "columns": _("&Characters per line:"),
                  "logo": _("&Logo:"), "cash_drawer": ""}
        for name, row in self.rows.items():
            form.addRow(labels[name], row)
        about = QLabel(_("A receipt printer that speaks ESC/POS (most 80 mm thermal printers), "
                         "used directly by this computer. The cash drawer is the one plugged "
                         "into the printer. These settings are this desk's own."))
        about.setWordWrap(True)
        about.setObjectName("note")
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(beside(self.test))
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.fields = {"connection": self.connection, "host": self.host, "port": self.port,
                       "usb_vendor": self.usb_vendor, "usb_product": self.usb_product,
                       "serial_device": self.serial_device, "baud": self.baud,
                       "columns": self.columns, "logo": self.logo}
        for box in (self.connection, self.baud, self.columns):
            box.currentIndexChanged.connect(self._keep)
        self.cash_drawer.toggled.connect(self._keep)
        self.connection.currentIndexChanged.connect(self._show_rows)
        self._show_rows()

    def _line(self, text: str, name: str, placeholder: str) -> QLineEdit:
        line = QLineEdit(text)
        line.setAccessibleName(name)
        line.setPlaceholderText(placeholder)
        line.editingFinished.connect(self._keep)
        return line

    def _show_rows(self) -> None:
        chosen = self.connection.currentData()
        for connection, names in _ROWS.items():
            for name in names:
                self.form.setRowVisible(self.rows[name], connection == chosen)
        for name in ("columns", "logo", "cash_drawer"):
            self.form.setRowVisible(self.rows[name], chosen != "none")
        self.test.setEnabled(chosen != "none")

    def values(self) -> dict[str, object]:
        return {"connection": self.connection.currentData(), "host": self.host.text(),
                "port": self.port.text(), "usb_vendor": self.usb_vendor.text(),
                "usb_product": self.usb_product.text(),
                "serial_device": self.serial_device.text(), "baud": self.baud.currentData(),
                "columns": self.columns.currentData(), "logo": self.logo.text(),
                "cash_drawer": self.cash_drawer.isChecked()}

    def _keep(self, *_args) -> bool:
        """Keep what is on the screen if it is a printer; else say which field is wrong."""
        try:
            config = save(self.values())
        except ClinicError as error:
            self.note.setText(_("Not kept: {why}").format(why=error))
            return False
        self.note.setText(_("Kept for this desk: {printer}.").format(printer=config.where())
                          if config.configured else _("This desk has no receipt printer."))
        return True

    def _choose_logo(self) -> None:
        path = open_file(self, _("Choose the Receipt Logo"),
                         _("Images (*.png *.jpg *.jpeg *.bmp *.gif)"))
        if path:
            self.logo.setText(path)
            self._keep()

    def print_test(self) -> None:
        try:
            config = save(self.values())
        except ClinicError as error:
            msgbox.refusal(self, error, _("Receipt not printed"))
            focus(self.fields.get(getattr(error, "field", None)))
            return
        self.note.setText(_("Sending a test receipt to {printer}\u2026").format(
            printer=config.where()))
        print_test_receipt(
            self.clinic, config, parent=self,
            on_done=lambda: self.note.setText(_("Test receipt sent to {printer}.").format(
                printer=config.where())),
            on_failed=lambda why: self.note.setText(_("Not printed: {why}").format(why=why)))
