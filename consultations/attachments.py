"""What a researcher may attach to a request: PDF or Word (.docx) files, checked by content.

The extension alone proves nothing, so the first bytes are read too: a PDF starts with
``%PDF``; a .docx is a zip archive that holds ``word/document.xml``. A .docx is also checked
for what it would unpack to (a "zip bomb" of 400 KB can inflate to gigabytes in the Word or
indexer of whoever opens it): at most MAX_UNPACKED_BYTES in all, at most MAX_ZIP_ENTRIES parts.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError

MEGABYTE = 1024 * 1024
MAX_ATTACHMENT_BYTES = 10 * MEGABYTE
MAX_ATTACHMENTS = 5
# A long protocol with pictures unpacks to some tens of MB and a few hundred parts.
MAX_UNPACKED_BYTES = 100 * MEGABYTE
MAX_ZIP_ENTRIES = 2000
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _looks_like_pdf(upload) -> bool:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    return head.startswith(b"%PDF")


def _looks_like_docx(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    f"“{upload.name}” would unpack to more than {MAX_UNPACKED_BYTES // MEGABYTE} MB or more "
                    f"than {MAX_ZIP_ENTRIES} parts, far beyond a real Word document. Save it again from Word "
                    "(or as a PDF) and attach that.", code="file_unpacks_too_big")
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def validate_attachment(upload) -> str:
    """Raise ValidationError when ``upload`` may not be attached; return its content type."""
    name = upload.name or "file"
    extension = PurePath(name).suffix.lower()
    if extension not in CONTENT_TYPES:
        raise ValidationError(f"“{name}” is not a PDF or Word (.docx) file. Attach PDF or .docx files only.",
                              code="file_type")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"“{name}” is {upload.size / MEGABYTE:.1f} MB; "
            f"each file may be at most {MAX_ATTACHMENT_BYTES // MEGABYTE} MB.",
            code="file_size")
    if upload.size == 0:
        raise ValidationError(f"“{name}” is empty.", code="file_empty")
    looks_right = _looks_like_pdf(upload) if extension == ".pdf" else _looks_like_docx(upload)
    if not looks_right:
        kind = "PDF" if extension == ".pdf" else "Word (.docx)"
        raise ValidationError(f"“{name}” is named like a {kind} file but its content is not one.", code="file_content")
    return CONTENT_TYPES[extension]


def validate_attachments(uploads, *, already_attached: int = 0) -> list[tuple[object, str]]:
    """Check every file (all errors at once); return (upload, content type) pairs."""
    if len(uploads) + already_attached > MAX_ATTACHMENTS:
        raise ValidationError(f"Attach at most {MAX_ATTACHMENTS} files to a request.", code="too_many_files")
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append((upload, validate_attachment(upload)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return checked
