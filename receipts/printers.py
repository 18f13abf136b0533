"""Send rendered receipt bytes to a printer, turning every failure into PrinterError."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .escpos_loader import escpos_printer, quiet_root_logger

if TYPE_CHECKING:
    import socket

KINDS = ("file", "network", "usb", "serial", "cups", "none")
# Where the printer is on the other end of a two-way link and can answer a status request.
ANSWERING_KINDS = ("network", "usb", "serial")

_DEVICE_GONE = {errno.ENODEV, errno.ENXIO, errno.ENOENT, errno.EBUSY}


@dataclass(frozen=True)
class PrinterConfig:
    """Where and how receipts are printed (the [printer] table of config.toml)."""

    kind: str = "file"
    path: str = "receipts-out/printer.bin"
    host: str = "127.0.0.1"
    port: int = 9100
    timeout: float = 3.0
    usb_vendor: int = 0
    usb_product: int = 0
    serial_port: str = "/dev/ttyS0"
    baudrate: int = 9600
    cups_name: str = ""
    width: int | str = 48  # columns, or "auto" (the profile's font A)
    profile: str = "default"
    cash_drawer: bool = False
    # Ask the printer for its real-time status after each receipt (DLE EOT). None: on where a
    # printer can answer (network, usb, serial), off where nobody can (file, cups, none).
    status_check: bool | None = None

    @property
    def checks_status(self) -> bool:
        """Whether a receipt counts as printed only once the printer answered its status."""
        if self.kind not in ANSWERING_KINDS:
            return False
        return True if self.status_check is None else self.status_check

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"printer kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.width != "auto" and not (
                isinstance(self.width, int) and 24 <= self.width <= 64):
            raise ValueError(f"printer width must be 'auto' or 24..64 columns, not {self.width!r}")
        if self.timeout <= 0:
            raise ValueError("printer timeout must be positive")


class PrinterError(Exception):
    """A receipt could not be printed. `reason` is a stable code, the message is for people.

    Reasons: unwritable, unavailable, refused, timeout, disconnected, unreachable (nothing or
    part of the receipt reached the printer); no_answer, offline, cover_open, paper_end,
    error (the bytes went out but the printer did not confirm them).
    `sent`: some of the receipt may have reached the printer, so it may be on paper: whoever
    retries must print a copy, never the original again.
    """

    def __init__(self, reason: str, message: str, sent: bool = False) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.sent = sent

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, self.message, self.sent))


# -- real-time status (ESC/POS DLE EOT n) -------------------------------------

# n=1 printer status, n=2 offline cause, n=4 paper roll sensor: the printer answers one byte
# each, whatever is in its buffer (python-escpos has RT_STATUS_ONLINE/PAPER for 1 and 4 only,
# and its paper_status() reads "no answer" as "paper adequate", so it is not used here).
STATUS_REQUEST = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12  # every status byte reads 0xx1xx10 (bits 0,1,4,7)


@dataclass(frozen=True)
class PrinterStatus:
    """The printer's three status bytes, decoded."""

    printer: int
    offline_cause: int
    paper: int

    @property
    def problems(self) -> tuple[str, ...]:
        """Stable codes of what stops printing: offline, cover_open, paper_end, error."""
        found: list[str] = []
        if self.offline_cause & 0x04:
            found.append("cover_open")
        if self.offline_cause & 0x20 or self.paper & 0x60:
            found.append("paper_end")
        if self.offline_cause & 0x40:
            found.append("error")
        if self.printer & 0x08 and not found:
            found.append("offline")
        return tuple(found)

    @property
    def paper_low(self) -> bool:
        """The roll is near its end (bits 2-3 of the paper sensor byte): still printing."""
        return bool(self.paper & 0x0C)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        parts = list(self.problems) or ["online"]
        if self.paper_low:
            parts.append("paper_low")
        return ", ".join(parts)


