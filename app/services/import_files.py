"""Reading an import's files: the CSV's encoding, delimiter and header, the column mapping, the resumes ZIP.

Pure functions on bytes (no database): the upload checks and previews with them,
the worker reads the whole file with them.

Encodings, in order: a UTF-16 byte-order mark; UTF-8 (a BOM, as Excel's "CSV
UTF-8" writes, is dropped); else Windows-1252, what Excel's plain "CSV" writes
on Western Windows (Latin-1 with the curly quotes, dashes and the euro sign).
Bytes that are neither (Windows-1252 leaves five unassigned) are refused with a
message to save the file as "CSV UTF-8": guessing further would store mangled
names without anyone noticing. The encoding used is shown with the preview.
"""

from __future__ import annotations

import csv
import io
import posixpath
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from app.errors import ValidationFailed

# Fields a column can be mapped to, in the order the mapping form shows them.
FIELDS = (
    "full_name", "first_name", "last_name", "email", "phone", "location", "linkedin", "github", "portfolio", "source",
    "tags", "job", "resume",
)  # fmt: skip
# The name may come whole or as first and last name columns (joined with a space).
REQUIRED = ("full_name", "email")
LABELS = {
    "full_name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "location": "Location",
    "linkedin": "LinkedIn",
    "github": "GitHub",
    "portfolio": "Portfolio",
    "source": "Source",
    "tags": "Tags",
    "job": "Job (id or title)",
    "resume": "Resume file (in the ZIP)",
}
# Header names (folded: lower case, letters and digits only) each field is guessed from.
ALIASES = {
    "full_name": ("name", "fullname", "candidate", "candidatename", "person", "nom", "nomcomplet"),
    "first_name": ("firstname", "givenname", "forename", "first", "prenom"),
    "last_name": ("lastname", "surname", "familyname", "last", "nomdefamille"),
    "email": ("email", "emailaddress", "mail", "emails", "workemail", "personalemail", "courriel"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell", "cellphone"),
    "location": ("location", "city", "address", "town"),
    "linkedin": ("linkedin", "linkedinurl", "linkedinprofile", "linkedinlink"),
    "github": ("github", "githuburl", "githubprofile"),
    "portfolio": ("portfolio", "website", "portfoliourl", "homepage", "url"),
    "source": ("source", "origin", "channel", "candidatesource"),
    "tags": ("tags", "tag", "labels", "keywords"),
    "job": ("job", "jobid", "jobtitle", "position", "role", "opening", "requisition", "vacancy"),
    "resume": ("resume", "cv", "resumefile", "cvfile", "resumefilename", "attachment"),
}
PREVIEW_ROWS = 5
MAX_COLUMNS = 200


class ImportRefused(ValidationFailed):
    """The file cannot be imported at all (nothing was written)."""


@dataclass(frozen=True)
class Table:
    encoding: str
    delimiter: str
    header: list[str]


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name); ImportRefused when it is neither UTF-8/16 nor Windows-1252 text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _refuse("The file says it is UTF-16 but is not; save it as CSV UTF-8.") from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise _refuse("This is not a text file; export the spreadsheet as CSV.")
        return text, "utf-8" if encoding == "utf-8-sig" else "windows-1252"
    raise _refuse('The file is neither UTF-8 nor Windows-1252 text; save it as "CSV UTF-8" and upload it again.')


def _refuse(message: str, field: str = "file") -> ImportRefused:
    return ImportRefused(message, errors={field: [message]})


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (spreadsheets in locales with a decimal comma) or tab, by which the first line has most of."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def rows(text: str, delimiter: str) -> Iterator[list[str]]:
    """The records of the file (header first); ImportRefused on a malformed line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error as error:
        raise _refuse(f"Line {reader.line_num} cannot be read as CSV ({error}).") from None


def read_table(data: bytes) -> tuple[Table, list[list[str]]]:
    """The table's shape and its first PREVIEW_ROWS data rows, checking the header."""
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    records = rows(text, delimiter)
    header = next(records, None)
    header = [cell.strip() for cell in header or []]
    if not any(header):
        raise _refuse("The file is empty or its first line is blank: the first line must name the columns.")
    if len(header) > MAX_COLUMNS:
        raise _refuse(f"The file has {len(header)} columns; at most {MAX_COLUMNS}.")
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise _refuse(f"Two columns are named {name!r}; rename one.")
        seen.add(name)
    preview = []
    for record in records:
        if not any(cell.strip() for cell in record):
            continue
        preview.append(record)
        if len(preview) >= PREVIEW_ROWS:
            break
    if not preview:
        raise _refuse("The file has a header but no rows.")
    return Table(encoding, delimiter, header), preview


def fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch)).casefold()


def guess_mapping(header: list[str]) -> dict[str, str]:
    """field -> column name, from the header's names ("E-mail", "Full name", "Phone number"); each column once."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    folded = [(fold(name), name) for name in header if name]
    for exact in (True, False):
        for field in FIELDS:
            if field in mapping:
                continue
            for key, name in folded:
                if name in used:
                    continue
                aliases = ALIASES[field]
                if key in aliases or (not exact and any(key.startswith(a) or key.endswith(a) for a in aliases[:2])):
                    mapping[field] = name
                    used.add(name)
                    break
    return mapping


def check_mapping(header: list[str], mapping: dict) -> dict[str, str]:
    """The mapping cleaned (unmapped fields dropped); ValidationFailed naming each problem."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    columns: dict[str, str] = {}
    if not isinstance(mapping, dict):
        message = "The mapping must be an object of field -> column."
        raise ValidationFailed(message, errors={"mapping": ["Not an object."]})
    for field, column in mapping.items():
        if field not in FIELDS:
            errors.setdefault(f"mapping.{field}", []).append(f"Unknown field; use one of: {', '.join(FIELDS)}.")
            continue
        if column in (None, ""):
            continue
        if not isinstance(column, str) or column not in header:
            errors.setdefault(f"mapping.{field}", []).append("Not a column of the file's header.")
            continue
        if column in columns:
            message = f"Column {column!r} is already mapped to {columns[column]}."
            errors.setdefault(f"mapping.{field}", []).append(message)
            continue
        columns[column] = field
        cleaned[field] = column
    for field in REQUIRED:
        if field == "full_name" and "first_name" in cleaned:
            continue
        if field not in cleaned and f"mapping.{field}" not in errors:
            extra = " (or its first name column)" if field == "full_name" else ""
            errors[f"mapping.{field}"] = [f"Required: choose the column holding the {LABELS[field].lower()}{extra}."]
    if "full_name" in cleaned and ("first_name" in cleaned or "last_name" in cleaned):
        errors.setdefault("mapping.full_name", []).append("Map either a whole name or first and last names, not both.")
    if "last_name" in cleaned and "first_name" not in cleaned and "full_name" not in cleaned:
        errors.setdefault("mapping.first_name", []).append("A last name column needs a first name column.")
    if errors:
        has_name = "full_name" in cleaned or "first_name" in cleaned
        missing = [LABELS[f].lower() for f in REQUIRED if f not in cleaned and (f != "full_name" or not has_name)]
        title = f"Missing required columns: {', '.join(missing)}." if missing else "The column mapping is not valid."
        raise ValidationFailed(title, errors=errors)
    return cleaned


# --- the resumes ZIP ---


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_total: int  # uncompressed bytes, all entries together
    max_entry: int  # uncompressed bytes of one entry


def check_zip(data: bytes, limits: ZipLimits) -> dict[str, zipfile.ZipInfo]:
    """{base file name: entry} of a resumes ZIP, checked by its directory before any byte is inflated.

    Refused: not a ZIP, more entries than allowed, a declared total above the
    limit (a zip bomb declares its size; reading also stops at the declared size,
    see `read_entry`). Entries with `..` or an absolute path, directories and
    hidden files are ignored; two entries of the same base name are refused.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise _refuse("The resumes file is not a ZIP archive.", "resumes") from None
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise _refuse(f"The ZIP holds {len(entries)} entries; at most {limits.max_entries}.", "resumes")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_total:
        raise _refuse(f"The ZIP unpacks to {total:,} bytes; at most {limits.max_total:,}.", "resumes")
    found: dict[str, zipfile.ZipInfo] = {}
    for entry in entries:
        name = entry.filename.replace("\\", "/")
        if entry.is_dir() or name.startswith("/") or ".." in name.split("/") or name.startswith("__MACOSX/"):
            continue
        base = posixpath.basename(name)
        if not base or base.startswith("."):
            continue
        if base.casefold() in found:
            raise _refuse(f"Two files in the ZIP are named {base!r}.", "resumes")
        found[base.casefold()] = entry
    return found


def read_entry(data: bytes, entry: zipfile.ZipInfo, limits: ZipLimits) -> bytes | None:
    """The entry's bytes, at most `max_entry` of them inflated (None: larger, damaged or encrypted)."""
    if entry.file_size > limits.max_entry:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(entry) as handle:
            content = handle.read(limits.max_entry + 1)
    except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, NotImplementedError, EOFError):
        return None
    return content if len(content) <= limits.max_entry else None
