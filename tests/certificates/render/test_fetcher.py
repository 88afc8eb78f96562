"""The locked-down URL fetcher: every refusal and every allowance of StaticOnlyURLFetcher."""

from __future__ import annotations

import base64
import binascii
import urllib.request
from pathlib import Path

import pytest
from weasyprint import HTML
from weasyprint.urls import URLFetchingError, path2url

from awards.certificates.render import StaticOnlyURLFetcher
from awards.certificates.render import fetcher as fetcher_module
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


# ---------------------------------------------------------------------------------------------
# Construction
# ---------------------------------------------------------------------------------------------


def test_fetcher_refuses_a_static_dir_that_does_not_exist(tmp_path):
    with pytest.raises(ValueError, match="static directory"):
        StaticOnlyURLFetcher(tmp_path / "missing")


def test_fetcher_refuses_a_file_as_static_dir(tmp_path):
    (tmp_path / "file").write_text("x")

    with pytest.raises(ValueError, match="static directory"):
        StaticOnlyURLFetcher(tmp_path / "file")


def test_fetcher_static_dir_given_through_a_symlink_serves_its_files(sandbox, tmp_path):
    (tmp_path / "via").symlink_to(sandbox)
    fetcher = StaticOnlyURLFetcher(tmp_path / "via")

    response = fetcher.fetch(path2url(str(tmp_path / "via" / "ok.css")))

    assert response.read() == b'.ok::before { content: "ALLOWED-STYLE"; }'
    assert response.url == path2url(str(sandbox / "ok.css"))  # the real path, not the link's


# ---------------------------------------------------------------------------------------------
# file: URLs
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def tree(sandbox, tmp_path) -> Path:
    """More of static/: a subfolder, a name that needs escaping, links that stay inside, a sibling folder whose
    name starts like static's, a linked folder leading outside."""
    (sandbox / "img").mkdir()
    (sandbox / "img" / "seal.svg").write_text("<svg/>")
    (sandbox / "a b.css").write_text("SPACED")
    (sandbox / "blob.unknownext").write_bytes(b"\x00\x01")
    (sandbox / "inner-link.css").symlink_to(sandbox / "ok.css")
    (sandbox / "img-link").symlink_to(sandbox / "img")
    (tmp_path / "static-evil").mkdir()
    (tmp_path / "static-evil" / "x.css").write_text("SIBLING")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.css").write_text("OUTSIDE")
    (sandbox / "out-link").symlink_to(tmp_path / "outside")
    return sandbox


@pytest.mark.parametrize(
    ("url", "body", "content_type", "real"),
    [
        ("{static}/ok.css", b'.ok::before { content: "ALLOWED-STYLE"; }', "text/css", "ok.css"),
        ("file://localhost{static_path}/ok.css", b'.ok::before { content: "ALLOWED-STYLE"; }', "text/css", "ok.css"),
        ("FILE://{static_path}/ok.css", b'.ok::before { content: "ALLOWED-STYLE"; }', "text/css", "ok.css"),
        ("file:{static_path}/ok.css", b'.ok::before { content: "ALLOWED-STYLE"; }', "text/css", "ok.css"),  # no //
        ("{static}/img/seal.svg", b"<svg/>", "image/svg+xml", "img/seal.svg"),
        ("{static}/a%20b.css", b"SPACED", "text/css", "a b.css"),
        ("{static}/img/../ok.css", b'.ok::before { content: "ALLOWED-STYLE"; }', "text/css", "ok.css"),
        ("{static}/inner-link.css", b'.ok::before { content: "ALLOWED-STYLE"; }', "text/css", "ok.css"),
        ("{static}/img-link/seal.svg", b"<svg/>", "image/svg+xml", "img/seal.svg"),
        ("{static}/blob.unknownext", b"\x00\x01", "application/octet-stream", "blob.unknownext"),
    ],
)
def test_fetcher_serves_regular_files_inside_static(tree, url, body, content_type, real):
    fetcher = StaticOnlyURLFetcher(tree)
    url = url.format(static=path2url(str(tree)).rstrip("/"), static_path=str(tree))

    response = fetcher.fetch(url)

    assert response.read() == body
    assert response.content_type == content_type
    assert response.url == path2url(str(tree / real))  # links resolved: what is served is what was checked
    assert fetcher.refused == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:ok.css", "relative file path"),
        ("{static}/img", "not a regular file"),
        ("{static}/img/", "not a regular file"),
        ("{static}/missing.css", "not a regular file"),
        ("{static}-evil/x.css", "outside the static directory"),
        ("{static}/out-link/secret.css", "outside the static directory"),
        ("{static}/img/../../secret.txt", "outside the static directory"),
        ("{static}/..%2Fsecret.txt", "outside the static directory"),
        ("file://127.0.0.1{static_path}/ok.css", "remote file URL"),
    ],
)
def test_fetcher_refuses_file_urls_that_are_not_regular_files_inside_static(tree, url, reason):
    fetcher = StaticOnlyURLFetcher(tree)
    url = url.format(static=path2url(str(tree)).rstrip("/"), static_path=str(tree))

    with pytest.raises(URLFetchingError, match=reason):
        fetcher.fetch(url)

    assert fetcher.refused == [url]


