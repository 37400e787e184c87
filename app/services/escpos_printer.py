"""An ESC/POS receipt printer reached directly (R48): on the network (port 9100), by USB or
on a serial port, through python-escpos; and the cash drawer wired to it.

The desk's choices arrive as text (from Settings › Receipt printer, or this desk's settings
file) and are checked by `read_config` before anything is sent, each refusal naming its
field and its limit. A printer that cannot be reached is a `PrinterUnavailable` saying why in
the desk's words; nothing in the clinic's file is ever touched from here.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from dataclasses import dataclass
from typing import Mapping

from ..i18n import N_, _
from .errors import ClinicError, ValidationError
from .receipt_columns import require_columns

CONNECTIONS = {"none": N_("None"), "network": N_("Network"), "usb": N_("USB"),
               "serial": N_("Serial port")}
BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
#: Seconds to wait for a network printer before saying it does not answer: long enough for a
#: printer waking up, short enough that the desk is not left wondering.
TIMEOUT_S = 5.0

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_HEX = re.compile(r"^(0x)?([0-9a-f]{1,4})$", re.IGNORECASE)


class PrinterUnavailable(ClinicError):
    """The receipt printer could not be reached or did not take the receipt."""


@dataclass(frozen=True)
class ReceiptPrinterConfig:
    connection: str = "none"  # a CONNECTIONS code
    host: str = ""
    port: int = 9100
    usb_vendor: int = 0
    usb_product: int = 0
    serial_device: str = ""
    baud: int = 9600
    columns: int = 42
    logo: str = ""  # an image file chosen for this desk; "" prints none
    cash_drawer: bool = False  # open it when this desk takes a cash payment
    timeout: float = TIMEOUT_S

    @property
    def configured(self) -> bool:
        return self.connection != "none"

    def where(self) -> str:
        """The printer in the desk's words, for messages."""
        if self.connection == "network":
            return _("the receipt printer at {host} port {port}").format(host=self.host,
                                                                         port=self.port)
        if self.connection == "usb":
            return _("the USB receipt printer {vendor}:{product}").format(
                vendor=f"{self.usb_vendor:04x}", product=f"{self.usb_product:04x}")
        return _("the receipt printer on {device}").format(device=self.serial_device)


# checking what the desk typed
def read_config(values: Mapping[str, object]) -> ReceiptPrinterConfig:
    """The desk's text, checked; only the fields of the chosen connection are required."""
    def text(key: str) -> str:
        return str(values.get(key) or "").strip()

    connection = text("connection") or "none"
    if connection not in CONNECTIONS:
        raise ValidationError("connection", _(
            "Connection must be none, network, USB or serial port, not \u201c{value}\u201d.")
            .format(value=connection))
    found: dict[str, object] = {"connection": connection,
                                "columns": _columns(text("columns") or "42"),
                                "cash_drawer": _flag(values.get("cash_drawer")),
                                "logo": _logo(text("logo"))}
    if connection == "network":
        found["host"] = _host(text("host"))
        found["port"] = _whole(text("port") or "9100", "port", _("Port"), 1, 65535)
    elif connection == "usb":
        found["usb_vendor"] = _hex_id(text("usb_vendor"), "usb_vendor", _("Vendor id"))
        found["usb_product"] = _hex_id(text("usb_product"), "usb_product", _("Product id"))
    elif connection == "serial":
        device = text("serial_device")
        if not device:
            raise ValidationError("serial_device", _(
                "Serial port is empty: type the port the printer is on, such as "
                "/dev/ttyUSB0 or COM3."))
        found["serial_device"] = device
        baud = _whole(text("baud") or "9600", "baud", _("Speed (baud)"), 1, 115200)
        if baud not in BAUDS:
            raise ValidationError("baud", _("Speed (baud) must be one of {speeds}, not "
                                            "{value}.").format(
                speeds=", ".join(str(b) for b in BAUDS), value=baud))
        found["baud"] = baud
    return ReceiptPrinterConfig(**found)


