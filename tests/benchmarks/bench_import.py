"""Benchmark importing a roster: read a CSV, plan the merge, apply it as one command.

A synthetic roster of N people in N/100 units (each person with a unit, a role
kind, a line manager and a workload; every 50th row broken) is imported into a
new map. Each step is printed beside a baseline measured in the same run:
reading beside Python's ``csv`` module alone, the merge beside applying the
same quads to the store directly. With ``--app`` the whole app path runs too
(placing the new nodes, the command, the canvas following it), offscreen.

With ``--limits`` it measures instead the import limits of issue 13 through the
command line, each run a process of its own timed with its peak memory
(``wait4``): a 1M-row roster CSV and a 146 MB Kumu JSON (both refused, naming the
limit), a Kumu JSON under the byte limit but over the row limit, a workbook with
one cell formatted at its last row and column (imported), and with
``--at-limit`` the largest roster and blueprint an import takes. Each figure is
printed beside a plain ``csv.reader`` (or ``json.load``, or openpyxl opening the
workbook) pass over the same file in the same run, the figure the issue recorded before the limits, and with
``--before DIR`` (a copy of the old ``explorer`` package, e.g. from
``git archive``) the old code run on the same file.

With ``--hostile`` it times refusing a small zip bomb (a workbook whose 5 MB sheet
packs into a few kilobytes) beside openpyxl unpacking the same workbook in the same run.

Usage::

    python tests/benchmarks/bench_import.py --rows 10000 [--app]
    python tests/benchmarks/bench_import.py --limits [--at-limit] [--before DIR]
    python tests/benchmarks/bench_import.py --hostile
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def roster(path: Path, rows: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    units = [f"Unit {i}" for i in range(max(1, rows // 100))]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Staff ID", "Name", "Kind", "Team", "Role", "Line manager", "Workload"])
        for i in range(rows):
            manager = f"S{rng.randrange(i)}" if i else ""
            workload = f"{rng.random():.2f}" if i % 50 != 7 else "lots"  # a bad value now and then
            kind = "Person" if i % 50 != 13 else "Robot"  # and a bad row
            writer.writerow(
                [
                    f"S{i}",
                    f"Person {i}",
                    kind,
                    rng.choice(units),
                    rng.choice(["clinical", "managerial", "clinical; managerial"]),
                    manager,
                    workload,
                ]
            )
    return path


def flat_roster(path: Path, rows: int, seed: int = 0) -> Path:
    """A roster as plain as the issue's (about 45 bytes a row): id, name, kind, team, line manager."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("Staff ID,Name,Kind,Team,Line manager\n")
        for i in range(rows):
            handle.write(
                f"S{i},Person {i},Person,Unit {rng.randrange(max(1, rows // 100))},"
                f"{f'S{rng.randrange(i)}' if i else ''}\n"
            )
    return path


