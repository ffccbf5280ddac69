"""A page or document fetched from its address, for ``add-source --url``: the one place,
with ``briefings email``, where briefings uses the network, and never during a build."""

from __future__ import annotations

import urllib.error
import urllib.request

from briefings.urls import web_address_problem

LIMIT = 50 * 1024 * 1024  # bytes: a document, not a data set
SECONDS = 60


class NotDownloaded(Exception):
    """Why the address gave nothing, in the analyst's words."""


def download(url: str) -> tuple[bytes, str, str]:
    """The body at ``url``, its media type (``text/html``) and the address it came from
    after any redirect."""
    if problem := web_address_problem(url):
        raise NotDownloaded(problem)
    request = urllib.request.Request(url, headers={"User-Agent": "briefings add-source"})
    try:
        with urllib.request.urlopen(request, timeout=SECONDS) as response:
            data = response.read(LIMIT + 1)
            media = response.headers.get_content_type()
            final = response.geturl()
    except urllib.error.HTTPError as exc:
        raise NotDownloaded(f"the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NotDownloaded(f"it could not be reached ({reason})") from None
    if len(data) > LIMIT:
        raise NotDownloaded(f"it is larger than {LIMIT // 2**20} MB: save the document and "
                            "add the file")
    return data, media, final