def _flag(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _whole(value: str, field: str, label: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d{1,9}", value) or not low <= int(value) <= high:
        raise ValidationError(field, _("{field} must be a whole number from {low} to {high}, "
                                       "not \u201c{value}\u201d.").format(
            field=label, low=low, high=high, value=value))
    return int(value)


def _columns(value: str) -> int:
    return require_columns(int(value) if value.isdigit() else value)


def _host(value: str) -> str:
    """An IP address, or a name made of letters, digits and hyphens between dots."""
    if not value:
        raise ValidationError("host", _("Printer address is empty: type the printer's IP "
                                        "address (such as 192.168.1.50) or its name."))
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    labels = value.rstrip(".").split(".")
    numeric = all(label.isdigit() for label in labels)
    if numeric or len(value) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError("host", _(
            "Printer address \u201c{value}\u201d is neither an IP address (four numbers from "
            "0 to 255, such as 192.168.1.50) nor a computer's name (letters, digits and "
            "hyphens between dots).").format(value=value))
    return value


def _hex_id(value: str, field: str, label: str) -> int:
    match = _HEX.match(value)
    if match is None or int(match.group(2), 16) == 0:
        raise ValidationError(field, _(
            "{field} must be four hexadecimal digits from 0001 to ffff (0-9 and a-f, such as "
            "04b8), not \u201c{value}\u201d.").format(field=label, value=value))
    return int(match.group(2), 16)


def _logo(path: str) -> str:
    if path and not os.path.isfile(path):
        raise ValidationError("logo", _("The logo file \u201c{path}\u201d does not exist; "
                                        "choose an image file or no logo.").format(path=path))
    return path


# reaching the printer
def connect(config: ReceiptPrinterConfig):
    """An open python-escpos printer for `config`, or PrinterUnavailable saying why."""
    if not config.configured:
        raise PrinterUnavailable(_("No receipt printer is set up at this desk: choose one in "
                                   "Settings \u203a Receipt printer."))
    from escpos import printer  # (loaded at the first receipt, not at start-up)

    try:
        if config.connection == "network":
            device = printer.Network(config.host, port=config.port, timeout=config.timeout)
        elif config.connection == "usb":
            device = printer.Usb(config.usb_vendor, config.usb_product,
                                 timeout=int(config.timeout * 1000))
        else:
            device = printer.Serial(config.serial_device, baudrate=config.baud,
                                    timeout=config.timeout)
        device.open()
    except Exception as error:  # noqa: BLE001  (each library fails its own way: say which)
        raise PrinterUnavailable(why(config, error)) from error
    return device


def send(config: ReceiptPrinterConfig, lines: list[str], *, device=None,
         open_drawer: bool = False) -> None:
    """Print `lines` (optionally under the logo), then cut; `device` is an open printer
    (tests give python-escpos's Dummy), else one is opened for `config` and closed after."""
    own = device is None
    device = connect(config) if own else device
    try:
        if open_drawer:
            device.cashdraw(2)
        if config.logo:
            try:
                device.image(config.logo, center=True)
            except (OSError, ValueError) as error:
                raise PrinterUnavailable(_(
                    "The logo \u201c{path}\u201d could not be printed ({reason}); choose "
                    "another image or no logo.").format(path=config.logo,
                                                        reason=_reason(error))) from error
        # Font B fits 48 characters on 80 mm paper, Font A 42 (or 32 on 58 mm).
        device.set(font="b" if config.columns == 48 else "a", align="left")
        for line in lines:
            device.textln(line)
        device.cut()
    except PrinterUnavailable:
        raise
    except Exception as error:  # noqa: BLE001  (a printer dropping mid-receipt)
        raise PrinterUnavailable(why(config, error)) from error
    finally:
        if own:
            _close(device)


def kick_drawer(config: ReceiptPrinterConfig, *, device=None) -> None:
    """Open the cash drawer wired to the receipt printer (the pulse on pin 2)."""
    own = device is None
    device = connect(config) if own else device
    try:
        device.cashdraw(2)
    except Exception as error:  # noqa: BLE001
        raise PrinterUnavailable(why(config, error)) from error
    finally:
        if own:
            _close(device)


def _close(device) -> None:
    try:
        device.close()
    except Exception:  # noqa: BLE001  (the receipt is out; a failed goodbye changes nothing)
        pass


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def why(config: ReceiptPrinterConfig, error: BaseException) -> str:
    """What went wrong, in the desk's words, from python-escpos's or the system's error."""
    cause = error
    while cause.__cause__ or cause.__context__:  # (python-escpos wraps the system's error)
        cause = cause.__cause__ or cause.__context__
    where = config.where()
    if isinstance(cause, ConnectionRefusedError):
        words = _("{printer} refused the connection: check that it is switched on and that "
                  "the address and port are right.").format(printer=where)
    elif isinstance(cause, (socket.timeout, TimeoutError)):
        words = _("{printer} did not answer within {seconds} seconds: check that it is "
                  "switched on and connected.").format(printer=where,
                                                       seconds=f"{config.timeout:g}")
    elif isinstance(cause, socket.gaierror):
        words = _("No computer named \u201c{host}\u201d was found on the network: check the "
                  "printer address.").format(host=config.host)
    elif config.connection == "usb" and type(cause).__name__ == "NoBackendError":
        words = _("This computer cannot reach USB printers: the libusb library is not "
                  "installed.")
    elif config.connection == "usb" and (isinstance(cause, AssertionError)
                                         or "not found" in str(error).lower()):
        words = _("{printer} is not connected: check its cable and that it is switched "
                  "on.").format(printer=where)
    else:
        words = _("{printer} could not be reached ({reason}).").format(
            printer=where, reason=_reason(cause))
    # The printer's words start the sentence (capitalize() would lower "USB").
    return words[:1].upper() + words[1:]