def kumu_blueprint(path: Path, elements: int, connections: int, seed: int = 0) -> Path:
    """A Kumu blueprint of people in units, reporting to one another, written a line at a time."""
    import json

    rng = random.Random(seed)
    units = max(1, elements // 100)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"elements": [\n')
        for i in range(elements):
            kind = "Unit" if i < units else "Person"
            item = {"id": f"e{i}", "label": f"{kind} {i}", "type": kind, "tags": ["imported"]}
            handle.write(("," if i else "") + json.dumps(item) + "\n")
        handle.write('], "connections": [\n')
        for i in range(connections):
            person = units + rng.randrange(max(1, elements - units))
            item = {"from": f"e{person}", "to": f"e{rng.randrange(units)}", "type": "member of"}
            handle.write(("," if i else "") + json.dumps(item) + "\n")
        handle.write("]}\n")
    return path


def far_formatted_workbook(path: Path) -> Path:
    """Two rows of data and one formatted cell at the sheet's last row and column."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.active.append(["Name", "Kind"])
    book.active.append(["Ana", "Person"])
    book.active.cell(row=1_048_576, column=16_384).font = Font(bold=True)
    book.save(path)
    return path


def zip_bomb(path: Path, unpacked: int = 5_000_000) -> Path:
    """A workbook whose sheet repeats one row to ``unpacked`` bytes: it packs into a few kilobytes."""
    import zipfile

    import openpyxl

    plain = path.with_name("plain.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["Name"])
    book.save(plain)
    row = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>'
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", row * (unpacked // len(row)) + b"</sheetData>")
            target.writestr(item.filename, data)
    plain.unlink()
    return path


def hostile() -> None:
    """Refusing a zip bomb, beside what unpacking it costs (openpyxl reading every row), same run."""
    import openpyxl

    from explorer.core.errors import UnsafeInputError
    from explorer.io.xlsx import read_xlsx

    work = Path(tempfile.mkdtemp(prefix="bench-import-hostile-"))
    bomb = zip_bomb(work / "bomb.xlsx")

    def refuse() -> str:
        try:
            read_xlsx(bomb)
        except UnsafeInputError:
            return "refused"
        return "read (not refused)"

    def unpack() -> int:
        book = openpyxl.load_workbook(bomb, read_only=True)
        book.active.reset_dimensions()  # the sheet claims to be one cell: read all it holds
        rows = sum(1 for _ in book.active.iter_rows(values_only=True))
        book.close()
        return rows

    outcome, refusing = timed(refuse)
    rows, unpacking = timed(unpack)
    print(f"zip bomb: {bomb.stat().st_size:,} bytes packed, {rows:,} rows unpacked")
    print(f"{'step':<28}{'time':>9}   baseline")
    print(
        f"{'read_xlsx (' + outcome + ')':<28}{refusing:>8.4f}s   openpyxl reading every row {unpacking:.2f}s "
        f"({unpacking / max(refusing, 1e-9):.0f}x the refusal)"
    )
    shutil.rmtree(work, ignore_errors=True)


def run_measured(argv: list, env: dict | None = None) -> tuple[int, float, float, str]:
    """Run ``argv`` as a process: (exit code, seconds, peak RSS in MB, last line of stderr)."""
    import subprocess

    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return process.returncode, elapsed, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def limits(args) -> None:
    """The figures of issue 13, item 8: big imports through the CLI, refused or bounded."""
    work = Path(tempfile.mkdtemp(prefix="bench-import-limits-"))
    env = {**os.environ, "ROUTINE_EXPLORER_DATA_DIR": str(work / "state"), "QT_QPA_PLATFORM": "offscreen"}
    python = sys.executable
    empty = work / "empty.ttl"
    empty.write_text("@prefix rx: <https://w3id.org/routine-explorer#> .\n", encoding="utf-8")

    def cli(source: Path, code: str = str(ROOT)) -> list:
        return [
            python,
            "-c",
            f"import sys; sys.path.insert(0, {code!r}); from explorer.cli import main; sys.exit(main())",
            "import",
            str(empty),
            str(source),
            "-o",
            str(work / "out.ttl"),
        ]

    def plain(source: Path) -> list:
        reader = {
            ".csv": "import csv,sys; sum(1 for _ in csv.reader(open(sys.argv[1], encoding='utf-8', newline='')))",
            ".xlsx": "import openpyxl,sys; openpyxl.load_workbook(sys.argv[1], read_only=True).close()",
        }.get(source.suffix, "import json,sys; json.load(open(sys.argv[1], encoding='utf-8'))")
        return [python, "-c", reader, str(source)]

    cases = [
        ("1M-row roster CSV", lambda p: flat_roster(p, 1_000_000), "roster-1m.csv", (213.0, 8.0 * 1024)),
        ("146 MB Kumu JSON", lambda p: kumu_blueprint(p, 1_000_000, 1_150_000), "kumu-146mb.json", (141.0, 5.2 * 1024)),
        ("99 MB Kumu JSON, 1.4M rows", lambda p: kumu_blueprint(p, 700_000, 700_000), "kumu-99mb.json", None),
        # Imported, not refused: before, every one of a million rows was 16,384 cells (over ten minutes).
        ("workbook formatted at XFD1048576", far_formatted_workbook, "far.xlsx", None),
    ]
    if args.at_limit:
        cases += [
            ("roster CSV at the row limit", lambda p: flat_roster(p, 199_999), "roster-200k.csv", None),
            ("Kumu JSON at the row limit", lambda p: kumu_blueprint(p, 100_000, 100_000), "kumu-200k.json", None),
        ]
    print(
        f"{'case':<30}{'size':>9}  {'run':<10}{'exit':>5}{'time':>9}{'peak':>10}   "
        "baseline (same run) / recorded before"
    )
    for label, make, name, recorded in cases:
        source = make(work / name)
        size = f"{source.stat().st_size / 1e6:.0f} MB"
        code, seconds, peak, message = run_measured(cli(source), env)
        _, base_seconds, base_peak, _ = run_measured(plain(source), env)
        reader = {".csv": "csv.reader", ".xlsx": "openpyxl open"}.get(source.suffix, "json.load")
        line = (
            f"{label:<30}{size:>9}  {'now':<10}{code:>5}{seconds:>8.2f}s{peak:>8.0f}MB   "
            f"{reader} pass {base_seconds:.2f}s "
            f"{base_peak:.0f}MB ({seconds / base_seconds:.1f}x time, {peak / base_peak:.1f}x memory)"
        )
        if recorded:
            line += f"; issue 13 before: {recorded[0]:.0f}s {recorded[1]:.0f}MB"
        print(line)
        print(f"{'':<41}{message[:150]}")
        if args.before:
            code, seconds, peak, message = run_measured(cli(source, str(Path(args.before).resolve())), env)
            print(
                f"{'':<41}{'before':<10}{code:>5}{seconds:>8.2f}s{peak:>8.0f}MB   ({seconds / base_seconds:.1f}x time, "
                f"{peak / base_peak:.1f}x memory of the {reader} pass)"
            )
        source.unlink()
    shutil.rmtree(work, ignore_errors=True)


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--app", action="store_true", help="also time the app's import path (offscreen)")
    parser.add_argument("--limits", action="store_true", help="measure the big-import limits through the CLI instead")
    parser.add_argument("--at-limit", action="store_true", help="with --limits: also import the largest files taken")
    parser.add_argument("--before", metavar="DIR", help="with --limits: also run the explorer package found in DIR")
    parser.add_argument("--hostile", action="store_true", help="time refusing a zip bomb beside unpacking it instead")
    args = parser.parse_args()
    if args.limits:
        limits(args)
        return
    if args.hostile:
        hostile()
        return
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", str(work / "state"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from explorer.core.document import MapDocument
    from explorer.core.schema import schema_of
    from explorer.io import merge
    from explorer.io.csv_tables import read_csv

    path = roster(work / "roster.csv", args.rows)
    doc = MapDocument.new(base_iri="https://example.org/map/")
    schema = schema_of(doc)

    def csv_alone() -> int:
        with open(path, encoding="utf-8", newline="") as handle:
            return sum(1 for _ in csv.reader(handle))

    _, raw_read = timed(csv_alone)
    source, read = timed(lambda: read_csv(path))
    mapping = merge.guess_mapping(source, schema)
    plan, planning = timed(lambda: merge.plan_import(doc, source, mapping, schema=schema))
    command, building = timed(lambda: merge.plan_command(doc, plan))
    _, applying = timed(lambda: doc.execute(command))
    scratch = MapDocument.new()
    _, raw_apply = timed(lambda: scratch.store.apply(added=command.added))
    _, undoing = timed(doc.undo)

    print(f"roster: {args.rows:,} rows -> {plan.summary()}")
    print(f"  {len(plan.problems):,} problems; {len(command.added):,} quads in one command")
    print(f"{'step':<28}{'time':>9}   baseline")
    print(f"{'read CSV':<28}{read:>8.2f}s   csv.reader alone {raw_read:.2f}s ({read / raw_read:.1f}x)")
    print(f"{'plan (match, resolve)':<28}{planning:>8.2f}s")
    print(f"{'command (diff vs store)':<28}{building:>8.2f}s")
    print(f"{'execute (apply + events)':<28}{applying:>8.2f}s   store.apply alone {raw_apply:.2f}s")
    print(f"{'read + plan + merge':<28}{read + planning + building + applying:>8.2f}s")
    print(f"{'undo':<28}{undoing:>8.2f}s")
    doc.close()
    scratch.close()

    if args.app:
        from PySide6.QtWidgets import QApplication

        from explorer.ui.files import import_dialog
        from explorer.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication([])
        window = MainWindow()
        window.resize(1400, 900)
        window.show()
        window.new_map()
        app.processEvents()
        dialog = import_dialog.open_import_dialog(window, path)
        start = time.perf_counter()
        dialog._read_task.wait(600_000)
        app.processEvents()
        while dialog.plan is None:
            app.processEvents()
            time.sleep(0.01)
        ready = time.perf_counter() - start
        closed = []
        dialog.finished.connect(closed.append)
        start = time.perf_counter()
        longest = 0.0
        task = dialog.run_import()
        last = time.perf_counter()
        while not closed:
            app.processEvents()
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now
        total = time.perf_counter() - start
        print(f"{'app: read + preview plan':<28}{ready:>8.2f}s   (worker)")
        print(
            f"{'app: place + command + draw':<28}{total:>8.2f}s   longest UI-thread stall {longest:.2f}s; "
            f"{len(window.projection.nodes):,} nodes on the canvas"
        )
        del task
        window.document.close()
        window.document = None


if __name__ == "__main__":
    main()
