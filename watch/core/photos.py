"""Photo uploads: checked, re-encoded without metadata (EXIF, GPS) and bounded; each domain stores its own."""
from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from watch.core.errors import ServiceError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass
class Prepared:
    """A photo ready to be written: JPEG bytes without metadata."""

    data: bytes
    width: int
    height: int
    filename: str


def _bad(code: str, message) -> ServiceError:
    return ServiceError(code, message, 422, field="photos")


def prepare(raw: bytes) -> Prepared:
    """Check and re-encode one upload; a ServiceError for anything that is not a sane image."""
    cfg = current_app.config
    if not raw:
        raise _bad("photo_empty", _l("The photo is empty."))
    if len(raw) > cfg["ALERTS_PHOTO_MAX_BYTES"]:
        mb = cfg["ALERTS_PHOTO_MAX_BYTES"] / (1024 * 1024)
        raise _bad("photo_too_large", _l("A photo can be at most %(mb).0f MB.", mb=mb))
    max_pixels = int(cfg["ALERTS_PHOTO_MAX_PIXELS"])
    # Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; both are refusals here.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise _bad("photo_type", _l("Send a photo as JPEG, PNG or WebP."))
                if probe.width * probe.height > max_pixels:
                    raise _bad("photo_bomb", _l("The photo has too many pixels."))
                probe.verify()
            with Image.open(io.BytesIO(raw)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "L"):
                    rgba = image.convert("RGBA")
                    image = Image.new("RGB", rgba.size, (255, 255, 255))
                    image.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    image = image.convert("RGB")
                bound = int(cfg["ALERTS_PHOTO_MAX_DIMENSION"])
                image.thumbnail((bound, bound))
                out = io.BytesIO()
                # A fresh image saved without exif=: no metadata survives.
                image.save(out, "JPEG", quality=85, optimize=True)
    except ServiceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bad("photo_bomb", _l("The photo has too many pixels."))
    except UnidentifiedImageError:
        raise _bad("photo_type", _l("Send a photo as JPEG, PNG or WebP."))
    except (OSError, SyntaxError, ValueError):
        raise _bad("photo_broken", _l("The photo is damaged or incomplete. Take it again."))
    return Prepared(out.getvalue(), image.width, image.height, secrets.token_hex(16) + ".jpg")
