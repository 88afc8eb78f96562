"""Bulk printing: many certificates in one file, in a pool of worker processes.

:class:`BulkRendering` gives :class:`~awards.certificates.render.renderer.CertificateRenderer` its
bulk methods.  :meth:`~BulkRendering.render_many_chunked` renders chunks of certificates as single
documents (fonts, frame and stamps embedded once per chunk) in worker processes and streams them
into one file (``merge.PdfConcatenator``); :meth:`~BulkRendering.render_zip` gives one PDF/A per
certificate.  ``tests/bench/bench_certificates.py`` measures both.  The worker helpers are module
level so that they pickle into worker processes.

The worker processes are started once per process that prints (the job consumer, the CLI), not once per job:
:func:`worker_pool` keeps one pool per renderer and worker count for the life of the process, :func:`warm_pool`
starts it ahead of the first job (the consumer does so at start-up), and :func:`close_pools` ends them (also at
exit).  A job that fails leaves the pool to the next one; a pool whose workers broke is replaced.
"""

from __future__ import annotations

import atexit
import datetime
import io
import logging
import math
import multiprocessing
import multiprocessing.pool
import os
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from awards.certificates.render.data import CERTIFICATE, GOLD, CertificateData, SignatoryData, refuse_revoked
from awards.certificates.render.merge import PdfConcatenator
from awards.persian import to_persian_digits

__all__ = ["BulkRendering"]

_log = logging.getLogger(__name__)

# Below this many certificates render_each works in this process unless the pool is already running:
# starting one (about a second a worker) would cost more than it saves.
_POOL_MIN_ITEMS = 40

_pools: dict[tuple, multiprocessing.pool.Pool] = {}
_pools_lock = threading.Lock()


def _pool_key(renderer: BulkRendering, workers: int) -> tuple:
    return type(renderer), str(renderer.static_dir), str(renderer.template_dir), workers


def has_pool(renderer: BulkRendering, workers: int) -> bool:
    """Whether this process already runs a pool of ``workers`` for ``renderer``'s kind and files."""
    return _pool_key(renderer, workers) in _pools


def worker_pool(renderer: BulkRendering, workers: int) -> multiprocessing.pool.Pool:
    """This process's pool of ``workers`` renderer processes, started on first use and then kept.

    Workers are spawned (no state inherited from a possibly threaded parent) and each builds its renderer
    once (fonts and CSS parsed then), so a job sent to a running pool pays nothing to start it.
    """
    key = _pool_key(renderer, workers)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is not None and pool._state != multiprocessing.pool.RUN:  # closed or terminated meanwhile
            del _pools[key]
            pool = None
        if pool is None:
            pool = multiprocessing.get_context("spawn").Pool(
                processes=workers, initializer=_init_worker, initargs=(key[0], key[1], key[2]))
            _pools[key] = pool
        return pool


def warm_pool(renderer: BulkRendering, workers: int) -> bool:
    """Start the pool now and wait until every worker has built its renderer; False where no pool can run
    (one worker, or a daemonic process, which may not have children)."""
    if workers < 2 or multiprocessing.current_process().daemon:
        return False
    pool = worker_pool(renderer, workers)
    pool.map(_ready, range(workers), chunksize=1)
    return True


def discard_pool(renderer: BulkRendering, workers: int) -> None:
    """End the pool (its workers are killed): after a failure that may have left it broken."""
    with _pools_lock:
        pool = _pools.pop(_pool_key(renderer, workers), None)
    if pool is not None:
        pool.terminate()
        pool.join()


