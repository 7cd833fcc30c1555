"""Run Kindred: ``uv run main.py`` (desktop window where one can open, else the browser UI)."""

from __future__ import annotations

import argparse
import os
import sys

import flet as ft

from services import app_server
from services.app import DamagedDataFile, open_services
from services.paths import ASSETS_DIR, resolve_data_dir
from services.version import __version__
from views.app import make_page_handler

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8550
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description="Run the Kindred app.")
    parser.add_argument("--web", action="store_true", help="serve the app to your web browser instead of a window")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to serve on (default {DEFAULT_HOST}, this device only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to serve on (default {DEFAULT_PORT})")
    parser.add_argument("--data-dir", help="where Kindred keeps its data (also $KINDRED_DATA_DIR)")
    parser.add_argument("--version", action="version", version=f"Kindred {__version__}")
    return parser.parse_args(argv)


def can_open_window() -> bool:
    """A native window needs a display; headless Linux servers (and CI) have none."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.host not in LOOPBACK_HOSTS:
        print(
            f"WARNING: serving on {args.host} makes Kindred reachable from other devices. "
            "Kindred keeps private data; never serve it to other people.",
            file=sys.stderr,
        )
    try:
        services = open_services(resolve_data_dir(args.data_dir))
    except DamagedDataFile as error:
        print(f"Kindred cannot start: {error}", file=sys.stderr)
        return 1
    web = args.web or not can_open_window()
    if web:
        shown_host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"Kindred is running at http://{shown_host}:{args.port}  (press Ctrl-C to stop)", flush=True)
    try:
        if web:
            # Flet's own ASGI app, served by us: guarded to its own host and origin (no
            # wildcard CORS, no API docs) and always stopping within seconds.
            asgi = ft.run(make_page_handler(services), name="", view=ft.AppView.WEB_BROWSER,
                          assets_dir=str(ASSETS_DIR), no_cdn=True, export_asgi_app=True)
            app_server.serve(app_server.guard(asgi, args.host, args.port), args.host, args.port)
        else:
            ft.run(
                make_page_handler(services),
                name="",
                view=ft.AppView.FLET_APP,
                host=args.host,
                port=args.port,
                assets_dir=str(ASSETS_DIR),
                no_cdn=True,
            )
    except KeyboardInterrupt:
        pass
    finally:
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
