"""This desk's ESC/POS receipt printer at work (R48): Print Receipt for an invoice or a
refund, Print Test Receipt, and the cash drawer opened when this desk takes cash.

The printer is this desk's own (desk settings, keys under `escpos/`), not the clinic's. Every
print goes through the one task runner, so a printer that takes seconds to answer never
freezes the desk; a failure is said in the desk's words and changes nothing in the clinic
(a payment already taken stands, whatever the drawer does).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from app.i18n import _
from app.services import escpos_printer as escpos
from app.services.errors import ClinicError, ValidationError
from app.services.escpos_printer import ReceiptPrinterConfig
from app.services.receipt_text import ReceiptTexts

from . import msgbox
from .desk_settings import desk_settings
from .tasks import tasks_for

#: What the desk chooses, as kept in its settings file (escpos/<key>).
KEYS = ("connection", "host", "port", "usb_vendor", "usb_product", "serial_device", "baud",
        "columns", "logo", "cash_drawer")
CASH = "cash"


def stored_values() -> dict[str, str]:
    settings = desk_settings()
    return {key: str(settings.value(f"escpos/{key}", "") or "") for key in KEYS}


def desk_printer() -> ReceiptPrinterConfig:
    """This desk's receipt printer; none when it has none (or its settings file was edited
    into something that is not one: Settings then says what is wrong)."""
    try:
        return escpos.read_config(stored_values())
    except ValidationError:
        return ReceiptPrinterConfig()


def save(values: dict[str, object]) -> ReceiptPrinterConfig:
    """Check the desk's choices and keep them; a refusal names the field and keeps nothing."""
    config = escpos.read_config(values)
    settings = desk_settings()
    for key in KEYS:
        value = values.get(key, "")
        settings.setValue(f"escpos/{key}", ("true" if value else "false") if key == "cash_drawer"
                          else str(value or "").strip())
    settings.sync()
    return config


def receipt_printer_ready() -> bool:
    """Whether to offer Print Receipt: this desk has an ESC/POS printer set up."""
    return desk_printer().configured


def print_receipt(clinic, kind: str, ident: int, *, parent: QWidget | None = None,
                  on_done: Callable[[], None] | None = None,
                  config: ReceiptPrinterConfig | None = None) -> None:
    """Print the receipt of an invoice (`kind` "invoice") or of a refund ("refund", a refund
    payment; "package_refund", a package refund) on this desk's receipt printer."""
    config = config or desk_printer()

    def job(clinic) -> None:
        escpos.send(config, ReceiptTexts(clinic).lines(kind, ident, config.columns))

    def done(_result) -> None:
        _status(parent, _("Receipt sent to {printer}.").format(printer=config.where()))
        if on_done is not None:
            on_done()

    tasks_for(clinic).run(job, done, lambda error: _failed(parent, error, _(
        "Receipt not printed")))


def print_test_receipt(clinic, config: ReceiptPrinterConfig, *,
                       parent: QWidget | None = None,
                       on_done: Callable[[], None] | None = None,
                       on_failed: Callable[[str], None] | None = None) -> None:
    """The letterhead, the line's width, accents and an amount, on `config`'s printer."""
    def job(clinic) -> None:
        escpos.send(config, ReceiptTexts(clinic).test_lines(config.columns))

    def failed(error: BaseException) -> None:
        if on_failed is not None:
            on_failed(_why(error))
        _failed(parent, error, _("Receipt not printed"))

    tasks_for(clinic).run(job, lambda _result: on_done and on_done(), failed)


def cash_taken(clinic, method: object, *, parent: QWidget | None = None) -> None:
    """The desk took a payment: on cash, open the drawer if this desk says so. Never raises:
    the payment is already recorded, and a drawer that does not open is only said."""
    try:
        config = desk_printer()
        if method != CASH or not config.configured or not config.cash_drawer:
            return
        tasks_for(clinic).run(lambda _clinic: escpos.kick_drawer(config), None,
                              lambda error: _failed(parent, error, _(
                                  "Cash drawer did not open"), drawer=True))
    except Exception as error:  # noqa: BLE001  (a drawer never fails a payment)
        _failed(parent, error, _("Cash drawer did not open"), drawer=True)


def _failed(parent: QWidget | None, error: BaseException, title: str, *,
            drawer: bool = False) -> None:
    why = _why(error)
    if drawer:
        why = _("The payment is recorded. {why} Open the drawer with its key.").format(why=why)
    _status(parent, why)
    msgbox.show(_window(parent), title, why, icon=msgbox.Icon.Warning)


def _why(error: BaseException) -> str:
    return str(error) if isinstance(error, ClinicError) else _(
        "The receipt printer could not be used ({reason}).").format(reason=error)


def _window(parent: QWidget | None) -> QWidget | None:
    return parent if parent is not None else QApplication.activeWindow()


def _status(parent: QWidget | None, text: str) -> None:
    window = _window(parent)
    window = window.window() if window is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 15000)
