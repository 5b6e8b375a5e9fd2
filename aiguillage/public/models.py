"""The public portal has no table of its own: its rate limit's counters are in core."""
