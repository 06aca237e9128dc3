"""Hostile import files, built small and fast: zip bombs, XML entities, bad checksums.

Each builder returns the file's bytes; none holds the unpacked content in memory at once
(the zip bomb is written to its archive in chunks).
"""

from __future__ import annotations

import io
import struct
import zipfile

__all__ = [
    "bad_crc_xlsx",
    "billion_laughs_xlsx",
    "encrypted_xlsx",
    "encrypted_zip",
    "long_field_csv",
    "many_rows_csv",
    "workbook",
    "xlsx_with",
    "xxe_xlsx",
    "zip_bomb_xlsx",
]

SHEET = "xl/worksheets/sheet1.xml"
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(rows: list[list[object]] | None = None, title: str = "Organisationen") -> bytes:
    """A small valid workbook of one sheet (by default a header and one organisation)."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = title
    for row in rows or [["Name", "Art"], ["AWO Lindenau", "Verein"]]:
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def xlsx_with(replace: dict[str, bytes], base: bytes | None = None) -> bytes:
    """``base`` (a small workbook) with some members' content replaced."""
    source = zipfile.ZipFile(io.BytesIO(base or workbook()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, replace.get(info.filename, source.read(info)))
    return buf.getvalue()


def zip_bomb_xlsx(unpacked: int = 100 * 2**20) -> bytes:
    """A valid workbook whose sheet XML unpacks to about ``unpacked`` bytes (a few hundred KB
    packed): the same row of 20 short text cells, again and again."""
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    cells = '<c t="inlineStr"><is><t>Verein</t></is></c>' * 20
    row = f"<row>{cells}</row>".encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename != SHEET:
                out.writestr(info.filename, source.read(info))
                continue
            with out.open(SHEET, "w", force_zip64=False) as sheet:
                sheet.write(f'<worksheet xmlns="{_NS}"><sheetData>'.encode())
                chunk = row * 256
                for _ in range(unpacked // len(chunk) + 1):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def _sheet_with_doctype(doctype: str, value: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<worksheet xmlns="{_NS}"><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{value}</t></is></c></row>'
        f"</sheetData></worksheet>"
    ).encode()


def xxe_xlsx() -> bytes:
    """A sheet whose cell is an external entity (the server's /etc/passwd)."""
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return xlsx_with({SHEET: _sheet_with_doctype(doctype, "&xxe;")})


def billion_laughs_xlsx() -> bytes:
    """A sheet whose cell expands to 10^9 "lol"s through nested entities."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doctype = f"<!DOCTYPE worksheet [{''.join(entities)}]>"
    return xlsx_with({SHEET: _sheet_with_doctype(doctype, "&lol9;")})


def bad_crc_xlsx() -> bytes:
    """A workbook whose sheet's CRC-32 (local header and directory) does not match."""
    data = bytearray(workbook())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo(SHEET)
    wrong = struct.pack("<I", info.CRC ^ 0xFFFFFFFF)
    local = info.header_offset
    data[local + 14 : local + 18] = wrong
    start = bytes(data).find(b"PK\x01\x02")
    while start >= 0:
        name_len = struct.unpack("<H", data[start + 28 : start + 30])[0]
        if bytes(data[start + 46 : start + 46 + name_len]) == SHEET.encode():
            data[start + 16 : start + 20] = wrong
            break
        start = bytes(data).find(b"PK\x01\x02", start + 4)
    assert start >= 0
    return bytes(data)


def encrypted_xlsx() -> bytes:
    """The start of a password-protected Excel file: an OLE container with an
    ``EncryptedPackage`` stream (what Excel writes when a workbook has a password)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    return header + "EncryptedPackage".encode("utf-16-le") + b"\0" * 2048


def encrypted_zip() -> bytes:
    """A ZIP whose CSV is marked as encrypted (traditional PKWARE encryption)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.writestr("Organisationen.csv", "Name;Art\nAWO;Verein\n")
    data = bytearray(buf.getvalue())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = bytes(data).find(signature)
        flags = struct.unpack("<H", data[at + offset : at + offset + 2])[0] | 0x1
        data[at + offset : at + offset + 2] = struct.pack("<H", flags)
    return bytes(data)


def long_field_csv(chars: int = 128 * 1024) -> bytes:
    """A CSV with one field of ``chars`` characters."""
    return f"Name;Art\n{'x' * chars};Verein\n".encode()


def many_rows_csv(rows: int) -> bytes:
    """A valid CSV of ``rows`` new organisations."""
    lines = ["Name;Art"] + [f"Verein {i};Verein" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()
