"""HTML to PDF with WeasyPrint (the ``pdf`` extra), fetching nothing from outside.

The document embeds its stylesheet and the owner's logo (as a data: URI);
where WeasyPrint allows it (version 66 and later), its fetcher is limited to
data: URIs, so nothing named in a document is ever opened.
"""

from __future__ import annotations


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (Pango) are not installed."""


def html_to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: Pango is missing
        raise PdfUnavailable(str(error)) from error
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # older WeasyPrint: the document names nothing but data: URIs
        fetcher = None
    else:
        fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
