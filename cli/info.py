"""``kindred info``: where the data lives and which schema it is at."""

from __future__ import annotations

from cli.common import opened_services, print_json
from services.storage import current_revision, head_revision
from services.version import __version__


def register(subparsers) -> None:
    parser = subparsers.add_parser("info", help="show where Kindred keeps its data")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args) -> int:
    with opened_services(args) as services:
        report = {
            "version": __version__,
            "data_dir": str(services.data_dir),
            "databases": {
                db.kind: {
                    "path": str(db.path),
                    "schema": current_revision(db.engine),
                    "newest_schema": head_revision(db.kind),
                }
                for db in (services.directory_db, services.private_db)
            },
        }
    if args.json:
        print_json(report)
    else:
        print(f"Kindred {report['version']}")
        print(f"Data folder: {report['data_dir']}")
        for kind, db in report["databases"].items():
            print(f"  {kind} database: {db['path']} (schema {db['schema']})")
    return 0
