"""ZIP containers (XLSX workbooks, ZIPs of CSV files), checked by their directory first.

Before a byte is unpacked, the directory must show a file that stays within the
:class:`~api.transfer.limits.Limits`: not too many entries (counted from the end record,
before :mod:`zipfile` builds an object per entry), no entry too large unpacked or packed
suspiciously tightly, all of them together not too large, none encrypted. :mod:`zipfile`
never unpacks an entry beyond the size its directory states and checks its CRC-32 at the
end, so these sizes bound the work that follows.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from api.i18n import N_, Text
from api.transfer.limits import FileTooLarge, InvalidFile, Limits, mb

__all__ = ["open_archive", "unpack_errors"]

_END = b"PK\x05\x06"
_END_SIZE = 22
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def _split(what: Text) -> Text:
    return Text(
        N_(
            "%(what)s: bitte die Daten auf mehrere Dateien aufteilen (z. B. ein Blatt je "
            "Datei) und diese nacheinander importieren."
        ),
        {"what": what},
    )


def _entry_count(data: bytes) -> int | None:
    """The number of entries the end record states (None without one)."""
    tail = data[-(_END_SIZE + 0xFFFF) :]
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < _END_SIZE:
        return None
    return int(struct.unpack("<H", tail[at + 10 : at + 12])[0])


def _check_entry(info: zipfile.ZipInfo, limits: Limits) -> None:
    if info.flag_bits & 0x1:
        raise InvalidFile(
            Text(
                N_(
                    "Die Datei ist mit einem Passwort verschlüsselt: bitte ohne Passwort "
                    "speichern und diese Kopie importieren."
                )
            )
        )
    if info.compress_type not in _METHODS:
        raise InvalidFile(
            Text(
                N_(
                    "Die Datei ist mit einem nicht unterstützten Verfahren gepackt: bitte als "
                    ".xlsx (Excel-Arbeitsmappe) oder als gewöhnliche ZIP-Datei neu speichern."
                )
            )
        )
    name = info.filename
    bound = limits.member_bytes
    if name.endswith("sharedStrings.xml"):
        bound = limits.shared_strings_bytes
    if info.file_size > bound:
        raise FileTooLarge(
            _split(
                Text(
                    N_("„%(name)s“ in der Datei wird entpackt größer als %(n)s MB"),
                    {"name": name, "n": mb(bound)},
                )
            )
        )
    if info.file_size > limits.ratio_from_bytes and info.file_size > limits.ratio * max(
        info.compress_size, 1
    ):
        raise FileTooLarge(
            Text(
                N_(
                    "„%(name)s“ in der Datei ist mehr als %(n)s-fach gepackt (%(packed)s KB "
                    "werden %(size)s MB); so dicht packt kein Tabellenprogramm: bitte die "
                    "Datei in Excel oder LibreOffice öffnen, neu speichern und bei Bedarf "
                    "aufteilen."
                ),
                {
                    "name": name,
                    "n": limits.ratio,
                    "packed": info.compress_size // 1024,
                    "size": mb(info.file_size),
                },
            )
        )


@contextmanager
def open_archive(
    data: bytes, limits: Limits, wanted: Callable[[zipfile.ZipInfo], bool] = lambda i: True
) -> Iterator[zipfile.ZipFile]:
    """The ZIP of ``data`` once its directory is within ``limits`` (``wanted``: the entries
    that will be read).

    Raises:
        FileTooLarge: too many entries, an entry or all together too large unpacked, or an
            entry packed suspiciously tightly.
        InvalidFile: no ZIP, encrypted, an unsupported packing method.
    """
    count = _entry_count(data)
    if count is not None and count > limits.entries:
        raise FileTooLarge(
            _split(
                Text(
                    N_("Die Datei enthält mehr als %(n)s gepackte Dateien"),
                    {"n": limits.entries},
                )
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise InvalidFile(
            Text(
                N_(
                    "Die Datei ist beschädigt (eine XLSX- oder ZIP-Datei, die sich nicht "
                    "öffnen lässt): bitte noch einmal speichern."
                )
            )
        ) from e
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir() and wanted(i)]
        if len(archive.infolist()) > limits.entries:  # the end record understated them
            raise FileTooLarge(
                _split(
                    Text(
                        N_("Die Datei enthält mehr als %(n)s gepackte Dateien"),
                        {"n": limits.entries},
                    )
                )
            )
        for info in entries:
            _check_entry(info, limits)
        total = sum(i.file_size for i in entries)
        if total > limits.unpacked_bytes:
            raise FileTooLarge(
                _split(
                    Text(
                        N_("Die Datei wird entpackt größer als %(n)s MB"),
                        {"n": mb(limits.unpacked_bytes)},
                    )
                )
            )
        yield archive


def unpack_errors(e: Exception) -> InvalidFile:
    """The message for an error while unpacking an entry (checksum, packing, truncation)."""
    text = str(e)
    if "CRC" in text:
        return InvalidFile(
            Text(
                N_(
                    "Die Datei ist beschädigt (eine Prüfsumme stimmt nicht): bitte noch einmal "
                    "speichern oder neu herunterladen."
                )
            )
        )
    if isinstance(e, NotImplementedError):
        return InvalidFile(
            Text(
                N_(
                    "Die Datei ist mit einem nicht unterstützten Verfahren gepackt: bitte als "
                    ".xlsx (Excel-Arbeitsmappe) oder als gewöhnliche ZIP-Datei neu speichern."
                )
            )
        )
    return InvalidFile(
        Text(
            N_(
                "Die Datei ist beschädigt (eine XLSX- oder ZIP-Datei, die sich nicht "
                "öffnen lässt): bitte noch einmal speichern."
            )
        )
    )
