"""The ``monitor`` command: one sub-command per task a maintainer has.

Each sub-command imports what it runs when it runs (the only module that imports inside functions): ``monitor
validate`` or ``--help`` starts in a fraction of the time a build's libraries (pandas, vl-convert, typst) take
to load.

Exit codes: 0 success, 1 the data is invalid, 2 a usage or I/O problem, 3 the site could not be rendered
or is incomplete, 4 an internal error (a fault of the monitor, not of the data: report it). Bad data never
causes a traceback; it causes a report.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

from pipeline.errors import InvalidPackage, MonitorError

DEFAULT_PACKAGE = Path("datapackage.json")
OK, INVALID, USAGE, FAILED, INTERNAL = 0, 1, 2, 3, 4
REPORT_TO = "https://github.com/gemeente-utrecht/monitor-inburgering/issues"
EXIT_CODES = """exit codes:
  0  success
  1  the data package or another file a person edits is invalid (the message says file, row or key, and field)
  2  a usage or file problem (a wrong argument, a missing file, an output folder that may not be used)
  3  the site could not be rendered, or a page is missing
  4  an internal error: a fault of the monitor, not of the data; please report it"""


def _validate(args: argparse.Namespace) -> int:
    from pipeline.validation import validate
    from pipeline.validation.published import baseline

    against = None if args.against == "none" else args.against or baseline(args.path)
    report = validate(args.path, against)
    print(report.to_json() if args.json else report.to_markdown() if args.markdown else report.to_text())
    return OK if report.valid else INVALID


def _build(args: argparse.Namespace) -> int:
    from pipeline.build import build

    try:
        build(args.package, args.out, force=args.force, render=not args.no_render)
    except InvalidPackage as exc:
        print(exc.report.to_text(), file=sys.stderr)
        print(f"Build stopped; {args.out} was left as it was.", file=sys.stderr)
        return INVALID
    except MonitorError as exc:
        print(f"monitor: {exc}\nBuild stopped; {args.out} was left as it was.", file=sys.stderr)
        return exc.exit_code
    return OK


def _check_site(args: argparse.Namespace) -> int:
    from pipeline.stages.render import missing_pages

    site, manifest = args.out / "site", args.out / "site-pages.json"
    if not manifest.is_file() or not site.is_dir():
        print(f"monitor: {args.out} holds no rendered site; run 'monitor build' with Quarto installed",
              file=sys.stderr)
        return FAILED
    pages = json.loads(manifest.read_text(encoding="utf-8"))
    missing = missing_pages(site, pages)
    for line in missing:
        print(f"missing: {line}", file=sys.stderr)
    print(f"{len(pages) - len(missing)} of {len(pages)} pages rendered with content in {site}")
    return FAILED if missing else OK


def _diff(args: argparse.Namespace) -> int:
    from pipeline.commands.diff import compare

    result = compare(args.old, args.new)
    sys.stdout.write(result.to_json() + "\n" if args.json else result.to_markdown() if args.markdown
                     else result.to_text())
    return OK


def _pages_diff(args: argparse.Namespace) -> int:
    from pipeline.commands.pages_diff import compare

    result = compare(args.old, args.new)
    sys.stdout.write(result.to_json() + "\n" if args.json else result.to_markdown() if args.markdown
                     else result.to_text())
    return OK


def _new_edition(args: argparse.Namespace) -> int:
    from pipeline.commands.new_edition import scaffold

    added = scaffold(args.package, args.year, gap=args.after_gap)
    print(f"Edition {args.year} added: {added['editions']} row in editions, {added['results']} empty rows in "
          f"results, version set to {args.year}.1.0.\nFill in the figures and sources, in "
          f"{added['workbook']} (then 'monitor import {added['workbook']}') or in the CSV itself, then run "
          "'monitor validate' until it reports no problems.")
    return OK


def _import(args: argparse.Namespace) -> int:
    from pipeline.commands.spreadsheet import import_rows
    from pipeline.validation import validate

    counts = import_rows(args.file, args.package)
    print(f"{args.file} → {counts['file']}: {counts['changed']} row(s) changed, {counts['added']} added, "
          f"{counts['unchanged']} unchanged; {counts['skipped']} row(s) without figures left out.")
    report = validate(args.package)
    print(report.to_text())
    return OK if report.valid else INVALID


def _correct(args: argparse.Namespace) -> int:
    from pipeline.commands.correct import correct
    from pipeline.validation import validate

    done = correct(args.package, args.indicator, args.edition, args.group, args.value,
                   {"reason_nl": args.reason_nl, "reason_en": args.reason_en}, args.date or datetime.date.today())
    print(f"{args.indicator}, {args.edition}, {args.group}: {done['old']} → {done['new']}, with an erratum; version "
          f"{'raised to' if done['raised'] else 'stays'} {done['version']}. Record the release with 'monitor release "
          "--summary-nl … --summary-en …', then open a pull request.")
    report = validate(args.package)
    print(report.to_text())
    return OK if report.valid else INVALID


def _release(args: argparse.Namespace) -> int:
    from pipeline.commands.release import record

    entry = record(args.package, args.summary_nl, args.summary_en, args.date or datetime.date.today())
    version = entry["version"]
    print(f"Version {version} recorded as released on {entry['date']}. Merge it to main: the workflow publishes "
          f"it, freezes it at versies/{version}/ and attaches its files to a GitHub release.")
    return OK


def _freeze(args: argparse.Namespace) -> int:
    from pipeline.commands.release import archive, archive_name, assemble
    from pipeline.validation.descriptor import load

    pkg, site = load(args.package), args.out / "site"
    if not (site / "index.html").is_file():
        print(f"monitor: {site}: no rendered site; run 'monitor build' first", file=sys.stderr)
        return USAGE
    placed = assemble(site, args.archives, pkg, args.publish)
    made = archive(site, args.archive_to / archive_name(pkg.descriptor["name"], pkg.descriptor["version"]))
    print(f"The site as published is in {args.publish}, with the frozen versions {', '.join(placed) or '(none yet)'} "
          f"under versies/; this version's archive: {made}")
    return OK


def _serve(args: argparse.Namespace) -> int:
    """The built site on this machine: the rendered site where Quarto made one, otherwise the preview."""
    import contextlib
    import functools
    import http.server

    folder = next((f for f in (args.out / "site", args.out / "preview") if (f / "index.html").is_file()), None)
    if folder is None:
        print(f"monitor: {args.out} holds no built site; run 'monitor build' first", file=sys.stderr)
        return USAGE
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"Serving {folder} at http://localhost:{args.port}/ (stop with Ctrl+C)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return OK


def _date(text: str):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date such as 2026-03-01") from None


def _year(text: str) -> int:
    if not text.isdigit() or not 2020 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a year between 2020 and 2100")
    return int(text)


def _value(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number such as 45.5") from None
    if not 0 <= value < 1e9:
        raise argparse.ArgumentTypeError(f"'{text}' is not a figure the package can hold")
    return value


def _formats(command: argparse.ArgumentParser, what: str) -> None:
    """Plain text for a terminal by default; JSON for scripts, Markdown for a pull request's job summary."""
    style = command.add_mutually_exclusive_group()
    style.add_argument("--json", action="store_true", help=f"print {what} as JSON")
    style.add_argument("--markdown", action="store_true", help=f"print {what} as Markdown (job summaries)")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="monitor", description="Build the Monitor Inburgering Utrecht.",
                                   epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check the data package and report what is wrong")
    validate.add_argument("path", nargs="?", type=Path, default=DEFAULT_PACKAGE, help="datapackage.json")
    validate.add_argument("--against", metavar="REVISION",
                          help="the published package to compare with: a git revision (default: where this branch "
                               "left main; 'none' to compare with nothing)")
    _formats(validate, "the report")
    validate.set_defaults(func=_validate)

    build = commands.add_parser("build", help="validate, then build tables, downloads, charts, story and site")
    build.add_argument("--package", type=Path, default=DEFAULT_PACKAGE, help="datapackage.json")
    build.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    build.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    build.add_argument("--no-render", action="store_true", help="skip Quarto: build data, charts and the preview only")
    build.set_defaults(func=_build)

    check = commands.add_parser("check-site", help="check that the rendered site has every page, with content")
    check.add_argument("--out", type=Path, default=Path("build"), help="the build folder (default: build)")
    check.set_defaults(func=_check_site)

    diff = commands.add_parser("diff", help="what changed between two data packages or git revisions")
    diff.add_argument("old", help="datapackage.json or git revision (e.g. main, HEAD~1)")
    diff.add_argument("new", help="datapackage.json or git revision")
    _formats(diff, "the differences")
    diff.set_defaults(func=_diff)

    pages = commands.add_parser("pages-diff", help="which published pages differ between two builds")
    pages.add_argument("old", type=Path, help="output folder of the earlier build")
    pages.add_argument("new", type=Path, help="output folder of the later build")
    _formats(pages, "the differences")
    pages.set_defaults(func=_pages_diff)

    edition = commands.add_parser("new-edition", help="scaffold next year's edition: rows to fill in")
    edition.add_argument("year", type=_year, help="the edition's year, e.g. 2026")
    edition.add_argument("--after-gap", action="store_true",
                         help="allow a year later than the one after the latest edition (a year was skipped)")
    edition.add_argument("--package", type=Path, default=DEFAULT_PACKAGE, help="datapackage.json")
    edition.set_defaults(func=_new_edition)

    sheet = commands.add_parser("import", help="read figures from a workbook (.xlsx) or CSV into data/results.csv")
    sheet.add_argument("file", type=Path, help="the fill-in workbook of new-edition, or an .xlsx or CSV with the "
                                                "columns of data/results.csv (Dutch Excel's CSV too)")
    sheet.add_argument("--package", type=Path, default=DEFAULT_PACKAGE, help="datapackage.json")
    sheet.set_defaults(func=_import)

    fix = commands.add_parser("correct", help="correct a published figure: the value, its erratum and the version")
    fix.add_argument("indicator", help="the indicator_id, e.g. taalles")
    fix.add_argument("edition", type=_year, help="the measurement, e.g. 2025")
    fix.add_argument("group", help="the group_id, e.g. asielstatushouders")
    fix.add_argument("value", type=_value, help="the right figure, e.g. 45.5")
    fix.add_argument("--reason-nl", required=True, help="why, in Dutch: shown with the correction")
    fix.add_argument("--reason-en", required=True, help="the same in English")
    fix.add_argument("--date", type=_date, help="the date of the correction (default: today)")
    fix.add_argument("--package", type=Path, default=DEFAULT_PACKAGE, help="datapackage.json")
    fix.set_defaults(func=_correct)

    release = commands.add_parser("release", help="record this version as released, with its date and summary")
    release.add_argument("--summary-nl", required=True, help="one line in Dutch: what this version adds or corrects")
    release.add_argument("--summary-en", required=True, help="the same line in English")
    release.add_argument("--date", type=_date, help="the release date (default: today)")
    release.add_argument("--package", type=Path, default=DEFAULT_PACKAGE, help="datapackage.json")
    release.set_defaults(func=_release)

    serve = commands.add_parser("serve", help="show the built site in a browser, at http://localhost:8000")
    serve.add_argument("--out", type=Path, default=Path("build"), help="the build folder (default: build)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    serve.set_defaults(func=_serve)

    freeze = commands.add_parser("freeze", help="assemble the site as published: the build's site and every "
                                                "released version's frozen site under versies/")
    freeze.add_argument("--out", type=Path, default=Path("build"), help="the build folder (default: build)")
    freeze.add_argument("--archives", type=Path, required=True,
                        help="folder with the archives of earlier versions (<name>-site-<version>.zip)")
    freeze.add_argument("--archive-to", type=Path, required=True, help="where to write this version's archive")
    freeze.add_argument("--publish", type=Path, required=True,
                        help="the folder to assemble the site as published in: the build's site and every released "
                             "version under versies/ (made anew; the build itself is left as it was)")
    freeze.add_argument("--package", type=Path, default=DEFAULT_PACKAGE, help="datapackage.json")
    freeze.set_defaults(func=_freeze)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # argparse exits with 2 on usage errors
    try:
        return args.func(args)
    except MonitorError as exc:  # the input's or the user's: what to fix, and the exit code that says whose
        print(f"monitor: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"monitor: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE
    except Exception as exc:  # a fault of the monitor: say so briefly, never pass it off as bad data
        print(f"monitor: internal error ({type(exc).__name__}: {exc}). This is a fault of the monitor, not "
              f"of your data; please report it, with the command you ran, at {REPORT_TO}", file=sys.stderr)
        return INTERNAL


if __name__ == "__main__":
    sys.exit(main())
