"""Join PDF files into one, object by object, so that memory does not grow with the page count.

pypdf's ``PdfWriter`` keeps every copied object until it writes the file: merging 1,300
certificates made the parent of a bulk print its largest process (about 150 MB, and growing with
N).  :class:`PdfConcatenator` instead reads each source with pypdf, copies what its pages need
(content streams, resources, fonts, images, forms, link annotations), renumbered, and writes each
object as soon as it has read it.  What stays in memory is one source's reader at a time and an
offset per written object.

It is meant for the chunk files of ``bulk`` and makes no attempt at the general case: it
copies pages, their outline (one flat level, as the renderer writes it) and nothing else of the
catalog (no forms, no structure tree, no PDF/A metadata; the joined file is for printing, each
single certificate stays PDF/A).

It reads pypdf's private ``StreamObject._data`` (the still-encoded stream bytes), so pypdf is pinned
exactly in the Pipfile and ``tests/certificates/render/test_library_contracts.py`` checks what is read.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from functools import lru_cache
from hashlib import md5
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

__all__ = ["PdfConcatenator"]

_CATALOG, _PAGES = 1, 2  # object numbers reserved for the catalog and the page tree, written last


class PdfConcatenator:
    """Append the pages of PDF files to ``out_path`` in order; :meth:`close` finishes the file.

    Written to ``<out_path>.part`` and renamed into place by :meth:`close`, so a reader never
    sees half a file; :meth:`abort` (or leaving a ``with`` block by an exception) removes it.
    """

    def __init__(self, out_path: Path, *, title: str, lang: str = "fa", producer: str = "Tandis") -> None:
        self.out_path = Path(out_path)
        self._partial = self.out_path.with_name(self.out_path.name + ".part")
        self._file = open(self._partial, "wb")  # noqa: SIM115 - closed by close() or abort()
        self._digest = md5(usedforsecurity=False)
        self._offsets: list[int] = [0, 0, 0]  # by object number; 0 is the free head
        self._kids: list[int] = []
        self._outline: list[tuple[str, int]] = []  # (title, page object number)
        self._title, self._lang, self._producer = title, lang, producer
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    # -- public -------------------------------------------------------------------------------

    def append(self, source: Path | str) -> int:
        """Copy every page of ``source`` (and its outline entries); return how many pages."""
        reader = PdfReader(source)
        mapping: dict[int, int] = {}
        pending: list[int] = []

        def number_of(reference: IndirectObject) -> int:
            number = mapping.get(reference.idnum)
            if number is None:
                number = mapping[reference.idnum] = self._allocate()
                pending.append(reference.idnum)
            return number

        first_page = len(self._kids)
        for page in reader.pages:
            self._kids.append(number_of(page.indirect_reference))
        for entry in reader.outline:
            if isinstance(entry, list):  # nested outlines are not written by the renderer
                raise ValueError("nested outlines are not supported")
            self._outline.append((str(entry.title), self._kids[first_page + reader.get_destination_page_number(entry)]))
        while pending:
            idnum = pending.pop()
            obj = reader.get_object(idnum)
            is_page = isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Page"
            body = _serialize(obj, number_of, skip=("/Parent",) if is_page else ())
            if is_page:
                body = body[:-2] + b"/Parent %d 0 R>>" % _PAGES
            self._write_object(mapping[idnum], body)
        return len(reader.pages)

    def close(self) -> int:
        """Write the page tree, outline, catalog, cross-reference table and trailer; return pages."""
        kids = b" ".join(b"%d 0 R" % number for number in self._kids)
        self._write_object(_PAGES, b"<</Type /Pages /Count %d /Kids [%s]>>" % (len(self._kids), kids))
        outline = self._write_outline()
        info = self._allocate()
        self._write_object(
            info,
            b"<</Title " + _text(self._title) + b" /Producer " + _text(self._producer) + b">>",
        )
        catalog = b"<</Type /Catalog /Pages %d 0 R /Lang %s" % (_PAGES, _text(self._lang))
        if outline:
            catalog += b" /Outlines %d 0 R /PageMode /UseOutlines" % outline
        self._write_object(_CATALOG, catalog + b">>")
        xref = self._file.tell()
        lines = [b"xref\n0 %d\n" % len(self._offsets), b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % offset for offset in self._offsets[1:]]
        identifier = self._digest.hexdigest().encode()
        lines.append(
            b"trailer\n<</Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n"
            % (len(self._offsets), _CATALOG, info, identifier, identifier, xref)
        )
        self._file.write(b"".join(lines))
        self._file.close()
        os.replace(self._partial, self.out_path)
        return len(self._kids)

    def abort(self) -> None:
        """Give up: close and remove the partial file (even if closing fails, say on a full disk)."""
        try:
            self._file.close()
        finally:
            self._partial.unlink(missing_ok=True)

    def __enter__(self) -> PdfConcatenator:
        return self

    def __exit__(self, kind, _value, _traceback) -> None:
        if kind is not None and not self._file.closed:
            self.abort()

    # -- internals ----------------------------------------------------------------------------

    def _allocate(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _write(self, data: bytes) -> None:
        self._file.write(data)
        self._digest.update(data)

    def _write_object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._file.tell()
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _write_outline(self) -> int | None:
        if not self._outline:
            return None
        root = self._allocate()
        numbers = [self._allocate() for _ in self._outline]
        for index, ((title, page), number) in enumerate(zip(self._outline, numbers, strict=True)):
            links = b""
            if index:
                links += b" /Prev %d 0 R" % numbers[index - 1]
            if index + 1 < len(numbers):
                links += b" /Next %d 0 R" % numbers[index + 1]
            self._write_object(
                number,
                b"<</Title %s /Parent %d 0 R /Dest [%d 0 R /Fit]%s>>" % (_text(title), root, page, links),
            )
        self._write_object(
            root,
            b"<</Type /Outlines /Count %d /First %d 0 R /Last %d 0 R>>" % (len(numbers), numbers[0], numbers[-1]),
        )
        return root


def _text(value: str) -> bytes:
    buffer = io.BytesIO()
    TextStringObject(value).write_to_stream(buffer)
    return buffer.getvalue()


def _serialize(value: PdfObject, number_of: Callable[[IndirectObject], int], *, skip: tuple[str, ...] = ()) -> bytes:
    """PDF syntax for ``value`` with every indirect reference renumbered by ``number_of``.

    The parent of a bulk print runs this on every object of every chunk, beside the workers: names (a few
    dozen distinct ones, written thousands of times) are written once each, and strings as hexadecimal of their
    bytes as read (the same string; pypdf's literal writer goes byte by byte)."""
    if isinstance(value, NameObject):
        return _name(value)
    if isinstance(value, IndirectObject):
        return b"%d 0 R" % number_of(value)
    if isinstance(value, (TextStringObject, ByteStringObject)):
        return b"<" + value.original_bytes.hex().encode("ascii") + b">"
    if isinstance(value, StreamObject):
        # The still-encoded bytes as read (pypdf keeps them in ``_data``; get_data() would decode).
        data = value._data
        head = _serialize_dict(value, number_of, skip=(*skip, "/Length"), extra=b"/Length %d" % len(data))
        return head + b"\nstream\n" + data + b"\nendstream"
    if isinstance(value, DictionaryObject):
        return _serialize_dict(value, number_of, skip=skip)
    if isinstance(value, ArrayObject):
        return b"[" + b" ".join([_serialize(item, number_of) for item in value]) + b"]"
    buffer = io.BytesIO()
    value.write_to_stream(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=4096)
def _name(value: str) -> bytes:
    buffer = io.BytesIO()
    NameObject(value).write_to_stream(buffer)
    return buffer.getvalue()


def _serialize_dict(value: DictionaryObject, number_of, *, skip: tuple[str, ...], extra: bytes = b"") -> bytes:
    parts = [b"<<"]
    for key, item in value.items():
        if key in skip:
            continue
        parts.append(_name(key) + b" " + _serialize(item, number_of) + b" ")
    parts.append(extra + b">>")
    return b"".join(parts)
