"""Resume files to plain text: PDF, DOCX or TXT, recognised by content, never by name.

Blocking (pypdf and python-docx parse in the calling thread): async callers use
`asyncio.to_thread`. Nothing here knows about interviews or candidates, so any upload
route can reuse it.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Any, Literal

from core.errors import IntervoxError, PayloadTooLarge

MAX_RESUME_BYTES = 2 * 1024 * 1024
MAX_TEXT_CHARS = 50_000
MAX_PDF_PAGES = 30  # a resume is a few pages; more is a report or a trap, and parsing time grows per page
MAX_DOCX_UNCOMPRESSED = 20 * 1024 * 1024  # decompression-bomb guard: real resumes unpack to well under 5 MB
MAX_DOCX_ENTRIES = 2_000

FileKind = Literal["pdf", "docx", "txt"]

# Leading bytes of formats people upload by mistake (or on purpose), named in the error message.
_KNOWN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (b"#!", "a script"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.doc); save it as DOCX or PDF"),
    (b"{\\rtf", "an RTF document; save it as DOCX or PDF"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")


class InvalidFile(IntervoxError):
    """The upload is not a readable PDF, DOCX or text resume."""

    code, status = "INVALID_FILE", 400


def sniff(data: bytes) -> FileKind:
    """The file's real type from its bytes; anything but PDF, DOCX or plain text raises InvalidFile."""
    if not data:
        raise InvalidFile("the file is empty")
    # The PDF spec lets the header sit anywhere in the first 1024 bytes.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    is_text = _decode_text(data) is not None
    for signature, what in _KNOWN_SIGNATURES:
        # Two-byte signatures could begin a real text file; only scripts are refused even as text.
        if data.startswith(signature) and (not is_text or signature == b"#!"):
            raise InvalidFile(f"this is {what}, not a PDF, DOCX or text resume", {"detected": what})
    if is_text:
        return "txt"
    raise InvalidFile("this is not a PDF, DOCX or text resume", {"detected": "unknown binary"})


def _sniff_zip(data: bytes) -> FileKind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InvalidFile("the file is a damaged ZIP archive", {"detected": "zip"}) from exc
    if {"word/document.xml", "[Content_Types].xml"} <= names:
        return "docx"
    raise InvalidFile("this ZIP archive is not a Word document", {"detected": "zip"})


def _decode_text(data: bytes) -> str | None:
    """The text when the bytes are UTF-8 (or UTF-16 with a BOM) with almost no control characters."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    # Binary data that happens to decode still carries NULs and escapes; real text has next to none.
    if "\x00" in text or controls > len(text) // 1000:
        return None
    return text


def resume_text(data: bytes, filename: str | None = None) -> str:
    """Plain text of a PDF, DOCX or TXT resume, whitespace normalised and capped at MAX_TEXT_CHARS."""
    if len(data) > MAX_RESUME_BYTES:
        limit = {"limit_bytes": MAX_RESUME_BYTES}
        raise PayloadTooLarge(f"the file is larger than the {MAX_RESUME_BYTES}-byte limit", limit)
    kind = sniff(data)
    details: dict[str, Any] = {"type": kind, "filename": filename}
    if kind == "pdf":
        raw = _pdf_text(data, details)
    elif kind == "docx":
        raw = _docx_text(data, details)
    else:
        raw = _decode_text(data) or ""
    text = normalise(raw)
    if not text:
        hint = " (a scanned image has no text layer: upload a text PDF, DOCX or TXT)" if kind == "pdf" else ""
        raise InvalidFile(f"no text found in the {kind.upper()} file{hint}", details)
    return text


def normalise(text: str) -> str:
    """One space between words, no control characters, at most one blank line in a row, capped."""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    lines = (re.sub(r"[ \t\u00a0\u2000-\u200b]+", " ", line).strip() for line in text.splitlines())
    joined = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return joined[:MAX_TEXT_CHARS].rstrip()


def _pdf_text(data: bytes, details: dict[str, Any]) -> str:
    from pypdf import PdfReader  # imported here: only PDF uploads pay for it

    # pypdf raises many exception types on damaged input (its own, ValueError, KeyError, zlib...):
    # every one of them means "not a readable PDF" to the uploader.
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _unlock(reader):
            raise InvalidFile("the PDF is password-protected: upload an unprotected copy", details)
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            page_text = page.extract_text() or ""
            parts.append(page_text)
            size += len(page_text)
            if size > MAX_TEXT_CHARS:
                break
    except InvalidFile:
        raise
    except Exception as exc:
        raise InvalidFile("the PDF is damaged or unreadable", details) from exc
    return "\n".join(parts)


def _unlock(reader: Any) -> bool:
    """Owner-password-only PDFs open with an empty user password; anything else stays locked."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # missing AES support or a broken encryption dictionary: locked either way
        return False


def _docx_text(data: bytes, details: dict[str, Any]) -> str:
    _check_zip_bomb(data, details)
    import docx  # imported here: only DOCX uploads pay for it
    from docx.table import Table

    # Same reasoning as for PDFs: any failure inside python-docx or lxml means a broken document.
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except Exception as exc:
        raise InvalidFile("the DOCX file is damaged or unreadable", details) from exc
    return "\n".join(lines)


def _table_lines(table: Any) -> list[str]:
    """One line per row, cells joined with " | "; merged cells repeat in python-docx, so each shows once."""
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if text and (not cells or cells[-1] != text):
                cells.append(text)
            for nested in cell.tables:
                lines.extend(_table_lines(nested))
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _check_zip_bomb(data: bytes, details: dict[str, Any]) -> None:
    # zipfile never inflates an entry past its declared size, so the declared sizes bound the work.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_DOCX_ENTRIES or total > MAX_DOCX_UNCOMPRESSED:
        raise InvalidFile(
            "the DOCX file unpacks to more than a resume can hold",
            {**details, "uncompressed_bytes": total, "entries": len(entries)},
        )
