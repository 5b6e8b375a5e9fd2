"""The writes of a national import done in plain SQL: new rows, changed fields, needs.

A national file brings 100,000 places and two million place-need links. Through the
ORM, each one is a model instance compiled into its own parameters (SQLite takes 20
places of 49 columns per ``INSERT``), and that was most of the import's time. Here one
statement is prepared per table and the database runs it for every row
(``executemany``). The values are the importer's own, already cleaned; the database
still checks every constraint, and the caller's transaction still covers it all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.utils import timezone

ROWS_PER_CALL = 10_000
# Fields whose cleaned Python value is already what the database driver takes.
PLAIN_TYPES = frozenset(
    {
        "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField",
        "EmailField", "FloatField", "ForeignKey", "IntegerField", "PositiveIntegerField",
        "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField", "URLField",
    }
)  # fmt: skip


def _batches(rows: Sequence[Any], size: int = ROWS_PER_CALL) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _converter(field: Field, database: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """How a field's Python value becomes a parameter, as ``get_db_prep_save`` would.

    A national file repeats the same few values (empty lists, the same lists of the
    standard's vocabulary, the import's own time), so each distinct value is adapted
    once.
    """
    kind = field.get_internal_type()
    if kind in PLAIN_TYPES:
        return lambda value: value
    if kind == "JSONField":
        adapt, encoder = database.ops.adapt_json_value, field.encoder
        adapted: dict[Any, Any] = {}

        def convert_json(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is not list or not all(type(item) is str for item in value):
                return adapt(value, encoder)
            key = tuple(value)
            if key not in adapted:
                adapted[key] = adapt(value, encoder)
            return adapted[key]

        return convert_json
    prepared: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return prepared[value]
        except KeyError:
            prepared[value] = field.get_db_prep_save(value, database)
            return prepared[value]
        except TypeError:  # not hashable
            return field.get_db_prep_save(value, database)

    return convert


def insert_rows(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert new rows of ``model``, given as ``{attname: value}``; primary keys left to
    the database (the caller reads them back by a unique key).

    A field a row does not give takes its model default, as ``Model()`` would; the
    creation and modification times are now.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    database = connections[connection.alias]  # the wrapper itself, not the proxy
    converters = [(f.attname, _converter(f, database), defaults[f.attname]) for f in fields]
    quote = connection.ops.quote_name
    # Identifiers from the model, quoted by the backend; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = [
        [convert(row.get(attname, default)) for attname, convert, default in converters]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for batch in _batches(values):
            cursor.executemany(sql, batch)


def update_rows(model: type[Model], updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Write, for each ``(pk, {attname: value})``, those fields only.

    Rows that change the same fields share one statement run for each of them
    (``executemany``); ``bulk_update`` wrote every field of every row in ``CASE``
    expressions, which SQLite evaluates row by row (most of a re-import's time).
    """
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for pk, values in updates:
        if values:
            groups.setdefault(tuple(sorted(values)), []).append((pk, values))
    if not groups:
        return
    database = connections[connection.alias]
    quote = connection.ops.quote_name
    opts = model._meta
    with connection.cursor() as cursor:
        for names, rows in groups.items():
            fields = [opts.get_field(name) for name in names]
            converters = [_converter(f, database) for f in fields]
            # Identifiers from the model, quoted by the backend; values are parameters.
            sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
                quote(opts.db_table),
                ", ".join(f"{quote(f.column)} = %s" for f in fields),
                quote(opts.pk.column),
            )
            params = [
                [convert(values[f.attname]) for f, convert in zip(fields, converters, strict=True)]
                + [pk]
                for pk, values in rows
            ]
            for batch in _batches(params):
                cursor.executemany(sql, batch)


def replace_links(model: type[Model], owner: str, links: dict[int, frozenset[int]]) -> None:
    """Make ``links`` (row pk -> need ids) the whole of these rows' ``covered_needs``."""
    if not links:
        return
    through = model.covered_needs.through
    for pks in _batches(list(links), 1000):  # far below SQLite's parameter limit
        through.objects.filter(**{f"{owner}__in": pks}).delete()
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(through._meta.db_table)} ({quote(owner)}, {quote('need_id')}) "  # noqa: S608
        "VALUES (%s, %s)"
    )
    rows = [(pk, need) for pk, needs in links.items() for need in sorted(needs)]
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.executemany(sql, batch)
