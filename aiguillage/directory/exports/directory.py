"""Export the directory in one of the standards it is imported from.

The selection (whole directory, a network's partners and sites, or its sites alone)
is read in chunks and written as it is read, so that a national directory exports
within a bounded amount of memory.
"""

from __future__ import annotations

from typing import TextIO

from aiguillage.core.models import Network
from aiguillage.directory.exports import data_inclusion, lieux
from aiguillage.directory.exports.report import ExportReport
from aiguillage.directory.exports.selection import select_places

FORMATS = (lieux.FORMAT, data_inclusion.FORMAT)
CHUNK_SIZE = 2000


def export_directory(
    *,
    file_format: str,
    out: TextIO,
    network: Network | None = None,
    only_own_sites: bool = False,
) -> ExportReport:
    """Write the selected places to ``out`` (a text file opened with ``newline=""``)."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}; one of {', '.join(FORMATS)}")
    selection = select_places(network=network, only_own_sites=only_own_sites)
    structures = selection.structures.iterator(chunk_size=CHUNK_SIZE)
    sites = selection.sites.iterator(chunk_size=CHUNK_SIZE)
    if file_format == lieux.FORMAT:
        return lieux.write_lieux(structures=structures, sites=sites, out=out)
    services = data_inclusion.services_of(selection.structures).iterator(chunk_size=CHUNK_SIZE)
    return data_inclusion.write_data_inclusion(
        structures=structures, sites=sites, services=services, out=out
    )
