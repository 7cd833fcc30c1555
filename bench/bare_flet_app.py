"""The floor for a launch: a Flet app with one text, served the way ``main.py --web`` serves
Kindred (Flet's ASGI app under Kindred's guarded uvicorn). Used by ``bench/cold_start.py``.

Run: ``python bench/bare_flet_app.py PORT``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flet as ft  # noqa: E402

from services import app_server  # noqa: E402


def main(page: ft.Page) -> None:
    page.add(ft.Text("Welcome to Kindred"))


if __name__ == "__main__":
    port = int(sys.argv[1])
    print(f"running at http://127.0.0.1:{port}", flush=True)
    asgi = ft.run(main, name="", view=ft.AppView.WEB_BROWSER, no_cdn=True, export_asgi_app=True)
    app_server.serve(app_server.guard(asgi, "127.0.0.1", port), "127.0.0.1", port)
