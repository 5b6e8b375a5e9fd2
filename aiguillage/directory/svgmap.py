"""The coverage map, drawn by the app itself as SVG from coordinates.

No tile server, no font, no script: a library's network may have no right to send
its staff's browsing to a map provider, and the page must print. The projection is
equirectangular with longitudes shrunk by the cosine of the territory's middle
latitude, which at the scale of an intercommunality (a few tens of km) distorts
distances by well under 1 %.

Each commune is a circle whose area follows its population, filled by distance band
with a colour-blind-safe palette (ColorBrewer RdBu) *and* a pattern (solid, hatched,
dotted, cross-hatched), so the band reads without colour; a commune with no
competent structure within the cap also gets a dashed outline. Every shape has a dark
outline for contrast on the light background (WCAG 1.4.11). Each commune carries its
name (the table beside the map lists the same communes), placed beside its circle
where it overlaps the fewest other names and circles. The territory is outlined by
the convex envelope of the communes' circles, drawn from the coordinates the app
already holds (no boundary file: it is an envelope, not the administrative limit,
and the legend says so). The SVG is an image for assistive technologies
(``role="img"``, ``<title>`` and ``<desc>`` with a summary); the page's table beside
it carries the detail.

Every piece of text goes through ``escape``; only the finished document is marked
safe.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aiguillage.core.geo import KM_PER_DEGREE_LATITUDE
from aiguillage.directory.coverage import (
    CommuneDistance,
    NeedCoverage,
    StructurePoint,
    TerritoryCommune,
    TerritoryCoverage,
    band_labels,
)

INK = "#1a1a1a"  # outlines and text: 17:1 on the background
BACKGROUND = "#f7f7f7"
FRAME = "#767676"  # 4.5:1 on white
NEUTRAL = "#bababa"  # communes when no need is chosen
OUTLINE = "#5e3c99"  # the territory's envelope: 8:1 on the background, unlike any band
HALO = "#ffffff"  # behind the names, so that they read over circles and hatching
# One (fill, pattern) per distance band, nearest first (ColorBrewer RdBu, 4 classes).
BAND_STYLES: tuple[tuple[str, str], ...] = (
    ("#0571b0", "solid"),
    ("#92c5de", "hatch"),
    ("#f4a582", "dots"),
    ("#ca0020", "cross"),
)

PADDING = 12
MARGIN_KM = 3.0  # at least this much land around the outermost communes
MARGIN_SHARE = 0.08  # or this share of the territory's larger side
MIN_RADIUS = 6.0  # small enough for a hamlet, large enough to show its pattern
LEGEND_ROW = 24
FONT = 'font-family="sans-serif" font-size="13"'
LABEL_SIZE = 11.0
LABEL_FONT = f'font-family="sans-serif" font-size="{LABEL_SIZE:.0f}"'
# Width of a character of the label font, generous (capitals, accents): a label's box
# is estimated, since the server measures no text.
LABEL_CHAR_WIDTH = 0.6 * LABEL_SIZE
LABEL_GAP = 3.0  # between a circle and its name
OUTLINE_MARGIN = 8.0  # between the outermost circles and the territory's outline
OUTLINE_SAMPLES = 16  # points per circle when taking the envelope
STRUCTURE_SIZE = 8.0
UNREACHED_DASH = "4 3"  # outline of a commune with nothing within the cap
NICE_KM = (1, 2, 5, 10, 20, 50, 100)


def coverage_map_svg(
    coverage: TerritoryCoverage,
    *,
    need: NeedCoverage | None = None,
    width: int = 640,
    title: str | None = None,
    id_prefix: str = "carte-couverture",
) -> SafeString:
    """The territory's served communes and structures as an inline SVG document.

    With ``need``, communes are coloured by their distance to the nearest structure
    covering it and only those structures are drawn; without, communes are neutral
    and every candidate structure is drawn. ``id_prefix`` keeps the ids unique when a
    page shows several maps. Structures outside the frame (the territory plus a small
    margin) are not drawn; the table names each commune's nearest one wherever it is.
    """
    width = max(int(width), 240)
    prefix = escape(id_prefix)
    inner = width - 2 * PADDING
    communes = coverage.communes
    heading = title or (
        _("Distance au service compétent le plus proche : %(need)s") % {"need": need.name}
        if need is not None
        else _("Communes desservies et structures du territoire")
    )

    if not communes:
        return _document(
            width=width,
            height=2 * PADDING + 60,
            prefix=prefix,
            heading=heading,
            description=_("Aucune commune desservie n'a de coordonnées : pas de carte."),
            body=(
                f'<text x="{width / 2:.1f}" y="{PADDING + 34}" text-anchor="middle" {FONT} '
                f'fill="{INK}">{escape(_("Aucune commune localisée"))}</text>'
            ),
            defs="",
        )

    projection = _Projection(communes, inner_width=inner, max_height=inner)
    map_height = projection.height
    body: list[str] = [
        f'<rect x="{PADDING}" y="{PADDING}" width="{inner}" height="{map_height:.1f}" '
        f'fill="{BACKGROUND}" stroke="{FRAME}"/>'
    ]

    structures: dict[int, StructurePoint] = {}  # one square per place, duplicates merged
    for s in sorted(coverage.structures, key=lambda s: (s.place_id, s.id)):
        if (need is None or need.need_id in s.need_ids) and projection.contains(s):
            structures.setdefault(s.place_id, s)
    largest = max((c.population or 0 for c in communes), default=0)
    max_radius = max(MIN_RADIUS * 2, width / 36)
    distances = (
        need.communes if need is not None else [CommuneDistance(c, None, None) for c in communes]
    )
    # Largest first, so that small communes stay visible on top of their neighbours.
    by_size = sorted(distances, key=lambda r: -(r.commune.population or 0))  # stable
    discs = [
        (
            row.commune,
            *projection.point(row.commune.latitude, row.commune.longitude),
            _radius(row.commune.population, largest, max_radius),
        )
        for row in by_size
    ]
    body.append(_territory_outline(discs))
    for row, (_commune, _x, _y, radius) in zip(by_size, discs, strict=True):
        body.append(
            _commune_circle(
                row,
                projection=projection,
                radius=radius,
                prefix=prefix,
                coloured=need is not None,
                max_km=coverage.max_km,
            )
        )
    for structure in structures.values():
        body.append(_structure_square(structure, projection))
    frame = (PADDING, PADDING, PADDING + inner, PADDING + map_height)
    squares = []
    for structure in structures.values():
        x, y = projection.point(structure.latitude, structure.longitude)
        half = STRUCTURE_SIZE / 2 + 1
        squares.append((x - half, y - half, x + half, y + half))
    body.extend(_commune_labels(discs, frame=frame, obstacles=squares))
    body.append(_scale_bar(projection, width=inner))

    legend_top = PADDING + map_height + PADDING
    legend, legend_rows = _legend(need=need, top=legend_top, prefix=prefix, max_km=coverage.max_km)
    body.extend(legend)
    height = legend_top + legend_rows * LEGEND_ROW + PADDING
    return _document(
        width=width,
        height=height,
        prefix=prefix,
        heading=heading,
        description=_description(coverage, need=need, structures_drawn=len(structures)),
        body="".join(body),
        defs=_patterns(prefix) if need is not None else "",
    )


class _Projection:
    """Degrees to pixels: equirectangular, longitudes scaled by cos(middle latitude)."""

    def __init__(
        self, communes: Iterable[TerritoryCommune], *, inner_width: float, max_height: float
    ) -> None:
        latitudes = [c.latitude for c in communes]
        longitudes = [c.longitude for c in communes]
        middle = (min(latitudes) + max(latitudes)) / 2
        self.shrink = math.cos(math.radians(middle))
        span_km = max(
            (max(latitudes) - min(latitudes)) * KM_PER_DEGREE_LATITUDE,
            (max(longitudes) - min(longitudes)) * KM_PER_DEGREE_LATITUDE * self.shrink,
        )
        margin = max(MARGIN_KM, span_km * MARGIN_SHARE) / KM_PER_DEGREE_LATITUDE
        self.min_latitude = min(latitudes) - margin
        self.max_latitude = max(latitudes) + margin
        self.min_longitude = min(longitudes) - margin / self.shrink
        self.max_longitude = max(longitudes) + margin / self.shrink
        x_span = (self.max_longitude - self.min_longitude) * self.shrink
        y_span = self.max_latitude - self.min_latitude
        self.scale = min(inner_width / x_span, max_height / y_span)  # pixels per degree lat
        self.height = y_span * self.scale
        self.offset_x = PADDING + (inner_width - x_span * self.scale) / 2

    @property
    def pixels_per_km(self) -> float:
        return self.scale / KM_PER_DEGREE_LATITUDE

    def point(self, latitude: float, longitude: float) -> tuple[float, float]:
        x = self.offset_x + (longitude - self.min_longitude) * self.shrink * self.scale
        y = PADDING + (self.max_latitude - latitude) * self.scale
        return x, y

    def contains(self, structure: StructurePoint) -> bool:
        return (
            self.min_latitude <= structure.latitude <= self.max_latitude
            and self.min_longitude <= structure.longitude <= self.max_longitude
        )


def _document(
    *, width: int, height: float, prefix: str, heading: str, description: str, body: str, defs: str
) -> SafeString:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="coverage-map" role="img" '
        f'width="{width}" height="{height:.0f}" viewBox="0 0 {width} {height:.0f}" '
        f'aria-labelledby="{prefix}-title {prefix}-desc">'
        f'<title id="{prefix}-title">{escape(heading)}</title>'
        f'<desc id="{prefix}-desc">{escape(description)}</desc>'
        f"{f'<defs>{defs}</defs>' if defs else ''}"
        f"{body}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text above went through escape()


def _patterns(prefix: str) -> str:
    """One fill per band: the band's colour plus its own texture."""
    defs = []
    for band, (colour, texture) in enumerate(BAND_STYLES):
        pattern_id = f"{prefix}-band-{band}"
        if texture == "solid":
            mark = ""
        elif texture == "hatch":
            mark = f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="1.6"/>'
        elif texture == "dots":
            mark = f'<circle cx="3" cy="3" r="1.3" fill="{INK}"/>'
        else:
            mark = '<path d="M0 3H6M3 0V6" stroke="#ffffff" stroke-width="1.6"/>'
        rotate = ' patternTransform="rotate(45)"' if texture in ("hatch", "cross") else ""
        defs.append(
            f'<pattern id="{pattern_id}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse"{rotate}>'
            f'<rect width="6" height="6" fill="{colour}"/>{mark}</pattern>'
        )
    return "".join(defs)


