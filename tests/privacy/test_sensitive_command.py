"""``manage.py scan_sensitive``: standard input in, JSON findings out, exit 0."""

import io
import json
import subprocess
import sys

from django.core.management import call_command

from aiguillage.privacy.management.commands.scan_sensitive import Command

NIR = "2 95 10 99 126 111 93"


def run(text: str, *args: str) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("scan_sensitive", *args, stdin=io.StringIO(text), stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_findings_as_json_with_positions_and_never_the_values():
    text = f"Sécu {NIR}, mdp : Soleil2024!, tél 06 12 34 56 78"
    findings, summary = run(text)
    assert [(f["kind"], text[f["start"] : f["end"]]) for f in findings] == [
        ("nir", NIR),
        ("password", "Soleil2024!"),
        ("phone", "06 12 34 56 78"),
    ]
    assert all(set(f) == {"kind", "start", "end", "severity"} for f in findings)
    output = json.dumps(findings) + summary
    assert "Soleil" not in output and "95 10" not in output and "06 12" not in output
    assert summary.strip() == (
        f"scan_sensitive: 3 finding(s) in {len(text)} characters (nir 1, password 1, phone 1)"
    )


def test_allow_contact_lets_contact_data_through():
    text = "Accueil au 04 67 88 86 10 ou accueil@example.org"
    assert [f["kind"] for f in run(text)[0]] == ["phone", "email"]
    assert run(text, "--allow-contact")[0] == []


def test_nothing_found_is_an_empty_list():
    assert run("Permanence le mardi 14 mars de 9h30 à 12h.")[0] == []


def test_health_words_are_reported_as_warnings():
    findings, _ = run("Personne diabétique")
    assert findings == [{"kind": "health", "start": 9, "end": 19, "severity": "warn"}]


def test_help_says_what_it_reads_and_prints():
    help_text = Command().create_parser("manage.py", "scan_sensitive").format_help()
    assert "standard input" in help_text
    assert "--allow-contact" in help_text
    assert '"kind", "start", "end"' in help_text


def test_from_a_shell_pipe_exit_status_0():
    """The real thing: bytes on stdin (UTF-8, one broken byte), JSON on stdout."""
    data = "é".encode() + b"\xff" + f" {NIR}".encode()
    done = subprocess.run(
        [sys.executable, "manage.py", "scan_sensitive", "--verbosity", "0"],
        input=data,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    findings = json.loads(done.stdout)
    text = data.decode("utf-8", errors="replace")
    assert [(f["kind"], text[f["start"] : f["end"]]) for f in findings] == [("nir", NIR)]
    assert done.stderr == b""