def test_fetcher_resolve_static_gives_the_real_path(tree):
    fetcher = StaticOnlyURLFetcher(tree)

    assert fetcher.resolve_static(path2url(str(tree / "inner-link.css"))) == str(tree / "ok.css")
    with pytest.raises(URLFetchingError):
        fetcher.resolve_static(path2url(str(tree / "out-link" / "secret.css")))


# ---------------------------------------------------------------------------------------------
# data: URIs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "body", "content_type"),
    [
        ("data:text/plain;base64,aGVsbG8=", b"hello", "text/plain"),
        ("DATA:text/plain;BASE64,aGVsbG8=", b"hello", "text/plain"),
        ("data:,a%20b", b"a b", "text/plain"),
        ("data:;base64,aGk=", b"hi", "text/plain"),
        ("data:text/css;charset=utf-8,p%7Bcolor:red%7D", b"p{color:red}", "text/css"),
        ("data:image/png;base64,iVBORw0KGgo=", b"\x89PNG\r\n\x1a\n", "image/png"),
    ],
)
def test_fetcher_serves_data_uris(sandbox, url, body, content_type):
    fetcher = StaticOnlyURLFetcher(sandbox)

    response = fetcher.fetch(url)

    assert response.read() == body
    assert response.content_type == content_type
    assert fetcher.refused == []


def test_fetcher_data_uri_keeps_its_parameters(sandbox):
    response = StaticOnlyURLFetcher(sandbox).fetch("data:text/css;charset=utf-8,p")

    assert response.content_type == "text/css"
    assert response.charset == "utf-8"


def test_fetcher_serves_a_data_uri_of_exactly_the_limit(sandbox):
    body = b"\xab" * fetcher_module.MAX_DATA_URI_BYTES
    url = "data:application/octet-stream;base64," + base64.b64encode(body).decode()

    assert StaticOnlyURLFetcher(sandbox).fetch(url).read() == body


@pytest.mark.parametrize("encoding", ["base64", "percent"])
def test_fetcher_refuses_a_data_uri_one_byte_over_the_limit(sandbox, encoding):
    body = b"a" * (fetcher_module.MAX_DATA_URI_BYTES + 1)
    payload = base64.b64encode(body).decode() if encoding == "base64" else body.decode()
    url = "data:text/plain;base64," + payload if encoding == "base64" else "data:text/plain," + payload
    fetcher = StaticOnlyURLFetcher(sandbox)

    with pytest.raises(URLFetchingError, match="too large"):
        fetcher.fetch(url)

    assert fetcher.refused == [url]


def test_fetcher_refuses_an_overlong_data_uri_before_decoding_it(sandbox, monkeypatch):
    def decode(_payload):
        raise AssertionError("decoded")

    monkeypatch.setattr(fetcher_module, "unquote_to_bytes", decode)
    url = "data:," + "a" * (2 * fetcher_module.MAX_DATA_URI_BYTES + 1)

    with pytest.raises(URLFetchingError, match="too large"):
        StaticOnlyURLFetcher(sandbox).fetch(url)


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("data:text/plain;base64", URLFetchingError),  # no comma
        ("data:", URLFetchingError),
        ("data:;base64,aGVsbG8", binascii.Error),  # bad padding
    ],
)
def test_fetcher_refuses_malformed_data_uris(sandbox, url, error):
    fetcher = StaticOnlyURLFetcher(sandbox)

    with pytest.raises(error):
        fetcher.fetch(url)

    assert fetcher.refused == [url]


# ---------------------------------------------------------------------------------------------
# open(): the urllib entry point goes the same way
# ---------------------------------------------------------------------------------------------


def test_fetcher_open_serves_static_files(sandbox):
    assert StaticOnlyURLFetcher(sandbox).open(path2url(str(sandbox / "ok.css"))).read().startswith(b".ok")


@pytest.mark.parametrize("as_request", [False, True])
def test_fetcher_open_refuses_http_without_a_request(sandbox, http_server, as_request):
    base, requests = http_server
    fetcher = StaticOnlyURLFetcher(sandbox)
    url = f"{base}/x.css"

    with pytest.raises(URLFetchingError, match="scheme not allowed"):
        fetcher.open(urllib.request.Request(url) if as_request else url)

    assert requests == []
    assert fetcher.refused == [url]


def test_fetcher_refuses_http_without_a_request(sandbox, http_server):
    base, requests = http_server
    fetcher = StaticOnlyURLFetcher(sandbox)

    for url in (f"{base}/x.css", f"{base.replace('http', 'https')}/x.css", f"{base.upper()}/X.CSS"):
        with pytest.raises(URLFetchingError, match="scheme not allowed"):
            fetcher.fetch(url)

    assert requests == []
    assert len(fetcher.refused) == 3
