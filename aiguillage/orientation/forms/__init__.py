"""Forms of the orientation pages: thin, the rules live in charter.py and services.py."""
