"""Writing parsed directory rows: create, update in place, leave alone, retire.

Every format's parser yields records (one cleaned row each); this module does the
rest the same way for all of them, in batches so that a national file stays within a
few hundred MiB: a row whose fingerprint (its cleaned values and derived needs) is
the one stored is "unchanged" and costs no write; a known row whose fingerprint
differs is compared with what is stored, and only the fields (and needs) that differ
are written (a row whose values are all the same is still "unchanged"); a row of
the source that the file no longer has is marked inactive, never deleted; places
found in two sources are linked so the desk shows them once. The caller holds the
transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone
from rapidfuzz import fuzz

from aiguillage.catalog.search import normalize
from aiguillage.core.geo import haversine_km
from aiguillage.directory.imports.fields import FieldProblem
from aiguillage.directory.imports.report import ImportReport, RowError, RowWarning
from aiguillage.directory.imports.sql import insert_rows, replace_links, update_rows
from aiguillage.directory.models import Service, Structure
from aiguillage.directory.needs import FRANCE_SERVICES_BOUQUET, NeedMapping

BATCH_SIZE = 1000
SAME_PLACE_KM = 0.05
SAME_NAME_SCORE = 92
FRANCE_SERVICES_PROGRAMME = "France Services"  # lieux dispositif_programmes_nationaux
FRANCE_SERVICES_RESEAU = "france-service"  # data·inclusion reseaux_porteurs
# Fields a structure's covered needs are derived from.
DERIVATION_FIELDS = ("thematiques", "lieux_services", "reseaux_porteurs", "programmes")


@dataclass(slots=True)
class Record:
    """One cleaned row: the values to store, keyed by model field name."""

    line: int
    source_id: str
    values: dict[str, Any]
    parent_source_id: str = ""  # services: the structure's id in the same source
    # Optional values kept as typed, repaired or left out (fields.usable_*): reported
    # once the row is sure to be imported.
    warnings: list[FieldProblem] = field(default_factory=list)


def fingerprint(values: dict[str, Any], need_ids: Iterable[int], parent: str = "") -> str:
    """The row as imported: its values, derived needs and (services) its structure's id."""
    content: list[Any] = [values, sorted(need_ids)]
    if parent:
        content.append(parent)
    payload = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def structure_need_ids(values: dict[str, Any], mapping: NeedMapping) -> frozenset[int]:
    is_france_services = FRANCE_SERVICES_PROGRAMME in values.get(
        "programmes", ()
    ) or FRANCE_SERVICES_RESEAU in values.get("reseaux_porteurs", ())
    operators = FRANCE_SERVICES_BOUQUET if is_france_services else ()
    return mapping.needs_for(
        thematiques=values.get("thematiques", ()),
        lieux_services=values.get("lieux_services", ()),
        reseaux=values.get("reseaux_porteurs", ()),
        operators=operators,
    )


def service_need_ids(values: dict[str, Any], mapping: NeedMapping) -> frozenset[int]:
    return mapping.needs_for(thematiques=values.get("thematiques", ()))


@dataclass
class _Existing:
    pk: int
    source_hash: str
    is_active: bool
    needs_edited: bool
    derivation: dict[str, Any]
    parent_pk: int | None = None  # services: their structure