def _radius(population: int | None, largest: int, max_radius: float) -> float:
    """Area proportional to population, never below ``MIN_RADIUS``."""
    if not population or not largest:
        return MIN_RADIUS
    return max(MIN_RADIUS, max_radius * math.sqrt(population / largest))


def _commune_circle(
    row: CommuneDistance,
    *,
    projection: _Projection,
    radius: float,
    prefix: str,
    coloured: bool,
    max_km: float,
) -> str:
    x, y = projection.point(row.commune.latitude, row.commune.longitude)
    commune = row.commune
    label = commune.name
    if commune.population is not None:
        label = _("%(name)s (%(population)s hab.)") % {
            "name": commune.name,
            "population": number_format(commune.population, force_grouping=True),
        }
    dashed = ""  # the stroke-dasharray attribute of a commune with nothing within the cap
    if not coloured:
        fill = NEUTRAL
    else:
        fill = f"url(#{prefix}-band-{row.band})"
        if row.distance_km is None:
            dashed = f' stroke-dasharray="{UNREACHED_DASH}"'
            label = _("%(commune)s : aucune structure compétente à moins de %(km)s km") % {
                "commune": label,
                "km": number_format(max_km, decimal_pos=0),
            }
        else:
            label = _("%(commune)s : %(km)s km, %(structure)s") % {
                "commune": label,
                "km": number_format(row.distance_km, decimal_pos=1),
                "structure": row.structure.name,
            }
    return (
        f'<circle class="commune" cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{fill}" '
        f'stroke="{INK}" stroke-width="{2 if dashed else 1.2}"{dashed}>'
        f"<title>{escape(label)}</title></circle>"
    )


