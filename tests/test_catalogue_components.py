"""The catalogue in the app, in-process (FLET-NOTES.md, layer 2), with the network off: a person
in Philadelphia, Edmonton or London sees open directories that cover their place in Find
("More groups near you") and in Settings → Directory sources, labelled as community-run
directories Kindred does not check, and subscribes to one in one tap."""

from __future__ import annotations

import socket

import flet as ft
import pytest

from services import session as sessions
from tests.catalogue_support import catalogue_trust  # noqa: F401 - a fixture
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
    """Each Subscribe button by the directory its accessible name gives (its text's label)."""
    return {b.content.semantics_label.removeprefix("Subscribe to "): b for b in ui.find(ft.FilledTonalButton)
            if isinstance(b.content, ft.Text) and (b.content.semantics_label or "").startswith("Subscribe to ")}


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


def subscribe_names(ui) -> set[str]:
    """The accessible names of the Subscribe buttons (the label of each button's own text)."""
    return {b.content.semantics_label for b in ui.find(ft.FilledTonalButton)
            if isinstance(b.content, ft.Text) and (b.content.semantics_label or "").startswith("Subscribe to ")}


@pytest.mark.asyncio
async def test_sync_now_updates_the_catalogue_and_the_suggestions_follow(catalogue_trust, services, feed_server):
    """Directory sources → Sync now fetches a newer signed catalogue over HTTP on 127.0.0.1; a
    directory it adds for London is suggested at once, here and in Find."""
    from tests.catalogue_support import LONDON_ENTRY, catalogue_bytes, publish

    person_in(services, "London")
    body = catalogue_bytes("2027-01-15", add=LONDON_ENTRY)
    url = publish(feed_server, "/catalogue.json", body, catalogue_trust(body))
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings/sources")
    await ui.wait_for(lambda: ui.has_text("Suggested directories for your place") and bool(subscribe_names(ui)))
    assert ui.has_text("Catalogue of open directories") and ui.has_text("came with Kindred")
    assert "Subscribe to A London test directory" not in subscribe_names(ui)
    # Kindred publishes no catalogue address yet: the person enters one.
    assert ui.has_text("Kindred has no published address for catalogue updates yet")
    await ui.type("Catalogue address", url)
    await ui.click(ui.button("Save address"))
    await ui.wait_for(lambda: ui.has_text("Sync now also updates it from"))
    assert feed_server.requests_for("/catalogue.json") == []  # nothing is fetched until a sync

    await ui.click(ui.button("Sync now"))
    await ui.wait_for(lambda: "Subscribe to A London test directory" in subscribe_names(ui))
    await ui.settle()
    assert ui.has_text("Catalogue of open directories: Updated:")
    assert ui.has_text("catalogue of 2027-01-15") and ui.has_text("a newer signed copy")
    assert ui.has_text("Covers your area")

    await ui.navigate("/")
    await ui.wait_for(lambda: ui.has_text("More groups near you") and "Subscribe to A London test directory" in subscribe_names(ui))


@pytest.mark.asyncio
async def test_a_refused_catalogue_is_said_plainly_and_the_suggestions_stay(catalogue_trust, services, feed_server):
    from tests.catalogue_support import LONDON_ENTRY, catalogue_bytes, publish

    person_in(services, "London")
    body = catalogue_bytes("2027-01-15", add=LONDON_ENTRY)
    url = publish(feed_server, "/catalogue.json", body, catalogue_trust(body.replace(b"London test", b"Paris test")))
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings/sources")
    await ui.wait_for(lambda: ui.has_text("Kindred has no published address for catalogue updates yet"))
    await ui.type("Catalogue address", url)
    await ui.click(ui.button("Save address"))
    await ui.wait_for(lambda: ui.has_text("Sync now also updates it from"))
    await ui.click(ui.button("Sync now"))
    await ui.wait_for(lambda: ui.has_text("not signed by Kindred's catalogue key"))
    await ui.settle()
    assert ui.has_text("The catalogue in use is kept.")
    assert ui.has_text("came with Kindred")
    assert "Subscribe to A London test directory" not in subscribe_names(ui)
    assert "Subscribe to Virtual NA" in subscribe_names(ui)
