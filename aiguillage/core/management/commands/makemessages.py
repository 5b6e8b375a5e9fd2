"""Django's makemessages, without fuzzy matching: a guessed translation of a new
string (fuzzy) would be skipped silently at run time and hide an untranslated one."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
