"""``kindred pwa build -o DIR``: options only; the build itself is ``pwa/build.py``."""

from __future__ import annotations

from pathlib import Path

from cli.common import UserFacingError


def register(subparsers) -> None:
    from pwa.build import default_cache_dir

    parser = subparsers.add_parser("pwa", help="build Kindred as an installable, offline web app")
    pwa_sub = parser.add_subparsers(dest="pwa_command", metavar="ACTION")
    build = pwa_sub.add_parser("build", help="build the static site into a folder")
    build.add_argument("-o", "--output", required=True, help="folder to write the site to (replaced)")
    build.add_argument("--base-url", default="/", help="path the site is served under, e.g. /kindred/ (default /)")
    build.add_argument(
        "--cache-dir",
        default=str(default_cache_dir()),
        help="where downloaded wheels and npm packages are kept between builds ($KINDRED_PWA_CACHE)",
    )
    build.add_argument(
        "--no-bytecode", action="store_true",
        help="ship source only (faster build, slower start in the browser; for comparison)",
    )
    build.set_defaults(func=run_build)
    parser.set_defaults(func=lambda _args: parser.print_help() or 0)


def run_build(args) -> int:
    from pwa.build import PwaBuildError, build_site, site_size

    try:
        out = build_site(Path(args.output), Path(args.cache_dir), base_url=args.base_url,
                         precompile=not args.no_bytecode)
    except PwaBuildError as error:
        raise UserFacingError(str(error)) from error
    print(f"Built {out} ({site_size(out) / 1e6:.0f} MB). Serve the folder as static files over HTTPS (or http://localhost).")
    return 0
