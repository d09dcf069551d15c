"""QR codes of authorization request links (OpenID4VP 1.0 §5.6, cross-device flow)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    _code(data).make_image().save(buffer)
    return buffer.getvalue()


def qr_svg(data: str) -> bytes:
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return bytes(image.to_string(encoding="unicode").encode("utf-8"))