@dataclass
class BatchWriter:
    """Feeds records of one model and one source to the database, a batch at a time."""

    model: type[Model]
    source: str
    report: ImportReport
    mapping: NeedMapping
    fields: tuple[str, ...]  # the model fields this format sets
    unit: str = "line"  # how the report numbers rows: CSV lines or JSON items
    id_field: str = "id"  # the file's name for the row id, for the report
    now: Any = field(default_factory=timezone.now)
    seen: dict[str, int] = field(default_factory=dict)  # source_id -> line
    touched: list[int] = field(default_factory=list)  # pks created or updated
    left: set[int] = field(default_factory=set)  # services: structures a service moved from
    freed: list[int] = field(default_factory=list)  # twins of the retired rows
    _batch: list[Record] = field(default_factory=list)
    _parents: dict[str, int] = field(default_factory=dict)

    @property
    def is_service(self) -> bool:
        return self.model is Service

    def add(self, record: Record) -> None:
        max_length = self.model._meta.get_field("source_id").max_length
        if len(record.source_id) > max_length:
            self._reject(record, f"longer than {max_length} characters", record.source_id)
            return
        first = self.seen.get(record.source_id)
        if first is not None:
            self._reject(
                record, f"duplicate id, first seen on {self.unit} {first}", record.source_id
            )
            return
        self.seen[record.source_id] = record.line
        self._batch.append(record)
        if len(self._batch) >= BATCH_SIZE:
            self.flush()

    def _reject(self, record: Record, reason: str, value: str, field: str = "") -> None:
        self.report.reject(
            RowError(record.line, field or self.id_field, reason, value, unit=self.unit)
        )

    def mark_seen(self, source_id: str, line: int) -> None:
        """A bad row whose id is known: not imported, but not retired either."""
        self.seen.setdefault(source_id, line)

    def flush(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        if self.is_service:
            batch = self._attach_parents(batch)
        for record in batch:
            for problem in record.warnings:
                self.report.warn(
                    RowWarning(
                        record.line,
                        problem.field,
                        problem.reason,
                        problem.value,
                        unit=self.unit,
                        code=problem.code,
                    )
                )
        existing = self._existing([r.source_id for r in batch])
        to_create, changes, new_needs, derived = [], [], {}, {}
        for record in batch:
            found = existing.get(record.source_id)
            # The fingerprint covers what the file says (and what the catalog derives from
            # it), never what the database added since (a structure's services).
            digest = fingerprint(
                record.values, self._need_ids(record, None), record.parent_source_id
            )
            if found is not None and found.source_hash == digest and found.is_active:
                self.report.unchanged += 1
                continue
            need_ids = self._need_ids(record, found)
            if found is None:
                row = {
                    **record.values,
                    "source": self.source,
                    "source_id": record.source_id,
                    "source_hash": digest,
                    "imported_at": self.now,
                    "is_active": True,
                }
                if self.is_service:
                    row["structure_id"] = self._parents[record.parent_source_id]
                to_create.append(row)
                new_needs[record.source_id] = need_ids
                continue
            changes.append((record, found, digest))
            if not found.needs_edited:
                derived[found.pk] = need_ids
        # Only the rows whose fingerprint differs are compared with what is stored.
        stored = self._stored([found.pk for _record, found, _digest in changes])
        changes = [
            (found.pk, self._changed(record, found, stored[found.pk]), digest)
            for record, found, digest in changes
        ]
        insert_rows(self.model, to_create)
        created = self._pks([row["source_id"] for row in to_create])
        needs = {pk: new_needs[source_id] for source_id, pk in created.items()}
        needs.update(self._changed_needs(derived))
        updates, updated = [], []
        for pk, changed, digest in changes:
            if changed or pk in needs:
                updated.append(pk)
                changed["imported_at"] = changed["updated_at"] = self.now
            else:  # the same values under another fingerprint (the catalog changed)
                self.report.unchanged += 1
            updates.append((pk, {**changed, "source_hash": digest}))
        update_rows(self.model, updates)
        replace_links(self.model, "service_id" if self.is_service else "structure_id", needs)
        self.report.created += len(created)
        self.report.updated += len(updated)
        self.touched.extend([*created.values(), *updated])

    def _stored(self, pks: list[int]) -> dict[int, dict[str, Any]]:
        """The values of the fields this format sets, as stored, by pk."""
        if not pks:
            return {}
        rows = self.model.objects.filter(pk__in=pks).values("pk", *self.fields)
        return {row.pop("pk"): row for row in rows}

    def _changed(self, record: Record, found: _Existing, stored: dict[str, Any]) -> dict[str, Any]:
        """The values of a known row that the file changes: only these are written."""
        changed = {name: value for name, value in record.values.items() if stored[name] != value}
        if self.is_service:
            parent = self._parents[record.parent_source_id]
            if parent != found.parent_pk:
                changed["structure_id"] = parent
                self.left.add(found.parent_pk)
        if not found.is_active:
            changed["is_active"] = True
        return changed

    def _changed_needs(self, derived: dict[int, frozenset[int]]) -> dict[int, frozenset[int]]:
        """The rows among ``derived`` whose stored needs are not the derived ones."""
        if not derived:
            return {}
        owner = "service_id" if self.is_service else "structure_id"
        through = self.model.covered_needs.through.objects
        stored: dict[int, set[int]] = defaultdict(set)
        for pk, need_id in through.filter(**{f"{owner}__in": list(derived)}).values_list(
            owner, "need_id"
        ):
            stored[pk].add(need_id)
        return {pk: ids for pk, ids in derived.items() if stored.get(pk, set()) != ids}

    def _pks(self, source_ids: list[str]) -> dict[str, int]:
        if not source_ids:
            return {}
        rows = self.model.objects.filter(source=self.source, source_id__in=source_ids)
        return dict(rows.values_list("source_id", "pk"))

    def _attach_parents(self, batch: list[Record]) -> list[Record]:
        wanted = {r.parent_source_id for r in batch} - self._parents.keys()
        if wanted:
            self._parents.update(
                Structure.objects.filter(source=self.source, source_id__in=wanted).values_list(
                    "source_id", "pk"
                )
            )
        kept = []
        for record in batch:
            if record.parent_source_id in self._parents:
                kept.append(record)
            else:
                del self.seen[record.source_id]
                self._reject(
                    record,
                    f"no structure with this id in source {self.source!r}; "
                    "import the structures first",
                    record.parent_source_id,
                    field="structure_id",
                )
        return kept

    def _existing(self, source_ids: list[str]) -> dict[str, _Existing]:
        columns = ["source_id", "pk", "source_hash", "is_active"]
        if self.is_service:
            columns.append("structure_id")
        else:
            columns += ["covered_needs_edited", *DERIVATION_FIELDS]
        rows = self.model.objects.filter(source=self.source, source_id__in=source_ids)
        found = {}
        for row in rows.values(*columns):
            found[row["source_id"]] = _Existing(
                pk=row["pk"],
                source_hash=row["source_hash"],
                is_active=row["is_active"],
                needs_edited=row.get("covered_needs_edited", False),
                derivation={k: row[k] for k in DERIVATION_FIELDS if k in row},
                parent_pk=row.get("structure_id"),
            )
        return found

    def _need_ids(self, record: Record, found: _Existing | None) -> frozenset[int]:
        if self.is_service:
            return service_need_ids(record.values, self.mapping)
        values = {**(found.derivation if found else {}), **record.values}
        return structure_need_ids(values, self.mapping)

    def retire_absent(self) -> list[int]:
        """Rows of this source that the file no longer has become inactive.

        A file none of whose rows could be identified (every id missing) retires
        nothing: it says nothing about what the source still lists.
        """
        if not self.seen:
            return []
        active = self.model.objects.filter(source=self.source, is_active=True)
        gone = [pk for pk, sid in active.values_list("pk", "source_id") if sid not in self.seen]
        for chunk in chunks(gone):
            self.model.objects.filter(pk__in=chunk).update(is_active=False, imported_at=self.now)
            if not self.is_service:  # a retired place no longer stands for its twins
                twins = Structure.objects.filter(duplicate_of__in=chunk)
                self.freed.extend(twins.values_list("pk", flat=True))
                twins.update(duplicate_of=None)
        self.report.inactive += len(gone)
        return gone


def refresh_from_services(structure_ids: Iterable[int], mapping: NeedMapping) -> None:
    """A structure described by services (data·inclusion) shows what they offer.

    Its thématiques and reception modes are the union of its active services', and its
    covered needs follow (unless staff edited them).
    """
    for chunk in chunks(list(set(structure_ids))):
        offered: dict[int, dict[str, list[str]]] = defaultdict(
            lambda: {"thematiques": [], "reception_modes": []}
        )
        services = Service.objects.filter(structure_id__in=chunk, is_active=True)
        for structure_id, thematiques, modes in services.values_list(
            "structure_id", "thematiques", "reception_modes"
        ):
            for key, values in (("thematiques", thematiques), ("reception_modes", modes)):
                target = offered[structure_id][key]
                target.extend(v for v in values if v not in target)
        structures = list(Structure.objects.filter(pk__in=chunk))
        needs = {}
        for structure in structures:
            structure.thematiques = sorted(offered[structure.pk]["thematiques"])
            structure.reception_modes = sorted(offered[structure.pk]["reception_modes"])
            structure.general_help = mapping.is_general_help(
                thematiques=structure.thematiques, lieux_services=structure.lieux_services
            )
            if not structure.covered_needs_edited:
                needs[structure.pk] = structure_need_ids(
                    {k: getattr(structure, k) for k in DERIVATION_FIELDS}, mapping
                )
        Structure.objects.bulk_update(
            structures, ["thematiques", "reception_modes", "general_help"]
        )
        replace_links(Structure, "structure_id", needs)


@dataclass(slots=True)
class _Place:
    """A structure as place matching sees it. The whole active directory is held as
    these, so they are slotted, and their name and address are normalised only when
    a comparison needs them."""

    pk: int
    source: str
    raw_name: str
    siret: str
    raw_address: str
    latitude: float | None
    longitude: float | None
    duplicate_of_id: int | None
    _name: str | None = None
    _address: str | None = None

    @classmethod
    def from_row(cls, row: tuple) -> _Place:
        return cls(*row)

    @property
    def name(self) -> str:
        if self._name is None:
            self._name = normalize(self.raw_name)
        return self._name

    @property
    def address(self) -> str:
        if self._address is None:
            self._address = normalize(self.raw_address)
        return self._address


PLACE_COLUMNS = (
    "pk",
    "source",
    "name",
    "siret",
    "address",
    "latitude",
    "longitude",
    "duplicate_of_id",
)


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return int(latitude * 100 // 1), int(longitude * 100 // 1)


def link_same_places(touched: Iterable[int]) -> int:
    """Link each touched structure to the same place known from another source.

    Same place: same SIRET and same address, or the same name (normalised, near
    identical) within 50 m; never two rows of one source. The place known first (the
    smaller pk) stays the one the desk shows: a touched row known after its twin points
    to it; a touched row known before (a place back from inactive) takes its twin
    back. A touched row's twins that are no longer the same place (it moved, it was
    renamed) are set free; rows that pointed to a row that becomes a twin follow it,
    so that links never chain. Returns how many rows were linked or unlinked.
    """
    touched_ids = set(touched)
    if not touched_ids:
        return 0
    by_siret: dict[str, list[_Place]] = defaultdict(list)
    grid: dict[tuple[int, int], list[_Place]] = defaultdict(list)
    known: dict[int, _Place] = {}
    canonical = Structure.objects.active().filter(duplicate_of__isnull=True)
    for row in canonical.values_list(*PLACE_COLUMNS):
        place = _Place.from_row(row)
        known[place.pk] = place
        if place.siret:
            by_siret[place.siret].append(place)
        if place.latitude is not None:
            grid[_cell(place.latitude, place.longitude)].append(place)
    links: dict[int, int | None] = {}  # pk -> its new duplicate_of
    mine: dict[int, _Place] = {}
    for chunk in chunks(sorted(touched_ids)):
        # Most touched rows are canonical, hence already read; the others are twins.
        twins = Structure.objects.active().filter(pk__in=[pk for pk in chunk if pk not in known])
        read = {row[0]: _Place.from_row(row) for row in twins.values_list(*PLACE_COLUMNS)}
        for pk in chunk:
            place = known.get(pk) or read.get(pk)
            if place is None:  # inactive
                continue
            mine[place.pk] = place
            if links.get(place.pk) is not None:  # taken back by an earlier row
                continue
            match = _same_place(place, by_siret, grid, taken=links)
            target = None
            if match is not None and match.pk < place.pk:
                target = match.pk
            elif match is not None:
                links[match.pk] = place.pk  # the twin was known after this place
            if target != place.duplicate_of_id:
                links[place.pk] = target
    for chunk in chunks(list(mine)):
        for row in Structure.objects.filter(duplicate_of__in=chunk).values_list(*PLACE_COLUMNS):
            twin = _Place.from_row(row)
            settled = twin.pk in mine or twin.pk in links
            if not settled and not _is_same(twin, mine[twin.duplicate_of_id]):
                links[twin.pk] = None
    linked = {pk: target for pk, target in links.items() if target is not None}
    for chunk in chunks(list(linked)):
        followers = Structure.objects.filter(duplicate_of__in=chunk)
        for pk, duplicate_of_id in followers.values_list("pk", "duplicate_of_id"):
            if pk not in links:
                links[pk] = linked[duplicate_of_id]
    changed = [Structure(pk=pk, duplicate_of_id=target) for pk, target in links.items()]
    Structure.objects.bulk_update(changed, ["duplicate_of"], batch_size=BATCH_SIZE)
    return len(changed)


def chunks(ids: list[int]) -> Iterator[list[int]]:
    """Ids a batch at a time: an ``IN`` list stays far below SQLite's parameter limit."""
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def _is_same(place: _Place, other: _Place) -> bool:
    if place.pk == other.pk or place.source == other.source:
        return False
    if place.siret and place.siret == other.siret and place.address == other.address:
        return True
    return (
        place.latitude is not None
        and other.latitude is not None
        and fuzz.token_sort_ratio(place.name, other.name) >= SAME_NAME_SCORE
        and haversine_km(place.latitude, place.longitude, other.latitude, other.longitude)
        <= SAME_PLACE_KM
    )


def _same_place(
    place: _Place,
    by_siret: dict[str, list[_Place]],
    grid: dict[tuple[int, int], list[_Place]],
    *,
    taken: dict[int, int | None],
) -> _Place | None:
    """The first canonical row of another source that is the same place as ``place``."""
    candidates: list[_Place] = []
    if place.siret:
        candidates += by_siret.get(place.siret, ())
    if place.latitude is not None:
        row, col = _cell(place.latitude, place.longitude)
        for d_row in (-1, 0, 1):
            for d_col in (-1, 0, 1):
                candidates += grid.get((row + d_row, col + d_col), ())
    for other in candidates:
        if taken.get(other.pk) is None and _is_same(place, other):
            return other
    return None
