"""The disk fills during an upload: a clear Persian message beside the field, no partial file, no row."""

from __future__ import annotations

import errno
import io
import os

from awards import files
from tests.faults import tiny_filesystem
from tests.nominations.conftest import MASKATI, by_name, post
from tests.nominations.test_documents import document_count, errors_of, stored_files


def upload(client, nomination_id: int, filename: str, data: bytes):
    return post(client, f"/nominations/{nomination_id}/documents", {"file": (io.BytesIO(data), filename)},
                content_type="multipart/form-data")


def test_upload_when_a_write_fails_with_enospc_stores_nothing(app, client, session, demo, login_as, pdf,
                                                               monkeypatch):
    login_as("fars")
    nomination = by_name(session, MASKATI)
    before_files, before_rows = stored_files(app), document_count(session)
    real_write = os.write
    calls = []

    def write_then_fill_up(fd, data):
        calls.append(fd)
        if len(calls) == 1:  # the first block reaches the disk, then the disk is full
            return real_write(fd, bytes(data[:1024]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", write_then_fill_up)
    response = upload(client, nomination.id, "big.pdf", pdf + b"%" * 8192)
    monkeypatch.undo()
    assert response.status_code == 200
    assert errors_of(response.get_data(as_text=True)) == [files.DISK_FULL_MESSAGE]
    assert len(calls) == 2
    assert stored_files(app) == before_files  # the half-written file is gone
    assert document_count(session) == before_rows


def test_upload_to_a_full_tiny_filesystem_stores_nothing(app, client, session, demo, login_as, pdf, tmp_path):
    with tiny_filesystem(tmp_path / "tiny", size_kb=64) as tiny:
        app.config["UPLOAD_FOLDER"] = tiny
        login_as("fars")
        nomination = by_name(session, MASKATI)
        rows = document_count(session)
        response = upload(client, nomination.id, "big.pdf", pdf + b"%" * (200 * 1024))
        assert response.status_code == 200
        assert errors_of(response.get_data(as_text=True)) == [files.DISK_FULL_MESSAGE]
        assert list(tiny.iterdir()) == []
        assert document_count(session) == rows
        # A file that fits is still accepted afterwards.
        response = upload(client, nomination.id, "small.pdf", pdf)
        assert response.status_code == 302
        assert len(list(tiny.iterdir())) == 1
        assert document_count(session) == rows + 1


def test_upload_write_failing_for_another_reason_is_refused_without_500(app, client, session, demo, login_as,
                                                                         pdf, monkeypatch):
    login_as("fars")
    nomination = by_name(session, MASKATI)
    before_files, before_rows = stored_files(app), document_count(session)

    def broken_disk(_fd, _data):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(files.os, "write", broken_disk)
    response = upload(client, nomination.id, "a.pdf", pdf)
    monkeypatch.undo()
    assert response.status_code == 200
    assert errors_of(response.get_data(as_text=True)) == [files.WRITE_FAILED_MESSAGE]
    assert stored_files(app) == before_files
    assert document_count(session) == before_rows