def convex_hull(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull, counter-clockwise in the SVG's y-down frame (Andrew's chain).

    Fewer than three distinct points give them back (sorted): no area to enclose.
    """
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for point in unique:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], point) <= 0:
            lower.pop()
        lower.append(point)
    upper: list[tuple[float, float]] = []
    for point in reversed(unique):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], point) <= 0:
            upper.pop()
        upper.append(point)
    return lower[:-1] + upper[:-1]


def _territory_outline(discs: list[tuple[TerritoryCommune, float, float, float]]) -> str:
    """The envelope of the communes' circles, widened by a margin: one closed path.

    Taken over points around each circle, so that one or two communes still get a
    closed outline (a disc, a capsule) and the outline never cuts a circle.
    """
    points = []
    for _commune, x, y, radius in discs:
        reach = radius + OUTLINE_MARGIN
        for step in range(OUTLINE_SAMPLES):
            angle = 2 * math.pi * step / OUTLINE_SAMPLES
            points.append(
                (round(x + reach * math.cos(angle), 1), round(y + reach * math.sin(angle), 1))
            )
    hull = convex_hull(points)
    path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in hull) + "Z"
    return (
        f'<path class="territory" d="{path}" fill="#ffffff" stroke="{OUTLINE}" '
        f'stroke-width="2.5" stroke-linejoin="round"/>'
    )


def _commune_labels(
    discs: list[tuple[TerritoryCommune, float, float, float]],
    *,
    frame: tuple[float, float, float, float],
    obstacles: list[tuple[float, float, float, float]],
) -> list[str]:
    """Every commune's name beside its circle: biggest communes placed first, each at
    the candidate spot (right, left, above, below, then the diagonals) that leaves the
    frame least and overlaps the fewest names already placed, circles and structures."""
    circles = [(x - r, y - r, x + r, y + r) for _c, x, y, r in discs]
    placed: list[tuple[float, float, float, float]] = []
    labels = []
    for index, (commune, x, y, radius) in enumerate(discs):
        width = len(commune.name) * LABEL_CHAR_WIDTH
        best = None
        for rank, (box, anchor_x, baseline, anchor) in enumerate(_label_spots(x, y, radius, width)):
            outside = _area(box) - _overlap(box, frame)
            crowd = sum(_overlap(box, other) for other in placed)
            covered = sum(_overlap(box, c) for i, c in enumerate(circles) if i != index)
            covered += 10 * sum(_overlap(box, square) for square in obstacles)
            score = (1000 * outside + 10 * crowd + covered, rank)
            if best is None or score < best[0]:
                best = (score, box, anchor_x, baseline, anchor)
        _score, box, anchor_x, baseline, anchor = best
        placed.append(box)
        labels.append(
            f'<text class="commune-label" x="{anchor_x:.1f}" y="{baseline:.1f}" '
            f'text-anchor="{anchor}" {LABEL_FONT} fill="{INK}" stroke="{HALO}" '
            f'stroke-width="3" stroke-linejoin="round" paint-order="stroke">'
            f"{escape(commune.name)}</text>"
        )
    return labels


def _label_spots(x: float, y: float, radius: float, width: float):
    """(box, x, baseline, text-anchor) for each place a name may take around a circle."""
    gap = radius + LABEL_GAP
    height = LABEL_SIZE
    diagonal = radius * 0.7 + LABEL_GAP
    spots = [
        (x + gap, y - height / 2, "start"),  # right
        (x - gap, y - height / 2, "end"),  # left
        (x, y - gap - height, "middle"),  # above
        (x, y + gap, "middle"),  # below
        (x + diagonal, y - diagonal - height, "start"),
        (x + diagonal, y + diagonal, "start"),
        (x - diagonal, y - diagonal - height, "end"),
        (x - diagonal, y + diagonal, "end"),
    ]
    for anchor_x, top, anchor in spots:
        left = {"start": anchor_x, "end": anchor_x - width, "middle": anchor_x - width / 2}[anchor]
        box = (left, top, left + width, top + height)
        yield box, anchor_x, top + height * 0.8, anchor


def _area(box: tuple[float, float, float, float]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _structure_square(structure: StructurePoint, projection: _Projection) -> str:
    x, y = projection.point(structure.latitude, structure.longitude)
    half = STRUCTURE_SIZE / 2
    return (
        f'<rect class="structure" x="{x - half:.1f}" y="{y - half:.1f}" width="{STRUCTURE_SIZE}" '
        f'height="{STRUCTURE_SIZE}" fill="{INK}" stroke="#ffffff" stroke-width="1.5">'
        f"<title>{escape(structure.name)}</title></rect>"
    )


def _scale_bar(projection: _Projection, *, width: float) -> str:
    """A bar of a round number of km, about a fifth of the map's width."""
    per_km = projection.pixels_per_km
    km = next((k for k in reversed(NICE_KM) if k * per_km <= width / 5), NICE_KM[0])
    length = km * per_km
    x = PADDING + 10
    y = PADDING + projection.height - 12
    return (
        f'<g aria-hidden="true"><path d="M{x:.1f} {y - 5:.1f}V{y:.1f}H{x + length:.1f}'
        f'V{y - 5:.1f}" fill="none" stroke="{INK}" stroke-width="1.5"/>'
        f'<text x="{x + length + 6:.1f}" y="{y:.1f}" {FONT} fill="{INK}">'
        f"{escape(_('%(km)s km') % {'km': km})}</text></g>"
    )


