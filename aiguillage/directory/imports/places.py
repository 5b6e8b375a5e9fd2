"""The row loop shared by the CSV directory formats (lieux standard, France services).

Each format says which columns it knows, which are required, which one is the id and
how to clean a row; the loop turns every line into a record or a reported bad row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from aiguillage.directory.imports.engine import Record
from aiguillage.directory.imports.fields import FieldProblem
from aiguillage.directory.imports.report import ImportReport, RowError
from aiguillage.directory.imports.tabular import open_table
from aiguillage.directory.needs import NeedMapping


def parse_places(
    lines: Iterable[str],
    *,
    name: str,
    columns: Sequence[str],
    required: Sequence[str],
    id_column: str,
    clean_row: Callable[[dict[str, str], NeedMapping, list[FieldProblem]], dict],
    report: ImportReport,
    mapping: NeedMapping,
    seen: Callable[[str, int], None],
) -> Iterator[Record]:
    table = open_table(lines, aliases=dict.fromkeys(columns, ()), required=required, name=name)
    for line, row in table.rows:
        report.rows += 1
        source_id = row.get(id_column, "").strip()
        if "__width__" in row:
            if source_id:  # a broken line does not retire the place it names
                seen(source_id, line)
            report.reject(RowError(line, "*", f"truncated or extra fields: {row['__width__']}"))
            continue
        if not source_id:
            report.reject(RowError(line, id_column, "required, empty"))
            continue
        warnings: list[FieldProblem] = []
        try:
            values = clean_row(row, mapping, warnings)
        except FieldProblem as problem:
            seen(source_id, line)
            report.reject(RowError(line, problem.field, problem.reason, problem.value))
            continue
        yield Record(line=line, source_id=source_id, values=values, warnings=warnings)
