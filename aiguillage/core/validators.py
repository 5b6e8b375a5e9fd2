"""Validators shared by every app: codes of the French administration, colours, hours."""

from __future__ import annotations

import re
from pathlib import PurePath

import opening_hours
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from aiguillage.core.colors import MIN_CONTRAST, contrast_ratio, parse_hex_color

# INSEE commune code: 2 digits (or 2A/2B for Corsica) then 3 digits; overseas start with 97.
INSEE_CODE_PATTERN = r"^(?:[013-9]\d|2[AB1-9])\d{3}$"
POSTCODE_PATTERN = r"^\d{5}$"
HEX_COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"

validate_insee_code = RegexValidator(
    INSEE_CODE_PATTERN, _("Un code commune INSEE a 5 caractères, par exemple 34145 ou 2A004.")
)
validate_postcode = RegexValidator(
    POSTCODE_PATTERN, _("Un code postal a 5 chiffres, par exemple 34400.")
)
validate_siret = RegexValidator(
    r"^(\d{9}|\d{14})$",
    _("Un SIRET a 14 chiffres (ou un SIREN 9), sans espaces, par exemple 21340142600015."),
)
validate_hex_color = RegexValidator(
    HEX_COLOR_PATTERN, _("Une couleur s'écrit #RRGGBB, par exemple #1d4f91.")
)


def validate_opening_hours(value: str) -> None:
    """Accept only what OpenStreetMap tools (and both open-data standards) can read."""
    if not value:
        return
    try:
        opening_hours.OpeningHours(value)
    except (opening_hours.ParserError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise ValidationError(
            _(
                "Horaires illisibles au format OpenStreetMap (exemple : "
                "« Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00 »). %(detail)s"
            ),
            code="opening_hours",
            params={"detail": first_line},
        ) from exc


def validate_header_color(value: str) -> None:
    """The network colour is the header background under white text: it must stay readable."""
    validate_hex_color(value)
    ratio = contrast_ratio(parse_hex_color(value), (255, 255, 255))
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "Cette couleur est trop claire pour un texte blanc (contraste %(ratio).1f:1, "
                "il faut au moins 4,5:1). Choisissez une teinte plus foncée."
            ),
            code="contrast",
            params={"ratio": ratio},
        )


def is_valid_insee_code(value: str) -> bool:
    return bool(re.match(INSEE_CODE_PATTERN, value or ""))


# A network's logo: a raster image, small. SVG is refused: it is a document that can
# carry scripts, run on our origin by anyone who opens its address (docs/security.md).
LOGO_MAX_BYTES = 512 * 1024
LOGO_FORMATS = {  # extension: what the file must start with
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "webp": (b"RIFF",),  # then the size, then WEBP (checked below)
}


def _head(file, size: int = 12) -> bytes:
    try:
        file.seek(0)
        head = file.read(size)
        file.seek(0)
    except (OSError, ValueError):
        return b""
    return head or b""


def validate_logo(file) -> None:
    """PNG, JPEG or WebP by its name *and* its first bytes, at most LOGO_MAX_BYTES."""
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in LOGO_FORMATS:
        raise ValidationError(
            _(
                "Le logo doit être une image PNG, JPEG ou WebP. Le SVG n'est pas accepté : "
                "il peut contenir du code."
            ),
            code="logo_format",
        )
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Le logo pèse trop lourd : %(max)s Ko au plus."),
            code="logo_size",
            params={"max": LOGO_MAX_BYTES // 1024},
        )
    head = _head(file)
    starts_right = head.startswith(LOGO_FORMATS[extension])
    if extension == "webp":
        starts_right = starts_right and head[8:12] == b"WEBP"
    if not starts_right:
        raise ValidationError(
            _("Ce fichier n'est pas l'image %(format)s que son nom annonce."),
            code="logo_content",
            params={"format": extension.upper()},
        )


LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\x0b\x0c]")


def single_line(value: str) -> str:
    """The text on one line, runs of spaces made one: what a header, a subject or a
    calendar line can carry (a line break there loses the e-mail or breaks the .ics)."""
    return " ".join(str(value).split())


def validate_single_line(value: str) -> None:
    if LINE_BREAKS.search(value or ""):
        raise ValidationError(
            _("Écrivez-le sur une seule ligne, sans retour à la ligne."), code="single_line"
        )