def _legend(
    *, need: NeedCoverage | None, top: float, prefix: str, max_km: float
) -> tuple[list[str], int]:
    entries: list[tuple[str, str]] = []  # (swatch, label)
    cx = PADDING + 10
    if need is None:
        entries.append(
            (
                f'<circle cx="{cx}" cy="{{y}}" r="7" fill="{NEUTRAL}" stroke="{INK}"/>',
                _("commune desservie (surface selon la population)"),
            )
        )
    else:
        labels = band_labels()
        counts = [0] * len(BAND_STYLES)
        for row in need.communes:
            counts[row.band] += 1
        for band, label in enumerate(labels):
            entries.append(
                (
                    f'<circle cx="{cx}" cy="{{y}}" r="7" fill="url(#{prefix}-band-{band})" '
                    f'stroke="{INK}" stroke-width="1.2"/>',
                    ngettext(
                        "%(band)s : %(count)s commune",
                        "%(band)s : %(count)s communes",
                        counts[band],
                    )
                    % {"band": label, "count": counts[band]},
                )
            )
        entries.append(
            (
                f'<circle cx="{cx}" cy="{{y}}" r="7" fill="url(#{prefix}-band-{len(labels) - 1})"'
                f' stroke="{INK}" stroke-width="2" stroke-dasharray="{UNREACHED_DASH}"/>',
                _("contour en pointillés : aucune structure compétente à moins de %(km)s km")
                % {"km": number_format(max_km, decimal_pos=0)},
            )
        )
    entries.append(
        (
            f'<rect x="{cx - 8}" y="{{y_outline}}" width="16" height="12" rx="5" '
            f'fill="#ffffff" stroke="{OUTLINE}" stroke-width="2.5"/>',
            _("contour : enveloppe des communes desservies, pas la limite administrative"),
        )
    )
    half = STRUCTURE_SIZE / 2
    entries.append(
        (
            f'<rect x="{cx - half}" y="{{y_square}}" width="{STRUCTURE_SIZE}" '
            f'height="{STRUCTURE_SIZE}" fill="{INK}" stroke="#ffffff" stroke-width="1.5"/>',
            _("structure compétente") if need is not None else _("structure"),
        )
    )
    parts = []
    for index, (swatch, label) in enumerate(entries):
        y = top + index * LEGEND_ROW + LEGEND_ROW / 2
        parts.append(
            swatch.format(y=f"{y:.1f}", y_square=f"{y - half:.1f}", y_outline=f"{y - 6:.1f}")
            + f'<text x="{cx + 16}" y="{y + 4.5:.1f}" {FONT} fill="{INK}">{escape(label)}</text>'
        )
    return parts, len(entries)