_PROBLEM_TEXT = {
    "offline": "is offline",
    "cover_open": "has its cover open",
    "paper_end": "is out of paper",
    "error": "reports an error (paper jam or cutter?)",
}


def parse_status(answer: bytes) -> PrinterStatus:
    """Three answer bytes to a PrinterStatus; PrinterError(no_answer) if they are not one."""
    if len(answer) != 3 or any(b & _FIXED_MASK != _FIXED_BITS for b in answer):
        raise PrinterError("no_answer", f"The printer's status answer is not ESC/POS: "
                                        f"{answer[:8].hex() or 'nothing'}", sent=True)
    return PrinterStatus(answer[0], answer[1], answer[2])


def _confirm(status: PrinterStatus, where: str) -> PrinterStatus:
    """The status when it confirms the receipt; PrinterError(sent=True) when it does not."""
    if status.problems:
        code = status.problems[0]
        raise PrinterError(code, f"Printer {where} {_PROBLEM_TEXT[code]} "
                                 f"(status {status.describe()})", sent=True)
    return status


def _strerror(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower() if exc.errno else str(exc) or "error"


# -- file ------------------------------------------------------------------


def _is_device_path(path: str) -> bool:
    return os.path.abspath(path).startswith("/dev/")


def _write_all(fd: int, data: bytes, timeout: float, where: str) -> None:
    import select

    view = memoryview(data)
    written = 0
    deadline = time.monotonic() + timeout
    while written < len(view):
        try:
            count = os.write(fd, view[written:])
        except BlockingIOError:
            # A device file opened non-blocking: wait for room, but not forever
            # (a printer out of paper stops reading).
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([], [fd], [], remaining)[1]:
                raise PrinterError(
                    "timeout", f"Printer {where} stopped taking data (paper out or offline?)",
                    sent=written > 0,
                ) from None
            continue
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS):
                raise PrinterError(
                    "unwritable", f"Cannot write to {where}: {_strerror(exc)}", sent=written > 0
                ) from exc
            raise PrinterError(
                "disconnected", f"Printer {where} went away mid-receipt: {_strerror(exc)}",
                sent=written > 0,
            ) from exc
        if count == 0:
            raise PrinterError("disconnected", f"Printer {where} stopped taking data",
                               sent=written > 0)
        written += count


