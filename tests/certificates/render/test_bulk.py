"""Bulk printing: chunks in worker processes merged into one PDF, ZIPs of single PDFs, and their guards."""

from __future__ import annotations

import io
import multiprocessing
import zipfile

import pytest
from pypdf import PdfReader

from awards.certificates.render import bulk
from awards.certificates.render.bulk import _even_chunks
from tests.certificates.render.helpers import make_data, needs_fonts

pytestmark = needs_fonts


@pytest.fixture(autouse=True)
def _no_pool_left():
    """Each test starts without worker processes and leaves none behind."""
    bulk.close_pools()
    yield
    bulk.close_pools()


def _worker_pids(renderer, workers: int) -> set[int]:
    return {process.pid for process in bulk.worker_pool(renderer, workers)._pool}


def test_render_many_chunked_five_items_chunk_two_gives_five_pages(renderer, tmp_path):
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in range(1, 6)]
    calls = []

    pages = renderer.render_many_chunked(
        items,
        chunk_size=2,
        out_path=tmp_path / "all.pdf",
        workers=2,
        progress=lambda d, t: calls.append((d, t)),
    )

    reader = PdfReader(tmp_path / "all.pdf")
    assert pages == 5 == len(reader.pages)
    assert reader.metadata["/Title"] == "لوح‌های تقدیر — روز ملی صنعت و معدن ۱۴۰۴"
    assert reader.trailer["/Root"]["/Lang"] == "fa"
    for index, page in enumerate(reader.pages):
        assert f"1404-CLUSTER-00{index + 1}" in page.extract_text()
    assert len(calls) == 4  # one call per chunk: 3 chunks of <= 2, rounded up to a multiple of 2 workers
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (5, 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.pdf"]  # chunks cleaned up


def test_render_many_chunked_in_daemonic_process_renders_in_process(renderer, tmp_path, monkeypatch):
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)  # as in a huey process worker
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in (1, 2, 3)]

    pages = renderer.render_many_chunked(items, chunk_size=1, out_path=tmp_path / "all.pdf", workers=2)

    assert pages == 3 == len(PdfReader(tmp_path / "all.pdf").pages)


@pytest.mark.parametrize(
    ("count", "chunk_size", "workers", "sizes"),
    [
        (5, 2, 2, [2, 1, 1, 1]),
        (200, 100, 2, [100, 100]),
        (1300, 100, 2, [93] * 12 + [92] * 2),
        (7, 100, 2, [7]),
        (3, 1, 4, [1, 1, 1]),
    ],
)
def test_even_chunks_bounded_balanced_and_ordered(count, chunk_size, workers, sizes):
    items = list(range(count))

    chunks = _even_chunks(items, chunk_size, workers)

    assert [len(chunk) for chunk in chunks] == sizes
    assert [item for chunk in chunks for item in chunk] == items


def test_render_zip_holds_one_pdf_per_serial(renderer, demo_pdf):
    items = [make_data(), make_data(serial="1404-CLUSTER-002")]

    archive = zipfile.ZipFile(io.BytesIO(renderer.render_zip(items)))

    assert archive.namelist() == ["1404-CLUSTER-001.pdf", "1404-CLUSTER-002.pdf"]
    assert archive.read("1404-CLUSTER-001.pdf") == demo_pdf


def test_render_zip_with_worker_processes_gives_the_same_pdfs_in_order(renderer, demo_pdf, monkeypatch, tmp_path):
    monkeypatch.setattr(bulk, "_POOL_MIN_ITEMS", 3)  # a pool for four items, to keep this quick
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in (1, 2, 3, 4)]
    calls = []

    renderer.render_zip(items, out_path=tmp_path / "all.zip", workers=2, progress=lambda d, t: calls.append((d, t)))

    archive = zipfile.ZipFile(tmp_path / "all.zip")
    assert archive.namelist() == [f"1404-CLUSTER-00{i}.pdf" for i in (1, 2, 3, 4)]
    assert archive.read("1404-CLUSTER-001.pdf") == demo_pdf  # byte-identical to a single print
    assert archive.read("1404-CLUSTER-004.pdf") == renderer.render_one(items[3])
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_render_each_refuses_a_revoked_item_before_any_work(renderer):
    items = [make_data(), make_data(serial="1404-CLUSTER-002", revoked=True)]

    with pytest.raises(ValueError, match="revoked"):
        next(renderer.render_each(items, workers=2))


def test_render_many_chunked_with_a_revoked_item_raises_before_work(renderer, tmp_path):
    items = [make_data(), make_data(serial="1404-CLUSTER-002", revoked=True)]

    with pytest.raises(ValueError, match="revoked"):
        renderer.render_many_chunked(items, chunk_size=1, out_path=tmp_path / "x.pdf", workers=2)

    assert list(tmp_path.iterdir()) == []


def test_the_worker_pool_is_started_once_and_kept_for_the_next_job(renderer, tmp_path):
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in (1, 2, 3)]
    assert not bulk.has_pool(renderer, 2)

    renderer.render_many_chunked(items, chunk_size=1, out_path=tmp_path / "one.pdf", workers=2)
    first = _worker_pids(renderer, 2)
    renderer.render_many_chunked(items, chunk_size=1, out_path=tmp_path / "two.pdf", workers=2)
    renderer.render_zip(items, out_path=tmp_path / "three.zip", workers=2)  # a running pool: used even for three

    assert len(first) == 2 and _worker_pids(renderer, 2) == first  # the same two processes did all three jobs
    assert len(PdfReader(tmp_path / "two.pdf").pages) == 3
    assert zipfile.ZipFile(tmp_path / "three.zip").read("1404-CLUSTER-001.pdf") == renderer.render_one(items[0])


def test_warm_pool_starts_ready_workers_where_a_pool_can_run(renderer, monkeypatch):
    assert bulk.warm_pool(renderer, 1) is False and not bulk.has_pool(renderer, 1)
    assert bulk.warm_pool(renderer, 2) is True
    pool = bulk.worker_pool(renderer, 2)
    assert pool.map(bulk._ready, range(4)) == [True] * 4  # every worker built its renderer
    bulk.close_pools()
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    assert bulk.warm_pool(renderer, 2) is False and not bulk.has_pool(renderer, 2)


def test_a_failed_job_keeps_the_pool_and_an_interrupted_one_replaces_it(renderer, tmp_path):
    items = [make_data(serial=f"1404-CLUSTER-00{i}") for i in (1, 2, 3, 4)]
    bulk.warm_pool(renderer, 2)
    before = _worker_pids(renderer, 2)

    def fail(_done, _total):
        raise OSError("disk full")

    with pytest.raises(OSError):
        renderer.render_many_chunked(items, chunk_size=1, out_path=tmp_path / "a.pdf", workers=2, progress=fail)
    assert _worker_pids(renderer, 2) == before
    assert not (tmp_path / "a.pdf").exists()

    def interrupt(_done, _total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        renderer.render_many_chunked(items, chunk_size=1, out_path=tmp_path / "b.pdf", workers=2,
                                     progress=interrupt)
    assert not bulk.has_pool(renderer, 2)
    assert renderer.render_many_chunked(items, chunk_size=2, out_path=tmp_path / "c.pdf", workers=2) == 4
    assert _worker_pids(renderer, 2).isdisjoint(before)
