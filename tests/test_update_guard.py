"""views/update_guard.py: a redraw that fails, or a leftover component's, never freezes a tab."""

import copy

import pytest
from flet.components.component import Component

from tests.privacy_support import PASSPHRASE
from tests.ui_harness import start_ui
from views import update_guard

pytestmark = pytest.mark.asyncio


def component(ui, name: str) -> Component:
    found = [c for c in list(ui.session.index.values()) if isinstance(c, Component) and c.fn.__name__ == name]
    assert found, f"no {name} on screen"
    return found[0]


def failing(*_args, **_kwargs):
    raise RuntimeError("a canary the log must not quote")


def scheduler_alive(ui) -> bool:
    return not ui.session._Session__updates_task.done()


async def test_a_redraw_that_fails_leaves_the_tab_drawing(services, caplog):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, passphrase=PASSPHRASE)
    help_action = component(ui, "HelpAction")
    object.__setattr__(help_action, "fn", failing)
    help_action._schedule_update()
    await ui.settle()
    assert scheduler_alive(ui), "the tab's redraws ended with one failed redraw"
    assert "RuntimeError" in caplog.text and "canary" not in caplog.text
    await ui.navigate("/journal")
    await ui.settle()
    assert ui.has_text("How are you feeling right now?"), "the next screen was never drawn"


async def test_a_component_with_no_app_above_it_is_a_leftover_not_an_error(services, caplog):
    from views.models import OutsideTheApp

    def outside(*_args, **_kwargs):
        raise OutsideTheApp("use_app() outside of the Kindred app")

    services.preferences.mark_welcome_done()
    ui = await start_ui(services)
    help_action = component(ui, "HelpAction")
    object.__setattr__(help_action, "fn", outside)
    help_action._schedule_update()
    await ui.settle()
    assert scheduler_alive(ui) and "failed" not in caplog.text


async def test_a_leftover_component_is_not_redrawn(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services)
    on_screen = component(ui, "HelpAction")
    leftover = copy.copy(on_screen)  # the same number, another object: what a move leaves behind
    object.__setattr__(leftover, "fn", failing)
    assert update_guard.on_screen(on_screen) and not update_guard.on_screen(leftover)
    leftover.update()  # would raise (and end the scheduler's loop) if it were drawn
    assert scheduler_alive(ui)
