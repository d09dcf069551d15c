"""QR codes of credential offer URIs, as PNG and SVG (the ``qrcode`` package).

A by-reference offer URI (OpenID4VCI 1.0 §4.1.3, ``openid-credential-offer://?
credential_offer_uri=…``) is about 100 characters, which fits a version 5–7 symbol at
error-correction level M: large enough modules for a phone camera reading a laptop screen.
The quiet zone is the 4 modules ISO/IEC 18004 asks for. No I/O, no clock: the same text
gives the same bytes.
"""

from __future__ import annotations

import io
from typing import Final

import qrcode
import qrcode.constants
import qrcode.image.svg

PNG_MEDIA_TYPE: Final = "image/png"
SVG_MEDIA_TYPE: Final = "image/svg+xml"
BOX_SIZE: Final = 8
BORDER: Final = 4
MAX_TEXT: Final = 2048


def _symbol(text: str) -> qrcode.QRCode:
    if not text or len(text) > MAX_TEXT:
        raise ValueError(f"a QR code text has 1 to {MAX_TEXT} characters")
    symbol = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=BOX_SIZE, border=BORDER
    )
    symbol.add_data(text)
    symbol.make(fit=True)
    return symbol


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the symbol for ``text`` (True = dark), quiet zone included."""
    return [list(row) for row in _symbol(text).get_matrix()]


def qr_png(text: str) -> bytes:
    """A black-on-white PNG of the symbol for ``text``."""
    image = _symbol(text).make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def qr_svg(text: str) -> bytes:
    """A standalone SVG (one path, scalable) of the symbol for ``text``."""
    image = _symbol(text).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()
