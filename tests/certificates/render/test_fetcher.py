"""The locked-down URL fetcher: every refusal and every allowance of StaticOnlyURLFetcher."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint import HTML
from weasyprint.urls import URLFetchingError, path2url

from awards.certificates.render import StaticOnlyURLFetcher
from tests.certificates.render.helpers import embedded_files, page_text


@pytest.fixture
def sandbox(tmp_path) -> Path:
    """A static dir with a positive control, and secrets beside it that must stay unread."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text('.ok::before { content: "ALLOWED-STYLE"; }')
    (tmp_path / "secret.css").write_text('.ok::after { content: "LEAKED-STYLE"; }')
    (tmp_path / "secret.txt").write_text("TOPSECRET-42")
    (static / "link.css").symlink_to(tmp_path / "secret.css")
    return static


def test_fetcher_serves_static_files_and_data_uris(sandbox):
    fetcher = StaticOnlyURLFetcher(sandbox)

    css = fetcher.fetch(path2url(str(sandbox / "ok.css")))
    data = fetcher.fetch("data:text/plain;base64,aGVsbG8=")

    assert css.read() == b'.ok::before { content: "ALLOWED-STYLE"; }'
    assert css.content_type == "text/css"
    assert data.read() == b"hello"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example/etc/passwd",
        "{static}/../secret.txt",
        "{static}/%2e%2e/secret.txt",
        "{static}/link.css",  # symlink pointing outside
        "{static}",  # the directory itself
        "http://127.0.0.1:9/x.png",
        "https://tandis.example/x.png",
        "ftp://127.0.0.1/x",
        "/etc/passwd",
        "../secret.txt",
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_everything_else(sandbox, url):
    fetcher = StaticOnlyURLFetcher(sandbox)
    url = url.format(static=path2url(str(sandbox)).rstrip("/"))

    with pytest.raises(URLFetchingError):
        fetcher.fetch(url)

    assert fetcher.refused == [url]


def test_fetcher_raw_html_fetches_nothing_outside_static(sandbox, http_server):
    base, requests = http_server
    html = f"""<html><head>
      <link rel="stylesheet" href="ok.css"><link rel="stylesheet" href="link.css">
      <link rel="stylesheet" href="../secret.css"><link rel="stylesheet" href="{base}/style.css">
      <link rel="attachment" href="file:///etc/passwd"><link rel="attachment" href="../secret.txt">
      <link rel="attachment" href="{base}/attach.bin">
      <style>@import url("{base}/import.css"); @import url("file:///etc/passwd");
        @font-face {{ font-family: X; src: url("{base}/font.ttf"); }}
        body {{ background: url("{base}/bg.png"); }}</style>
    </head><body><p class="ok">text</p>
      <img src="{base}/img.png"><img src="file:///etc/passwd"><img src="../secret.txt">
      <object data="{base}/object.svg"></object>
      <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{base}/svg.png"/></svg>
    </body></html>"""
    fetcher = StaticOnlyURLFetcher(sandbox)

    # No PDF/A variant here: plain WeasyPrint would embed attachments if the fetcher returned them.
    pdf = HTML(string=html, base_url=path2url(str(sandbox)), url_fetcher=fetcher).write_pdf(
        presentational_hints=False
    )

    assert requests == []
    text = page_text(pdf)
    assert "ALLOWED-STYLE" in text  # the fetcher did serve static/
    assert "LEAKED-STYLE" not in text
    assert b"TOPSECRET-42" not in pdf and b"root:x:" not in pdf
    assert embedded_files(pdf) == []
    assert any(u.startswith(base) for u in fetcher.refused)
    assert any("secret" in u for u in fetcher.refused)
