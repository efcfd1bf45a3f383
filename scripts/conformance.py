"""Run the W3C conformance tests and write their figures, per suite, into the README.

Runs ``tests/conformance/`` with pytest (a JUnit XML report in a temporary folder), counts each test by its
suite (the first segment of its id: ``rdf11/rdf-turtle/turtle-subm-26`` is ``rdf11``) and its type (syntax or
evaluation, from the ``w3c_kind`` property a test records, else from its id), prints the table and puts it in
README.md between ``<!-- conformance:start -->`` and ``<!-- conformance:end -->``.

Examples
--------
::

    python3 scripts/conformance.py            # run, print, update README.md
    python3 scripts/conformance.py --no-write # run and print only
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- conformance:start -->", "<!-- conformance:end -->"
OUTCOMES = ("passed", "expected failures", "failed", "skipped")


def outcome_of(case: ET.Element) -> str:
    """One JUnit test case's outcome: passed, expected failure (pytest's xfail), failed or skipped.

    Examples
    --------
    >>> outcome_of(ET.fromstring('<testcase><skipped type="pytest.xfail" message="x"/></testcase>'))
    'expected failures'
    >>> outcome_of(ET.fromstring("<testcase/>"))
    'passed'
    """
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    skipped = case.find("skipped")
    if skipped is not None:
        return "expected failures" if skipped.get("type") == "pytest.xfail" else "skipped"
    return "passed"


def test_id(case: ET.Element) -> str | None:
    """The parametrised id of a test case (``rdf11/rdf-xml/...``), or ``None`` for a test without one."""
    found = re.search(r"\[(.*)\]$", case.get("name", ""))
    return found.group(1) if found and "/" in found.group(1) else None


def kind_of(case: ET.Element, identifier: str) -> str:
    """``syntax`` or ``eval``: the ``w3c_kind`` property, else guessed from the id's words."""
    for prop in case.iter("property"):
        if prop.get("name") == "w3c_kind":
            return prop.get("value", "eval")
    return "syntax" if re.search(r"syntax|bad|negative", identifier, re.IGNORECASE) else "eval"


def count(report: Path) -> tuple[dict, dict]:
    """Outcomes by ``(suite, kind)`` and passed refusals by design by ``(suite, kind)``, from a JUnit XML report."""
    table: dict = collections.defaultdict(collections.Counter)
    by_design: collections.Counter = collections.Counter()
    for case in ET.parse(report).getroot().iter("testcase"):
        identifier = test_id(case)
        if identifier is None:
            continue
        suite = identifier.split("/", 1)[0]
        key, outcome = (suite, kind_of(case, identifier)), outcome_of(case)
        table[key][outcome] += 1
        if outcome == "passed" and any(p.get("name") == "w3c_refused" for p in case.iter("property")):
            by_design[key] += 1
    return table, by_design


def markdown(table: dict, by_design: collections.Counter) -> str:
    """The table as Markdown, a row per suite and type, then a row per suite.

    A refusal by design (an RDF 1.2 triple term, a remote JSON-LD context, SPARQL's SERVICE or LOAD) passes
    when it is refused as such; its own column keeps it apart from the tests whose data went through.
    """
    lines = [
        "| suite | tests | passed | of which refused by design | " + " | ".join(OUTCOMES[1:]) + " |",
        "|---|---|---|---|" + "---|" * (len(OUTCOMES) - 1),
    ]
    suites = sorted({suite for suite, _ in table})
    for suite in suites:
        total: collections.Counter = collections.Counter()
        refused = 0
        for kind in ("syntax", "eval"):
            counts = table.get((suite, kind))
            if counts:
                total.update(counts)
                refused += by_design[(suite, kind)]
                cells = [counts["passed"], by_design[(suite, kind)], *(counts[o] for o in OUTCOMES[1:])]
                lines.append(f"| {suite} {kind} | {sum(counts.values())} | " + " | ".join(map(str, cells)) + " |")
        cells = [total["passed"], refused, *(total[o] for o in OUTCOMES[1:])]
        lines.append(f"| **{suite}** | **{sum(total.values())}** | " + " | ".join(f"**{c}**" for c in cells) + " |")
    return "\n".join(lines)


def write_readme(text: str, readme: Path = README) -> None:
    """Put ``text`` between the markers in ``readme``; refuse when the markers are not there."""
    content = readme.read_text(encoding="utf-8")
    if START not in content or END not in content:
        raise SystemExit(f"{readme}: the markers {START} and {END} are missing")
    before, rest = content.split(START, 1)
    after = rest.split(END, 1)[1]
    readme.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print the table; leave README.md as it is")
    parser.add_argument("--workers", default="2", help="pytest-xdist workers (default 2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="conformance-") as folder:
        report = Path(folder) / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            args.workers,
            "-o",
            "junit_family=xunit1",  # xunit1 keeps the properties tests record
            f"--junitxml={report}",
            "tests/conformance/",
        ]
        done = subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
        if not report.is_file():
            print(f"pytest wrote no report (exit {done.returncode})", file=sys.stderr)
            return 1
        table, by_design = count(report)
    text = markdown(table, by_design)
    print(text)
    if not args.no_write:
        write_readme(text)
    return done.returncode  # 1 when a test failed (the table says which suite), so CI notices


if __name__ == "__main__":
    raise SystemExit(main())
