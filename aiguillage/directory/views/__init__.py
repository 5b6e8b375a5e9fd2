"""Staff pages of the directory, one module per page family."""
