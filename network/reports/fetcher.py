"""The only way a report's PDF may load anything: the portal's own static files and data:.

User text is escaped by the templates, so it cannot add elements; this fetcher is the
second wall. No network (169.254.169.254 and friends), no file: URLs, no redirects: a URL
that is not `<BASE>/static/<path inside a static directory>` or `data:` raises.
"""

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The PDF's base URL. It names no real host: nothing is ever fetched from it, the fetcher
# maps its /static/ paths to files on disk.
BASE_URL = "https://portal.invalid/"
STATIC_PREFIX = BASE_URL + "static/"

CONTENT_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}


class ForbiddenURL(ValueError):
    pass


def _static_roots() -> list[Path]:
    roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_path(url: str) -> Path:
    """The file behind a /static/ URL of the PDF; ForbiddenURL for anything else."""
    if not url.startswith(STATIC_PREFIX):
        raise ForbiddenURL(url)
    parts = urlsplit(url)
    relative = unquote(parts.path)[len("/static/") :]
    pure = PurePosixPath(relative)
    if not relative or pure.is_absolute() or ".." in pure.parts or "\\" in relative:
        raise ForbiddenURL(url)
    suffix = pure.suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise ForbiddenURL(url)
    found = finders.find(str(pure))
    if not found:
        raise ForbiddenURL(url)
    path = Path(found).resolve()
    if not any(path.is_relative_to(root) for root in _static_roots()):
        raise ForbiddenURL(url)  # a symlink out of the static directory
    return path


class SafeURLFetcher(URLFetcher):
    """Records every URL asked for (tests read `requested`), answers only safe ones."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=["data", "https"], allow_redirects=False, **kwargs)
        self.requested: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        if url.startswith("data:"):
            response = super().fetch(url, headers)
        else:
            path = static_path(url)
            response = URLFetcherResponse(
                url,
                path.read_bytes(),
                {"Content-Type": CONTENT_TYPES[path.suffix.lower()]},
            )
        self.served.append(url)
        return response
