"""PDFs made with WeasyPrint from our own HTML: the aftercare instructions, a patient's copy
of their data.

WeasyPrint is imported when a PDF is asked for, not when Django starts: it loads Pango
(Debian's ``libpango-1.0-0``, ``libpangoft2-1.0-0`` and ``libharfbuzz-subset0``, which
``make system`` installs) as it is imported, so a server without them still serves every
page, and the download alone answers that it is not available.

The HTML is ours, rendered from our template; WeasyPrint may fetch nothing while it lays
it out (no file, no address): the fetcher refuses every URL.

Importing WeasyPrint turns on Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` for the whole
process (its ``images`` module sets it); a cut-short photo would then be padded and
accepted by the photo upload. It is turned off again here, straight after the import.
"""

from typing import NoReturn

from PIL import ImageFile


class PdfUnavailable(Exception):
    """WeasyPrint or the libraries it needs are missing on this server."""


def _fetch_nothing(url: str, *args: object, **kwargs: object) -> NoReturn:
    raise ValueError("Our PDFs load nothing from outside their own HTML.")


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` (a whole document, its styles inline)."""
    try:
        from weasyprint import HTML  # here, not at the top: see the docstring
    except (ImportError, OSError) as missing:
        raise PdfUnavailable(str(missing)) from missing
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False  # see the docstring
    pdf: bytes = HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()
    return pdf
