"""No door writes an agenda rule again: the expressions the rules replaced (the online
cut-off computed from the permanence's hours, a start compared with "now" by hand, a
waiting-list position counted apart) appear only in aiguillage/agenda/rules.py.

A copy is a rule waiting to disagree: before rules.py, the cut-off was ``>`` in two
places and ``>=`` in two others."""

import re
from pathlib import Path

import aiguillage

ROOT = Path(aiguillage.__file__).parent
RULES = ROOT / "agenda" / "rules.py"

FORBIDDEN = {
    "an online cut-off computed by hand": re.compile(
        r"timedelta\(\s*hours\s*=\s*[\w.]*booking_cutoff_hours"
    ),
    "a start compared with now by hand": re.compile(
        r"\bstarts_at\s*(<=|>=|<|>)\s*(now|at|timezone\.now\(\))\b"
    ),
    "a waiting-list position counted apart": re.compile(r"def _?waiting_position\b"),
    "a booking's state tested apart": re.compile(r"def _(is_active|may_cancel|bookable)\b"),
}


def sources():
    for path in sorted(ROOT.rglob("*.py")):
        if path == RULES or "migrations" in path.parts:
            continue
        yield path


def test_the_rules_module_holds_each_expression():
    text = RULES.read_text()
    assert FORBIDDEN["an online cut-off computed by hand"].search(text)
    assert FORBIDDEN["a waiting-list position counted apart"].search(text)


def test_no_caller_writes_a_rule_again():
    found = []
    for path in sources():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for what, pattern in FORBIDDEN.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}")
    assert not found, "\n".join(found)
