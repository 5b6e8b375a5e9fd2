"""Every write of the agenda: typed, keyword-only, each in one transaction."""