def _send_file(config: PrinterConfig, data: bytes) -> None:
    path = config.path
    try:
        info: os.stat_result | None = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        info = None
    except OSError as exc:
        raise PrinterError("unwritable", f"Cannot write to {path}: {_strerror(exc)}") from exc
    device = info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode))
    if info is None and _is_device_path(path):
        # Never create a plain file in /dev: the printer is unplugged or switched off.
        raise PrinterError("unavailable", f"Printer device {path} not found (is it on?)")
    if device:
        flags = os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY
    else:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        parent = os.path.dirname(path)
        try:
            if parent and info is None:  # a file that exists has its folder
                os.makedirs(parent, exist_ok=True)
        except OSError as exc:
            raise PrinterError(
                "unwritable", f"Cannot create folder for {path}: {_strerror(exc)}"
            ) from exc
    try:
        fd = os.open(path, flags | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if device and exc.errno in _DEVICE_GONE:
            raise PrinterError("unavailable", f"Printer device {path} is not available") from exc
        raise PrinterError("unwritable", f"Cannot write to {path}: {_strerror(exc)}") from exc
    try:
        _write_all(fd, data, config.timeout, path)
    finally:
        try:
            os.close(fd)
        except OSError:
            pass


def _check_file(config: PrinterConfig) -> str | None:
    path = config.path
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        info = None
    except OSError as exc:
        return f"Cannot use {path}: {_strerror(exc)}"
    if info is None:
        if _is_device_path(path):
            return f"Printer device {path} not found (is it on?)"
        ancestor = os.path.dirname(os.path.abspath(path))
        while not os.path.exists(ancestor):
            ancestor = os.path.dirname(ancestor)
        if not os.path.isdir(ancestor):
            return f"Cannot create {path}: {ancestor} is not a folder"
        if not os.access(ancestor, os.W_OK | os.X_OK):
            return f"Cannot create {path}: {ancestor} is not writable"
        return None
    if stat.S_ISDIR(info.st_mode):
        return f"Cannot write to {path}: it is a folder"
    if not os.access(path, os.W_OK):
        return f"Cannot write to {path}: permission denied"
    return None


# -- network ---------------------------------------------------------------


def _connect(config: PrinterConfig) -> socket.socket:
    import socket  # lazy: keeps `import receipts` cheap for the first frame

    where = f"{config.host}:{config.port}"
    try:
        return socket.create_connection((config.host, config.port), timeout=config.timeout)
    except ConnectionRefusedError as exc:
        raise PrinterError("refused", f"Printer at {where} refused the connection") from exc
    except TimeoutError as exc:
        raise PrinterError("timeout", f"Printer at {where} did not answer in time") from exc
    except socket.gaierror as exc:
        raise PrinterError("unreachable", f"Unknown printer host {config.host}") from exc
    except (OSError, OverflowError, ValueError) as exc:
        message = _strerror(exc) if isinstance(exc, OSError) else "bad address"
        raise PrinterError("unreachable", f"Cannot reach printer at {where}: {message}") from exc


def _read_status(sock: socket.socket, timeout: float, where: str) -> bytes:
    """Up to three status bytes, waiting at most `timeout` seconds for all of them."""
    answer = bytearray()
    deadline = time.monotonic() + timeout
    while len(answer) < 3:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(3 - len(answer))
        except TimeoutError:
            break
        except OSError as exc:
            raise PrinterError("disconnected", f"Printer at {where} dropped the connection "
                                               "before answering its status", sent=True) from exc
        if not chunk:
            raise PrinterError("disconnected", f"Printer at {where} closed the connection "
                                               "before answering its status", sent=True)
        answer += chunk
    if len(answer) < 3:
        raise PrinterError("no_answer", f"Printer at {where} did not answer its status request "
                                        f"within {timeout:g} s", sent=True)
    return bytes(answer)


def _send_network(config: PrinterConfig, data: bytes) -> PrinterStatus | None:
    import socket

    where = f"{config.host}:{config.port}"
    # Plain socket: escpos's Network printer blocks up to 60 s.
    sock = _connect(config)
    try:
        try:
            # The socket timeout bounds the whole sendall, not each chunk.
            sock.sendall(data)
            if config.checks_status:
                # On the same connection, after the receipt: the printer answers real-time
                # requests as they arrive, so an answer means it took the bytes before them.
                sock.sendall(STATUS_REQUEST)
        except TimeoutError as exc:
            raise PrinterError("timeout", f"Printer at {where} stopped taking data",
                               sent=True) from exc
        except OSError as exc:
            raise PrinterError(
                "disconnected", f"Printer at {where} closed the connection mid-receipt", sent=True
            ) from exc
        status = None
        if config.checks_status:
            status = _confirm(parse_status(_read_status(sock, config.timeout, where)), where)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        return status
    finally:
        sock.close()


def _check_network(config: PrinterConfig) -> str | None:
    try:
        _connect(config).close()
    except PrinterError as exc:
        return exc.message
    return None


# -- usb, serial, cups (through python-escpos) -------------------------------

_NEEDS = {"usb": "pyusb", "serial": "pyserial", "cups": "pycups"}


def _escpos_device(config: PrinterConfig) -> Any:
    try:
        module = escpos_printer()
    except Exception as exc:  # a broken install must not crash a sale
        raise PrinterError("unavailable", "The python-escpos library cannot be loaded") from exc
    cls = {"usb": module.Usb, "serial": module.Serial, "cups": module.CupsPrinter}[config.kind]
    if not cls.is_usable():
        raise PrinterError(
            "unavailable", f"{config.kind.upper()} printing needs the {_NEEDS[config.kind]} package"
        )
    try:
        with quiet_root_logger():
            if config.kind == "usb":
                return cls(
                    config.usb_vendor,
                    config.usb_product,
                    timeout=max(1, int(config.timeout * 1000)),
                    profile=config.profile,
                )
            if config.kind == "serial":
                return cls(
                    devfile=config.serial_port,
                    baudrate=config.baudrate,
                    timeout=config.timeout,
                    profile=config.profile,
                )
            return cls(printer_name=config.cups_name, profile=config.profile)
    except Exception as exc:
        raise PrinterError("unavailable", f"Cannot set up the {config.kind} printer") from exc


def _describe(config: PrinterConfig) -> str:
    if config.kind == "usb":
        return f"USB printer {config.usb_vendor:04x}:{config.usb_product:04x}"
    if config.kind == "serial":
        return f"serial printer on {config.serial_port}"
    return f"CUPS printer {config.cups_name or '(default)'}"


def _open_device(config: PrinterConfig, device: Any) -> None:
    try:
        with quiet_root_logger():
            device.open()
    except Exception as exc:
        raise PrinterError("unavailable", f"{_describe(config)} is not available") from exc


def _close_device(device: Any) -> None:
    # Best effort after a failure that is already being reported.
    with contextlib.suppress(Exception), quiet_root_logger():
        device.close()


def _send_escpos(config: PrinterConfig, data: bytes) -> PrinterStatus | None:
    device = _escpos_device(config)
    _open_device(config, device)
    try:
        try:
            with quiet_root_logger():
                device._raw(data)
                if config.kind == "cups":
                    device.close()  # CUPS queues the job on close
        except Exception as exc:
            raise PrinterError("disconnected", f"{_describe(config)} went away mid-receipt",
                               sent=True) from exc
        if not config.checks_status:
            return None
        answer = b""
        try:
            with quiet_root_logger():
                # python-escpos's query_status(): the request, then its _read() (bounded by
                # the device's own timeout), one byte per request.
                for n in (1, 2, 4):
                    answer += bytes(device.query_status(b"\x10\x04" + bytes([n])))[:1]
        except Exception as exc:
            raise PrinterError("no_answer", f"{_describe(config)} did not answer its status "
                                            "request", sent=True) from exc
        return _confirm(parse_status(answer), _describe(config))
    finally:
        _close_device(device)


def _check_escpos(config: PrinterConfig) -> str | None:
    try:
        device = _escpos_device(config)
        _open_device(config, device)
    except PrinterError as exc:
        return exc.message
    _close_device(device)
    return None


# -- public ------------------------------------------------------------------


def send(config: PrinterConfig, data: bytes) -> PrinterStatus | None:
    """Write already rendered bytes to the configured printer and, where the config asks for
    it, wait for the printer's status answer (`config.checks_status`).

    Returns the status that confirmed the receipt, or None where no status is asked for.
    Raises PrinterError on any failure; `sent=True` when the receipt may be on paper anyway
    (no answer, an error bit, a connection broken mid-receipt).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("send() needs bytes")
    data = bytes(data)
    if config.kind == "none":
        return None
    try:
        if config.kind == "file":
            _send_file(config, data)
            return None
        if config.kind == "network":
            return _send_network(config, data)
        return _send_escpos(config, data)
    except PrinterError:
        raise
    except Exception as exc:  # last line of defence: a sale never sees a raw exception
        raise PrinterError("unavailable", f"Printing failed: {type(exc).__name__}",
                           sent=True) from exc


def check(config: PrinterConfig) -> str | None:
    """Describe what would stop printing right now, or None; prints nothing."""
    if config.kind == "none":
        return None
    try:
        if config.kind == "file":
            return _check_file(config)
        if config.kind == "network":
            return _check_network(config)
        return _check_escpos(config)
    except Exception as exc:  # noqa: BLE001 - check() reports, it never raises
        return f"Cannot check the printer: {type(exc).__name__}"
