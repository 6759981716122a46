"""What an uploaded file really is: its content is read, its name is not trusted.

`check_upload` accepts a file only if its content is of the kind its extension names:
images are decoded by Pillow (and refused above a number of pixels, so that a small file
that unpacks into gigabytes never reaches memory), PDF and the old Office formats by their
signature, the zipped office formats (docx, xlsx, pptx, odt, ods) by the part that says what
the package holds, text by decoding it.

A signature table rather than a detection library: the accepted kinds are few, and three of
them (Office Open XML, OpenDocument, the OLE2 formats) share a container whose first bytes
say only "zip" or "OLE2": telling a docx from an xlsx, or either from a zipped program,
takes reading the package, which the libraries guess at from the first entries' names.
"""

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from PIL import Image

MB = 1024 * 1024

# Pillow's name for the format each image extension must hold.
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}

PDF_SIGNATURE = b"%PDF-"
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# An OLE2 file is a small file system: each format keeps its content in a stream of its own
# name, stored in UTF-16 in the directory.
OLE2_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
    "ppt": ("PowerPoint Document",),
}
# The content type of the main part, declared in the package's [Content_Types].xml. The
# macro-enabled variants (docm, xlsm, pptm) declare another one and are refused.
OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
# An OpenDocument package says what it is in its first member, "mimetype".
ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
TEXT_EXTENSIONS = ("txt", "csv")
# The package parts read to identify it are small; a larger one is not an office document.
PART_LIMIT = MB
# What never occurs in text: the control characters but tab, line feed, form feed, return.
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NOT_TEXT_UTF16 = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

TOO_LARGE = _("The file is %(size)s MB; the limit is %(limit)s MB.")
EMPTY = _("The file is empty.")
NOT_ACCEPTED = _("Files of type “%(ext)s” are not accepted. Accepted: %(allowed)s.")
NOT_WHAT_IT_SAYS = _(
    "The content of this file is not that of a “.%(ext)s” file. Send the original file, "
    "not a renamed one."
)
DAMAGED_IMAGE = _("This image file is damaged or not an image.")
TOO_MANY_PIXELS = _(
    "This image is too large: %(width)s × %(height)s pixels; the limit is %(limit)s million pixels."
)
FAR_TOO_MANY_PIXELS = _("This image is too large; the limit is %(limit)s million pixels.")


def extension(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".")


def megabytes(size: int) -> str:
    """A size in MB with one decimal, in the active language's format (12,4 in French),
    rounded up so that a file just over the limit never reads as the limit itself."""
    tenths = -(-size * 10 // MB)
    return formats.number_format(tenths / 10, decimal_pos=1)


def check_upload(upload: File, *, allowed: Sequence[str], max_mb: int, max_pixels: int) -> None:
    """Raise ValidationError unless `upload` is a non-empty file of at most `max_mb` MB,
    named with one of the `allowed` extensions and holding content of that kind."""
    size = upload.size
    if not size:
        raise ValidationError(EMPTY, code="empty")
    if size > max_mb * MB:
        raise ValidationError(
            TOO_LARGE,
            code="too_large",
            params={"size": megabytes(size), "limit": formats.number_format(max_mb)},
        )
    ext = extension(upload.name or "")
    if ext not in allowed:
        raise ValidationError(
            NOT_ACCEPTED, code="type", params={"ext": ext or "?", "allowed": ", ".join(allowed)}
        )
    try:
        if ext in IMAGE_FORMATS:
            _check_image(upload, IMAGE_FORMATS[ext], max_pixels)
        elif not _content_matches(upload, ext):
            raise ValidationError(NOT_WHAT_IT_SAYS, code="content", params={"ext": ext})
    finally:
        upload.seek(0)


def _check_image(upload: File, expected: str, max_pixels: int) -> None:
    """Decode the image: its header first (its format, its size in pixels, before anything
    is unpacked), then its chunks' checksums (verify), then every pixel (load)."""
    upload.seek(0)
    try:
        with Image.open(upload, formats=tuple(set(IMAGE_FORMATS.values()))) as image:
            found, (width, height) = image.format, image.size
            if found != expected:
                raise ValidationError(
                    NOT_WHAT_IT_SAYS, code="content", params={"ext": extension(upload.name)}
                )
            if width * height > max_pixels:
                raise _too_many_pixels(width, height, max_pixels)
            image.verify()
        upload.seek(0)
        with Image.open(upload, formats=(expected,)) as image:  # verify() leaves it unusable
            image.load()
    except Image.DecompressionBombError as exc:  # far above the limit: Pillow stops at once
        raise ValidationError(
            FAR_TOO_MANY_PIXELS, code="pixels", params={"limit": _millions(max_pixels)}
        ) from exc
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds (OSError, SyntaxError, struct.error…)
        raise ValidationError(DAMAGED_IMAGE, code="image") from exc


def _millions(pixels: int) -> str:
    millions = round(pixels / 1_000_000, 1)
    return formats.number_format(int(millions) if millions.is_integer() else millions)


def _too_many_pixels(width: int, height: int, max_pixels: int) -> ValidationError:
    return ValidationError(
        TOO_MANY_PIXELS,
        code="pixels",
        params={
            "width": formats.number_format(width, force_grouping=True),
            "height": formats.number_format(height, force_grouping=True),
            "limit": _millions(max_pixels),
        },
    )


def _content_matches(upload: File, ext: str) -> bool:
    upload.seek(0)
    head = upload.read(2048)
    if ext == "pdf":
        # Readers accept the header anywhere in the first kilobyte, and so do we.
        return PDF_SIGNATURE in head[:1024]
    if ext in OLE2_STREAMS:
        return head.startswith(OLE2_SIGNATURE) and _ole2_has_stream(upload, OLE2_STREAMS[ext])
    if ext in OOXML_MAIN or ext in ODF_MIMETYPES:
        return head.startswith(b"PK\x03\x04") and _package_is(upload, ext)
    if ext in TEXT_EXTENSIONS:
        return _is_text(upload)
    return False


def _ole2_has_stream(upload: File, names: Sequence[str]) -> bool:
    upload.seek(0)
    data = upload.read()
    return any(name.encode("utf-16-le") in data for name in names)


def _package_is(upload: File, ext: str) -> bool:
    """Whether the zip package declares the kind `ext` names. Only its directory and one
    small part are read: nothing is unpacked, so a zip bomb costs nothing."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            if ext in ODF_MIMETYPES:
                first = package.infolist()[0] if package.infolist() else None
                if first is None or first.filename != "mimetype" or first.file_size > 100:
                    return False
                return package.read(first).strip() == ODF_MIMETYPES[ext]
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > PART_LIMIT:
                return False
            with package.open(info) as part:
                declared = part.read(PART_LIMIT + 1)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, ValueError):
        return False
    return f'ContentType="{OOXML_MAIN[ext]}"'.encode() in declared


def _is_text(upload: File) -> bool:
    """Text in UTF-8, UTF-16 (with its byte-order mark) or a one-byte Windows code page:
    whatever decodes and holds no control characters but tabs and line breaks."""
    upload.seek(0)
    data = upload.read()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return not _NOT_TEXT_UTF16.search(data.decode("utf-16"))
        except UnicodeDecodeError:
            return False
    return not _NOT_TEXT.search(data)
