"""Views of the privacy app (one module per page family)."""
