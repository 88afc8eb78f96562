"""Benchmark certificate rendering (not a test: timings are machine-dependent).

Usage::

    .venv/bin/python tests/bench/bench_certificates.py [--n 200 1300] [--chunk-size 50] [--workers 2] [--no-zip]

For each N it prints, in pages per second:

* naive: ``render_one`` per certificate (one ``HTML()`` + ``write_pdf`` each, so fonts are
  subset and embedded every time) with a fresh FontConfiguration and freshly parsed stylesheets
  each time, one process (for large N, measured on ``--naive-sample`` certificates and
  extrapolated; the output says so);
* bulk: ``CertificateRenderer.render_many_chunked`` with ``--workers`` processes and the streaming
  merge (``render.merge``), as a print job runs it in the consumer, whose worker processes were started at
  its start-up (``bulk.warm_pool``, not timed: once per consumer, not per job);
* bulk, cold: the same with the pool start-up timed (the first job of a CLI run or of a consumer that
  could not start its workers ahead);
* floor: our certificate N times in ONE document, one process (``--single-sample``): what one core does at
  best.  The target is bulk >= 0.8x the floor per worker;
* zip: ``render_zip`` (one PDF/A per certificate) with ``--workers`` processes;
* one-line page: a minimal one-page Persian HTML (one line «لوح تقدیر» in Vazirmatn) N times in one
  document: WeasyPrint's per-page cost with nothing on the page (the floor until issue 14 withdrew it: it is
  not a certificate);

and the peak memory (``resource.getrusage`` maxrss) of the bulk run: the parent process and the
largest worker.  Every measurement runs in its own fresh subprocess so that they do not share
caches or memory peaks.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"

_FIRST = ["محمدعلی", "زهرا", "علیرضا", "مریم", "حسین", "فاطمه", "رضا", "نرگس", "مهدی", "سارا"]
_LAST = ["جمشیدی", "احمدی", "کریمی", "توکلی", "رضایی", "موسوی", "حسینی", "نوروزی", "شریفی", "پارسا"]
_NOMINEES = [
    ("خوشه مسقطی لاری", "خوشه صنعتی برتر", "CLUSTER"),
    ("شرکت فولاد سپید فراب کویر", "واحد صنعتی برتر", "INDUSTRY"),
    ("معدن سنگ آهن گل‌گهر", "واحد معدنی برتر", "MINE"),
    ("طرح توسعه پتروشیمی بوشهر", "طرح برتر", "PROJECT"),
]
_SENTENCES = [
    "با ساماندهی بیش از یکصد واحد تولیدی و گشودن بازارهای صادراتی تازه، سهم صادرات استان را دو برابر کرد.",
    "راه‌اندازی مرکز نوآوری و استانداردسازی فرآیند تولید، این فرآورده اصیل را به نشانی ماندگار بدل کرده است.",
    "به کارگیری فناوری‌های نوین و آموزش نیروی انسانی ماهر، بهره‌وری را در سه سال گذشته چشمگیر افزایش داد.",
    "پایبندی به اصول محیط زیست و مسئولیت اجتماعی، الگویی شایسته برای واحدهای همتا پدید آورده است.",
]


def sample_items(n: int):
    """N varied but deterministic certificates."""
    from awards.certificates.render import CertificateData, SignatoryData

    signatories = (
        SignatoryData("علیرضا پارسا", "وزیر صنعت، معدن و تجارت"),
        SignatoryData("مریم توکلی", "دبیر ستاد برگزاری روز ملی صنعت و معدن"),
    )
    items = []
    for i in range(n):
        nominee, category, code = _NOMINEES[i % len(_NOMINEES)]
        title = "جناب آقای" if i % 2 == 0 else "سرکار خانم"
        citation = " ".join(_SENTENCES[(i + k) % len(_SENTENCES)] for k in range(2 + i % 2))
        items.append(
            CertificateData(
                serial=f"1404-{code}-{i + 1:04d}",
                verify_url=f"https://tandis.example/verify/{i:06d}q7Xz3Kp9LmN2vR8sT4wY6",
                recipient_line=f"{title} {_FIRST[i % 10]} {_LAST[(i // 10) % 10]}",
                recipient_title=f"مدیرعامل {nominee}",
                nominee_name=nominee,
                category_title=category,
                cycle_title="روز ملی صنعت و معدن ۱۴۰۴",
                citation=f"{nominee} {citation}",
                tier="gold" if i % 5 == 0 else "certificate",
                ceremony_date=datetime.date(2025, 8, 26),
                issued_at=datetime.datetime(2025, 8, 20, 9, 30, tzinfo=datetime.UTC),
                signatories=signatories,
            )
        )
    return items


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _process_cpu(pid: int) -> float:
    """CPU time (user + system) a running process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _result(n: int, elapsed: float, cpu: float, size: int) -> dict:
    # ru_maxrss is in KiB on Linux; RUSAGE_CHILDREN is the largest waited-for child, not a sum.
    return {
        "pages": n,
        "seconds": elapsed,
        "pages_per_s": n / elapsed,
        "cpu_ms_per_page": cpu * 1000 / n,
        "bytes": size,
        "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def mode_naive(n: int, **_) -> dict:
    """One document per certificate, each with a fresh FontConfiguration and freshly parsed CSS."""
    from awards.certificates.render import CertificateRenderer

    items = sample_items(n)
    renderer = CertificateRenderer(static_dir=STATIC, template_dir=TEMPLATES)
    start, cpu = time.perf_counter(), _cpu_seconds()
    total = 0
    for item in items:
        renderer.load_styles()
        total += len(renderer.render_one(item))
    return _result(n, time.perf_counter() - start, _cpu_seconds() - cpu, total)


def _timed_to_file(n: int, name: str, write) -> dict:
    """Time ``write(renderer, items, out_path)`` (renderer construction included) on N sample items."""
    from awards.certificates.render import CertificateRenderer

    items = sample_items(n)
    with tempfile.TemporaryDirectory(prefix="bench-cert-") as tmp:
        out = Path(tmp) / name
        start, cpu = time.perf_counter(), _cpu_seconds()
        renderer = CertificateRenderer(static_dir=STATIC, template_dir=TEMPLATES)
        write(renderer, items, out)
        elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        return _result(n, elapsed, cpu, out.stat().st_size)


def mode_bulk_cold(n: int, *, chunk_size: int, workers: int, **_) -> dict:
    from pypdf import PdfReader

    def write(renderer, items, out):
        pages = renderer.render_many_chunked(items, chunk_size=chunk_size, out_path=out, workers=workers)
        assert pages == n == len(PdfReader(out).pages), (pages, n)

    return _timed_to_file(n, "all.pdf", write)


def mode_bulk(n: int, *, chunk_size: int, workers: int, **_) -> dict:
    """As a consumer runs a print job: its worker processes were started at consumer start-up (not timed)."""
    from pypdf import PdfReader

    from awards.certificates.render import CertificateRenderer, bulk

    items = sample_items(n)
    renderer = CertificateRenderer(static_dir=STATIC, template_dir=TEMPLATES)
    bulk.warm_pool(renderer, workers)
    pids = [process.pid for process in bulk.worker_pool(renderer, workers)._pool]
    with tempfile.TemporaryDirectory(prefix="bench-cert-") as tmp:
        out = Path(tmp) / "all.pdf"
        own = resource.getrusage(resource.RUSAGE_SELF)
        before = [_process_cpu(pid) for pid in pids]
        start, cpu = time.perf_counter(), _cpu_seconds()
        pages = renderer.render_many_chunked(items, chunk_size=chunk_size, out_path=out, workers=workers)
        elapsed = time.perf_counter() - start
        job_cpu = [_process_cpu(pid) - spent for pid, spent in zip(pids, before, strict=True)]
        assert pages == n == len(PdfReader(out).pages), (pages, n)
        parent = resource.getrusage(resource.RUSAGE_SELF)
        bulk.close_pools()  # the workers' CPU time is counted once they have been waited for
        cpu = _cpu_seconds() - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = _result(n, elapsed, cpu, out.stat().st_size)
        result["parent_cpu"] = parent.ru_utime + parent.ru_stime - own.ru_utime - own.ru_stime
        result["workers_cpu"] = children.ru_utime + children.ru_stime
        result["job_workers_cpu"] = job_cpu  # each worker's CPU during the job alone (from /proc)
        return result


def mode_start(n: int, *, workers: int, **_) -> dict:
    """Only starting the worker pool (what the consumer does once): its CPU time, to take out of ``bulk``'s."""
    from awards.certificates.render import CertificateRenderer, bulk

    renderer = CertificateRenderer(static_dir=STATIC, template_dir=TEMPLATES)
    start = time.perf_counter()
    bulk.warm_pool(renderer, workers)
    elapsed = time.perf_counter() - start
    bulk.close_pools()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": elapsed, "workers_cpu": children.ru_utime + children.ru_stime}


def mode_single(n: int, **_) -> dict:
    """Our certificate, N pages in ONE document in one process: what one core does at best."""
    return _timed_to_file(n, "one.pdf", lambda renderer, items, out: renderer.render_to_file(items, out_path=out))


def mode_zip(n: int, *, workers: int, **_) -> dict:
    """The ZIP of one PDF/A per certificate (the per-document path), in ``workers`` processes."""
    return _timed_to_file(
        n, "all.zip", lambda renderer, items, out: renderer.render_zip(items, out_path=out, workers=workers)
    )


def mode_floor(n: int, **_) -> dict:
    from weasyprint import HTML
    from weasyprint.urls import path2url

    from awards.certificates.render import PDF_VARIANT, StaticOnlyURLFetcher

    font = path2url(str(STATIC / "vendor/vazirmatn/ttf/Vazirmatn-Regular.ttf"))
    html = (
        '<html lang="fa" dir="rtl"><head><style>'
        f'@font-face {{ font-family: Vazirmatn; src: url("{font}"); }}'
        "@page { size: A4 landscape; margin: 0 }"
        "body { font-family: Vazirmatn; font-size: 40pt; margin: 0 }"
        "section { height: 210mm; text-align: center } section + section { break-before: page }"
        "</style></head><body>" + "<section>لوح تقدیر</section>" * n + "</body></html>"
    )
    start, cpu = time.perf_counter(), _cpu_seconds()
    pdf = HTML(string=html, url_fetcher=StaticOnlyURLFetcher(STATIC)).write_pdf(pdf_variant=PDF_VARIANT)
    return _result(n, time.perf_counter() - start, _cpu_seconds() - cpu, len(pdf))


MODES = {"naive": mode_naive, "bulk": mode_bulk, "bulk_cold": mode_bulk_cold, "floor": mode_floor,
         "single": mode_single, "zip": mode_zip, "start": mode_start}


def run_child(mode: str, n: int, args: argparse.Namespace) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        mode,
        "--n",
        str(n),
        "--chunk-size",
        str(args.chunk_size),
        "--workers",
        str(args.workers),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"{mode} N={n} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, nargs="+", default=[200, 1300], help="certificate counts")
    parser.add_argument(
        "--naive-sample", type=int, default=100, help="naive run size above which we extrapolate"
    )
    parser.add_argument(
        "--single-sample", type=int, default=300, help="one-document run size above which we extrapolate"
    )
    parser.add_argument("--no-zip", action="store_true", help="skip the ZIP (per-document, pooled) run")
    parser.add_argument("--chunk-size", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", choices=sorted(MODES), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = MODES[args.child](args.n[0], chunk_size=args.chunk_size, workers=args.workers)
        print(json.dumps(result))
        return

    import weasyprint

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}; "
        f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}; "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )
    print(
        "CPU ms/page (user+system, all processes) is shown too: wall-clock rates depend on what else "
        "the machine is doing."
    )
    print(f"bulk = render_many_chunked(workers={args.workers}, chunk_size={args.chunk_size})\n")
    for n in args.n:
        naive_n = min(n, args.naive_sample)
        naive = run_child("naive", naive_n, args)
        bulk = run_child("bulk", n, args)
        cold = run_child("bulk_cold", n, args)
        single = run_child("single", min(n, args.single_sample), args)
        one_line = run_child("floor", n, args)
        zipped = None if args.no_zip else run_child("zip", n, args)
        started = run_child("start", n, args)
        note = ""
        if naive_n != n:
            note = f"  (measured on {naive_n}, extrapolated to {n}: {n / naive['pages_per_s']:.0f} s)"
        speedup = bulk["pages_per_s"] / naive["pages_per_s"]
        per_worker = bulk["pages_per_s"] / args.workers
        floor = single["pages_per_s"]
        print(f"N = {n}")
        print(
            f"  naive per-document : {naive['pages_per_s']:7.1f} pages/s  "
            f"[{naive['cpu_ms_per_page']:.0f} ms CPU/page]{note}"
        )
        print(
            f"  bulk ({args.workers} workers)   : {bulk['pages_per_s']:7.1f} pages/s  "
            f"[{bulk['cpu_ms_per_page']:.0f} ms CPU/page, all processes, worker start included]  "
            f"{bulk['seconds']:.1f} s, {bulk['bytes'] / 1e6:.1f} MB PDF; "
            f"{speedup:.1f}x naive; {per_worker:.1f} pages/s per worker; workers started with the consumer"
        )
        # On a loaded machine wall rates say little; the CPU each side spent does not depend on the load. With
        # idle cores the workers run side by side and the parent merges meanwhile, so a job takes about the
        # larger of one worker's share and the parent's CPU.
        # Each worker's CPU during the job, read from /proc before and after it (not the workers' whole lives
        # less a start-up measured in another run, which carried that run's noise).
        worker_cpu = sum(bulk["job_workers_cpu"]) / args.workers
        idle_per_worker = n / args.workers / max(worker_cpu, bulk["parent_cpu"])
        idle_floor = 1000 / single["cpu_ms_per_page"]
        print(
            f"  by CPU time        : each worker {worker_cpu:.1f} s "
            f"({', '.join(f'{spent:.1f}' for spent in bulk['job_workers_cpu'])}), "
            f"the parent (merge) {bulk['parent_cpu']:.1f} s, "
            f"starting the pool {started['workers_cpu']:.1f} s CPU ({started['seconds']:.1f} s wall, not in a job); "
            f"on idle cores about {idle_per_worker:.1f} pages/s per worker = "
            f"{idle_per_worker / idle_floor:.2f}x the floor's {idle_floor:.1f}"
        )
        print(
            f"  bulk, cold start   : {cold['pages_per_s']:7.1f} pages/s  {cold['seconds']:.1f} s "
            f"(the pool started inside the timing: {cold['pages_per_s'] / args.workers / floor:.2f}x the floor "
            "per worker)"
        )
        print(
            f"  floor (one doc)    : {floor:7.1f} pages/s  "
            f"[{single['cpu_ms_per_page']:.1f} ms CPU/page]  our certificate, one process"
            + (f" (measured on {single['pages']})" if single["pages"] != n else "")
            + f"; bulk per worker = {per_worker / floor:.2f}x the floor"
        )
        print(
            f"  one-line page      : {one_line['pages_per_s']:7.1f} pages/s  "
            f"[{one_line['cpu_ms_per_page']:.1f} ms CPU/page]  (the withdrawn floor: not a certificate)"
        )
        if zipped:
            print(
                f"  zip ({args.workers} workers)    : {zipped['pages_per_s']:7.1f} pages/s  "
                f"[{zipped['cpu_ms_per_page']:.0f} ms CPU/page, all processes]  {zipped['seconds']:.1f} s, "
                f"{zipped['bytes'] / 1e6:.1f} MB ZIP of one PDF/A each"
            )
        print(
            f"  peak memory (bulk) : parent {bulk['self_mb']:.0f} MB, "
            f"largest worker {bulk['children_mb']:.0f} MB "
            f"(all at once at most {bulk['self_mb'] + args.workers * bulk['children_mb']:.0f} MB)"
        )
        targets = [
            ("bulk >= 5x naive", speedup >= 5),
            ("bulk >= 0.8x the floor per worker (wall)", per_worker >= 0.8 * floor),
            ("the same by CPU time", idle_per_worker >= 0.8 * idle_floor),
            ("peak < 300 MB per process", max(bulk["self_mb"], bulk["children_mb"]) < 300),
        ]
        print("  targets: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in targets))
        print(f"  load average after: {os.getloadavg()[0]:.2f}")
        print()


if __name__ == "__main__":
    main()