def close_pools() -> None:
    """End every pool of this process (at exit, and in tests)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.terminate()
        pool.join()


atexit.register(close_pools)


class BulkRendering:
    """The bulk methods of a renderer, which provides ``static_dir``, ``template_dir``,
    ``render_one`` and ``render_to_file`` (and is rebuilt in each worker process from the first two)."""

    static_dir: Path
    template_dir: Path

    def render_many_chunked(
        self,
        items: Sequence[CertificateData],
        *,
        chunk_size: int = 50,
        out_path: Path,
        workers: int = 2,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Bulk path: render chunks in ``workers`` processes, merge into ``out_path``; return pages.

        A chunk holds at most ``chunk_size`` certificates (this bounds each worker's memory); the
        number of chunks is rounded up to a multiple of ``workers`` and their sizes evened out so
        that the workers finish together.  The chunks go to this process's :func:`worker_pool`,
        started on first use and kept for the next job.  Chunks are
        copied into ``out_path`` in order as they arrive, object by object (``merge``: this
        process's memory does not grow with the page count).  ``progress(done, total)`` is called in this
        process after each chunk, counting certificates.  Revoked items are refused before any
        work starts.  In a daemonic process (which may not have children, e.g. a huey worker
        started with ``-k process``) the chunks are rendered in this process instead.  The merged
        file is for printing: unlike :meth:`render_one`'s output it is not declared PDF/A.
        """
        items = list(items)
        if chunk_size < 1 or workers < 1:
            raise ValueError("chunk_size and workers must be positive")
        if not items:
            raise ValueError("nothing to render")
        refuse_revoked(items)
        chunks = _even_chunks(items, chunk_size, workers)
        total = len(items)
        out_path = Path(out_path)
        with tempfile.TemporaryDirectory(prefix="certificates-", dir=out_path.parent) as tmp:
            jobs = [
                (index, chunk, str(Path(tmp) / f"chunk-{index:05d}.pdf"))
                for index, chunk in enumerate(chunks)
            ]
            title = f"لوح‌های تقدیر — {to_persian_digits(items[0].cycle_title.strip())}"
            merger = _OrderedMerger([job[2] for job in jobs], out_path=out_path, title=title)
            done = 0
            # A daemonic process (e.g. a huey "-k process" worker) may not start children: render
            # in this process then, rather than fail.
            if workers == 1 or len(jobs) == 1 or multiprocessing.current_process().daemon:
                results = (_render_chunk_with(self, job) for job in jobs)
                pool = None
            else:
                pool = worker_pool(self, workers)
                results = pool.imap_unordered(_render_chunk_in_worker, jobs)
            try:
                for index, count in results:
                    merger.done(index)
                    done += count
                    if progress:
                        progress(done, total)
                return merger.close()
            except BaseException as error:
                merger.abort()
                if pool is not None and not isinstance(error, Exception):
                    # Interrupted (not a chunk's own error): its chunks may still be running; start afresh.
                    discard_pool(self, workers)
                raise

    def render_each(self, items: Sequence[CertificateData], *, workers: int = 1) -> Iterator[bytes]:
        """:meth:`render_one` for each item, in order, lazily.

        Each PDF is a document of its own (fonts embedded in each), so this costs what the
        per-document path costs; with ``workers`` > 1, from ``_POOL_MIN_ITEMS`` items on or when the
        pool already runs, the work is shared by this process's :func:`worker_pool`.  Revoked items
        are refused before any work starts.
        """
        items = list(items)
        refuse_revoked(items)
        small = len(items) < _POOL_MIN_ITEMS and not has_pool(self, workers)
        if workers <= 1 or small or multiprocessing.current_process().daemon:
            for item in items:
                yield self.render_one(item)
            return
        pool = worker_pool(self, workers)
        finished = False
        try:
            yield from pool.imap(_render_one_in_worker, items, chunksize=max(1, min(16, len(items) // (4 * workers))))
            finished = True
        finally:
            if not finished:  # abandoned half way (or failed): what it left queued must not delay the next job
                discard_pool(self, workers)

    def render_zip(
        self,
        items: Sequence[CertificateData],
        *,
        out_path: Path | None = None,
        workers: int = 1,
        progress: Callable[[int, int], None] | None = None,
    ) -> bytes | None:
        """A ZIP holding one PDF/A per certificate, named ``<serial>.pdf`` and dated by its issue
        (deterministic); see :meth:`render_each` for ``workers``.  ``progress(done, total)`` is
        called after each certificate.

        Returns the ZIP bytes, or writes them to ``out_path`` and returns None.
        """
        items = list(items)
        serials = [item.serial for item in items]
        if len(set(serials)) != len(serials):
            raise ValueError("duplicate serial numbers")
        buffer = io.BytesIO() if out_path is None else open(out_path, "wb")  # noqa: SIM115
        try:
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
                pdfs = self.render_each(items, workers=workers)
                for done, (item, pdf) in enumerate(zip(items, pdfs, strict=True), start=1):
                    issued = item.issued_at.astimezone(datetime.UTC)
                    info = zipfile.ZipInfo(f"{item.serial}.pdf", date_time=issued.timetuple()[:6])
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, pdf)
                    if progress:
                        progress(done, len(items))
            return buffer.getvalue() if out_path is None else None
        finally:
            buffer.close()


_WORKER_RENDERER: BulkRendering | None = None


def _init_worker(renderer_class: type[BulkRendering], static_dir: str, template_dir: str) -> None:
    global _WORKER_RENDERER
    renderer = renderer_class(static_dir=Path(static_dir), template_dir=Path(template_dir))
    _warm_up(renderer)
    _WORKER_RENDERER = renderer


_WARM_UP_ISSUED = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def _warm_up(renderer: BulkRendering) -> None:
    """Render two throwaway certificates (one of each seal), so that what a worker computes once in its life
    (the ornament streams, the fonts loaded into Pango and HarfBuzz, lazily imported modules; about 0.3 s of
    CPU) is paid when the pool starts rather than by the first job's first chunk.  Best effort: a renderer that
    cannot render these (say, a test's stripped static directory) still starts, and fails on real work instead.
    """
    signatory = (SignatoryData("—", "—"),)
    common = {
        "verify_url": "https://tandis.invalid/verify/warm-up",
        "recipient_line": "—",
        "recipient_title": "—",
        "nominee_name": "—",
        "category_title": "—",
        "cycle_title": "—",
        "citation": "—",
        "ceremony_date": _WARM_UP_ISSUED.date(),
        "issued_at": _WARM_UP_ISSUED,
        "signatories": signatory,
    }
    items = [CertificateData(serial=f"WARM-{tier}", tier=tier, **common) for tier in (GOLD, CERTIFICATE)]
    try:
        renderer.render_many(items)
    except Exception:  # warming is an optimisation: the real jobs report real errors
        _log.warning("certificate worker warm-up failed", exc_info=True)


def _ready(_index: int) -> bool:
    """A no-op task: returns once the worker that runs it has been initialised."""
    return _WORKER_RENDERER is not None


def _render_chunk_with(renderer: BulkRendering, job) -> tuple[int, int]:
    index, chunk, path = job
    return index, renderer.render_to_file(chunk, out_path=Path(path))


def _render_chunk_in_worker(job) -> tuple[int, int]:
    assert _WORKER_RENDERER is not None, "worker not initialised"
    return _render_chunk_with(_WORKER_RENDERER, job)


def _render_one_in_worker(item: CertificateData) -> bytes:
    assert _WORKER_RENDERER is not None, "worker not initialised"
    return _WORKER_RENDERER.render_one(item)


def _even_chunks(items: list, chunk_size: int, workers: int) -> list[list]:
    """Split items into chunks of at most chunk_size, in a multiple of `workers`, sizes within 1."""
    count = math.ceil(len(items) / chunk_size)
    if workers > 1 and count > 1:
        count = min(len(items), math.ceil(count / workers) * workers)
    size, extra = divmod(len(items), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


class _OrderedMerger:
    """Append chunk PDFs to the output in order, as soon as each next one is finished (streaming:
    see ``merge``), deleting each chunk once copied."""

    def __init__(self, paths: Sequence[str], *, out_path: Path, title: str) -> None:
        self._paths = list(paths)
        self._finished: set[int] = set()
        self._next = 0
        self._output = PdfConcatenator(out_path, title=title)

    def done(self, index: int) -> None:
        self._finished.add(index)
        while self._next in self._finished:
            path = self._paths[self._next]
            self._output.append(path)
            os.remove(path)
            self._next += 1

    def close(self) -> int:
        if self._next != len(self._paths):
            raise RuntimeError("not every chunk was rendered")
        return self._output.close()

    def abort(self) -> None:
        self._output.abort()
