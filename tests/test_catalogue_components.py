"""The catalogue in the app, in-process (FLET-NOTES.md, layer 2), with the network off: a person
in Philadelphia, Edmonton or London sees open directories that cover their place in Find
("More groups near you") and in Settings → Directory sources, labelled as community-run
directories Kindred does not check, and subscribes to one in one tap."""

from __future__ import annotations

import socket

import flet as ft
import pytest

from services import session as sessions
from tests.privacy_support import PASSPHRASE
from tests.ui_harness import start_ui


@pytest.fixture
def network_off(monkeypatch):
    """Any attempt to open a network connection fails (the subscription's download then fails too)."""

    def refuse(*args, **kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def person_in(services, place: str) -> None:
    services.preferences.mark_welcome_done()
    opened = sessions.set_up(services, PASSPHRASE)
    opened.session.set_place(place)


def subscribe_buttons(ui) -> dict[str, ft.Control]:
    return {b.tooltip.removeprefix("Subscribe to "): b for b in ui.find(ft.FilledTonalButton)
            if (b.tooltip or "").startswith("Subscribe to ")}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("place", "covering"),
    [
        ("Philadelphia", ["NA Greater Philadelphia Region", "AA Southeastern Pennsylvania Intergroup (SEPIA)"]),
        ("Edmonton", ["AA Edmonton Central Office", "NA Canadian Assembly"]),
        # No open feed for London itself was found (docs/catalogue.md): the online directories cover it.
        ("London", ["Online Intergroup of A.A. (OIAA)", "Virtual NA"]),
    ],
)
async def test_find_suggests_directories_covering_my_place_and_subscribes_in_one_tap(services, network_off, place, covering):
    person_in(services, place)
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/")
    await ui.wait_for(lambda: ui.has_text("More groups near you") and bool(subscribe_buttons(ui)))
    assert ui.has_text("Community-run directories that Kindred does not check.")
    offered = subscribe_buttons(ui)
    assert set(covering) <= set(offered), sorted(offered)
    if place == "London":
        assert not any(ui.has_text(w) for w in ("Covers your area", "Covers your country"))
        assert "AA Southeastern Pennsylvania Intergroup (SEPIA)" not in offered
    else:
        assert ui.has_text("Covers your area")
        assert "Online Intergroup of A.A. (OIAA)" in offered  # and the online ones after them
    # Only what covers this place: nothing from the other two cities.
    others = {"Philadelphia": "AA Edmonton Central Office", "Edmonton": "NA Greater Philadelphia Region",
              "London": "AA Edmonton Central Office"}
    assert others[place] not in offered

    chosen = covering[0]
    await ui.click(offered[chosen])
    await ui.wait_for(lambda: [s.name for s in services.sync.list_sources()] == [chosen])
    await ui.settle()  # the download it starts fails (no network) and is reported, never waited on here
    assert [s.name for s in services.sync.list_sources()] == [chosen]

    # Directory sources suggests the same, and knows this one is subscribed.
    await ui.navigate("/settings/sources")
    await ui.wait_for(lambda: ui.has_text("Suggested directories for your place") and bool(subscribe_buttons(ui)))
    assert chosen not in subscribe_buttons(ui)
    assert ui.has_text("Subscribed")
    assert set(covering[1:]) <= set(subscribe_buttons(ui))
