"""Publishing the directory in the open-data standards it is imported from.

The exporters are the inverses of ``imports``: what ``import_directory`` reads from
a lieux-de-médiation-numérique CSV or a data·inclusion JSON file, they write back,
so that a network's directory (or the network's own libraries) can appear on the
national maps. A row the standard would refuse (no SIRET pivot, no address…) is
left out and named, never published half valid.
"""
