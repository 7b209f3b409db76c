"""HTML of a report → tagged PDF (PDF/UA-1, A4) with WeasyPrint and the safe fetcher."""

from weasyprint import HTML

from .fetcher import BASE_URL, SafeURLFetcher


def html_to_pdf(html: str, fetcher: SafeURLFetcher | None = None) -> bytes:
    fetcher = fetcher or SafeURLFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1")