def _description(
    coverage: TerritoryCoverage, *, need: NeedCoverage | None, structures_drawn: int
) -> str:
    """What a sighted reader gets from the map, in sentences."""
    count = len(coverage.communes)
    sentences = [
        ngettext(
            "%(count)s commune desservie, %(population)s habitants.",
            "%(count)s communes desservies, %(population)s habitants.",
            count,
        )
        % {"count": count, "population": number_format(coverage.population, force_grouping=True)}
    ]
    if need is not None:
        bands = []
        for band, label in enumerate(band_labels()):
            rows = [row for row in need.communes if row.band == band]
            bands.append(
                ngettext(
                    "%(band)s : %(count)s commune, %(population)s habitants",
                    "%(band)s : %(count)s communes, %(population)s habitants",
                    len(rows),
                )
                % {
                    "band": label,
                    "count": len(rows),
                    "population": number_format(
                        sum(r.commune.population or 0 for r in rows), force_grouping=True
                    ),
                }
            )
        sentences.append(
            _("Distance à la structure compétente la plus proche : %(bands)s.")
            % {"bands": " ; ".join(bands)}
        )
        if need.unreached_communes:
            sentences.append(
                ngettext(
                    "%(count)s commune n'a aucune structure compétente à moins de %(km)s km.",
                    "%(count)s communes n'ont aucune structure compétente à moins de %(km)s km.",
                    need.unreached_communes,
                )
                % {
                    "count": need.unreached_communes,
                    "km": number_format(coverage.max_km, decimal_pos=0),
                }
            )
    sentences.append(
        ngettext(
            "%(count)s structure figure sur la carte.",
            "%(count)s structures figurent sur la carte.",
            structures_drawn,
        )
        % {"count": structures_drawn}
    )
    if coverage.unlocated_communes:
        sentences.append(
            ngettext(
                "%(count)s commune sans coordonnées n'est pas représentée.",
                "%(count)s communes sans coordonnées ne sont pas représentées.",
                len(coverage.unlocated_communes),
            )
            % {"count": len(coverage.unlocated_communes)}
        )
    sentences.append(
        _(
            "Chaque commune porte son nom ; un contour entoure les communes desservies "
            "(leur enveloppe, pas la limite administrative)."
        )
    )
    sentences.append(_("Le tableau donne le détail par commune."))
    return " ".join(sentences)
