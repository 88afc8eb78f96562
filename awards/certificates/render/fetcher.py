"""The locked-down URL fetcher: every resource WeasyPrint wants goes through it.

Certificate text (the citation above all) is untrusted.  Two independent walls keep it harmless:
the renderer's Jinja environment autoescapes everything, so text can never become markup; and every
resource WeasyPrint asks for (stylesheets, fonts, images, attachments) goes through
:class:`StaticOnlyURLFetcher`, which serves ``data:`` URIs (at most ``MAX_DATA_URI_BYTES``) and
regular files inside the project's ``static/`` directory and refuses everything else before any I/O:
no network, no redirects, no ``file:`` outside ``static/`` (checked after ``os.path.realpath``, so
``../`` and symlinks cannot escape).  The renderer also drops attachments from the rendered document
before the PDF is written.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError, path2url

__all__ = ["MAX_DATA_URI_BYTES", "StaticOnlyURLFetcher"]

#: The largest decoded ``data:`` URI served.
MAX_DATA_URI_BYTES = 4 * 1024 * 1024


class StaticOnlyURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only ``data:`` URIs and files under ``static_dir``.

    WeasyPrint 70's :class:`weasyprint.urls.URLFetcher` is a ``urllib.request.OpenerDirector``
    whose ``fetch(url, headers=None)`` must return a :class:`URLFetcherResponse`; WeasyPrint calls
    the fetcher object itself (``__call__`` → ``fetch``) and turns any exception into a logged
    "failed to load" (so a refused resource is simply left out).  :meth:`fetch` is overridden
    completely: the urllib handler chain (HTTP, FTP, proxies, redirects) is never reached.  The
    parent is still initialised with ``allowed_protocols=("data", "file")`` and no redirects, and
    :meth:`open` is overridden too, as a second wall.
    """

    def __init__(self, static_dir: os.PathLike[str] | str) -> None:
        super().__init__(
            timeout=1, allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=False
        )
        self.static_root = os.path.realpath(static_dir)
        if not os.path.isdir(self.static_root):
            raise ValueError(f"static directory does not exist: {static_dir}")
        #: Every URL this fetcher refused, for tests and diagnostics.
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        try:
            if scheme == "data":
                return self._fetch_data(url)
            if scheme == "file":
                return self._fetch_file(url)
            raise URLFetchingError(f"scheme not allowed: {scheme or '(none)'}")
        except Exception:
            self.refused.append(url)
            raise

    def open(self, url, data=None, timeout=None):
        return self.fetch(url if isinstance(url, str) else url.full_url)

    def resolve_static(self, url: str) -> str:
        """Return the real path of a ``file:`` URL if it names a regular file inside ``static/``."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise URLFetchingError("remote file URL not allowed")
        path = url2pathname(unquote(parts.path))
        if not os.path.isabs(path):
            raise URLFetchingError("relative file path not allowed")
        real = os.path.realpath(path)
        if os.path.commonpath((real, self.static_root)) != self.static_root or real == self.static_root:
            raise URLFetchingError("file outside the static directory")
        if not os.path.isfile(real):
            raise URLFetchingError("not a regular file")
        return real

    def _fetch_file(self, url: str) -> URLFetcherResponse:
        real = self.resolve_static(url)
        with open(real, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(real)[0] or "application/octet-stream"
        return URLFetcherResponse(path2url(real), body, {"Content-Type": content_type})

    @staticmethod
    def _fetch_data(url: str) -> URLFetcherResponse:
        header, comma, payload = url[len("data:") :].partition(",")
        if not comma:
            raise URLFetchingError("malformed data URI")
        params = [part.strip() for part in header.split(";")]
        is_base64 = params[-1].lower() == "base64"
        if is_base64:
            params.pop()
        media_type = params[0] if params and params[0] else "text/plain"
        if len(payload) > 2 * MAX_DATA_URI_BYTES:
            raise URLFetchingError("data URI too large")
        raw = unquote_to_bytes(payload)
        body = base64.b64decode(raw, validate=False) if is_base64 else raw
        if len(body) > MAX_DATA_URI_BYTES:
            raise URLFetchingError("data URI too large")
        headers = {"Content-Type": "; ".join([media_type, *params[1:]])}
        return URLFetcherResponse(url, body, headers)
