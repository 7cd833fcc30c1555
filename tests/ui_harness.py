"""Render the real Kindred UI in-process, the way Flet tests itself (FLET-NOTES.md, layer 2).

A ``Session`` over a connection that only records messages; events are sent with
``session.dispatch_event``. No Flutter, no browser: fast and exact.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterable

import flet as ft
import msgpack
from flet.components.component import Component
from flet.components.hooks.use_effect import EffectHook
from flet.controls.base_control import BaseControl
from flet.controls.context import _context_page
from flet.messaging.connection import Connection
from flet.messaging.protocol import MessageAction, configure_encode_object_for_msgpack
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

from services.app import KindredServices
from services.session import PrivateSession
from services.session import unlock as unlock_session
from views.app import make_page_handler

SETTLE_TIMEOUT = 30.0  # seconds; generous for a machine busy with other work


class RecordingConnection(Connection):
    """Records what the server sends, and answers route pushes as the Flutter client would."""

    def __init__(self):
        super().__init__()
        self.messages = []
        self.pubsubhub = PubSubHub()
        self.session: Session | None = None
        # What the "client" answers to service methods (FilePicker.save_file, pick_files...):
        # name -> function(args) -> result. Calls are recorded in ``invoked``.
        self.client_methods: dict = {}
        self.invoked: list[tuple[str, dict]] = []

    def send_message(self, message):
        self.messages.append(message)
        # Encode it as the web server does: encoding is what records the "last sent"
        # snapshots that later diffs (dialogs, lists) are computed against.
        encode(message.action, message.body)
        if message.action == MessageAction.INVOKE_METHOD and message.body.name == "push_route":
            asyncio.get_running_loop().create_task(self._client_pushes_route(message.body))
        elif message.action == MessageAction.INVOKE_METHOD and message.body.name in self.client_methods:
            body = message.body
            self.invoked.append((body.name, body.args))
            result = self.client_methods[body.name](body.args)
            asyncio.get_running_loop().call_soon(
                self.session.handle_invoke_method_results, body.control_id, body.call_id, result, None
            )

    async def _client_pushes_route(self, body) -> None:
        route = body.args["route"]
        self.session.apply_page_patch({"route": route})
        self.session.handle_invoke_method_results(body.control_id, body.call_id, None, None)
        await self.session.dispatch_event(self.session.page._i, "route_change", {"route": route})


def encode(*parts) -> bytes:
    return msgpack.packb(list(parts), default=configure_encode_object_for_msgpack(BaseControl))


async def flush(turns: int = 10) -> None:
    for _ in range(turns):
        await asyncio.sleep(0)


async def wait_until(condition: Callable[[], bool], timeout: float = SETTLE_TIMEOUT, what: str = "condition") -> None:
    """Poll ``condition`` (letting the loop and worker threads run) until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await flush()
        if condition():
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s: {what}")
        await asyncio.sleep(0.005)  # a poll interval, not a wait for something to finish


class UI:
    """A running UI session with helpers to look at and poke the control tree."""

    def __init__(self, session: Session):
        self.session = session
        self.page = session.page

    @property
    def state(self):
        """The session's AppModel (views/models.py)."""
        return self.page.data

    def open_with(self, store) -> PrivateSession:
        """Open this UI session over an already unlocked store (what unlocking does)."""
        session = PrivateSession(self.state.services, store, self.state.country)
        self.state.opened(session)
        return session

    def controls(self) -> Iterable:
        return list(self.session.index.values())

    def texts(self) -> list[str]:
        found = []
        for control in self.controls():
            value = getattr(control, "value", None) if isinstance(control, ft.Text) else None
            if isinstance(value, str):
                found.append(value)
        return found

    def has_text(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())

    def find(self, kind: type, predicate=lambda c: True) -> list:
        return [c for c in self.controls() if isinstance(c, kind) and predicate(c)]

    def button(self, label: str):
        def matches(control) -> bool:
            content = getattr(control, "content", None)
            text = content if isinstance(content, str) else getattr(content, "value", None)
            return text == label

        buttons = [c for kind in (ft.Button, ft.TextButton, ft.OutlinedButton, ft.FilledTonalButton) for c in self.find(kind, matches)]
        assert buttons, f"no button labelled {label!r}; texts on screen: {self.texts()}"
        return buttons[0]

    def labelled(self, label: str):
        # An icon button is named by its icon's semantics label (views/widgets/icon_action.py).
        buttons = self.find(ft.IconButton, lambda c: getattr(c.icon, "semantics_label", None) == label)
        if buttons:
            return buttons[0]
        found = self.find(ft.Semantics, lambda c: c.label == label)
        assert found, f"nothing labelled {label!r}"
        return found[0].content

    async def click(self, control) -> None:
        await self.session.dispatch_event(control._i, "click", None)
        await flush()

    def set(self, control, **props) -> None:
        """What the client does when a person changes a value: a patch from outside."""
        self.session.apply_patch(control._i, props)

    async def event(self, control, name: str, data=None) -> None:
        await self.session.dispatch_event(control._i, name, data)
        await flush()

    async def in_one_breath(self, typed: dict[str, str], then=None, event: str = "click", data=None) -> None:
        """What the browser sends when a person types and taps before the server answers (a
        busy phone, a slow link, a paste): every field's patch and "change", then ``event`` on
        ``then``, read from the socket together. The server (flet_socket_server) applies each
        patch at once and starts one task per event, in order, with no redraw in between."""
        tasks = []
        for label, value in typed.items():
            control = self.field(label)
            self.set(control, value=value)
            tasks.append(asyncio.create_task(self.session.dispatch_event(control._i, "change", value)))
        if then is not None:
            tasks.append(asyncio.create_task(self.session.dispatch_event(then._i, event, data)))
        await asyncio.gather(*tasks)
        await flush()

    async def events_in_one_breath(self, *events: tuple) -> None:
        """Several ``(control, event name, data)`` sent together, as two quick taps are."""
        tasks = [asyncio.create_task(self.session.dispatch_event(control._i, name, data)) for control, name, data in events]
        await asyncio.gather(*tasks)
        await flush()

    async def navigate(self, route: str) -> None:
        self.page.navigate(route)
        await flush()

    def current_route(self) -> str:
        return self.page.route

    @property
    def connection(self) -> RecordingConnection:
        return self.session.connection

    def field(self, label: str):
        found = self.find(ft.TextField, lambda c: c.label == label)
        assert found, f"no text field labelled {label!r}; texts on screen: {self.texts()}"
        return found[0]

    async def type(self, label: str, value: str) -> None:
        """What typing does: the client patches the value, then sends "change"."""
        control = self.field(label)
        self.set(control, value=value)
        await self.event(control, "change", value)

    def effects_running(self) -> bool:
        """A screen's load (an async ``use_effect``) queued or still running: the AppModel does
        not count these, and a check right after a screen opens would see it half-loaded
        (a clean-clone CI run read the Sources screen before its list came)."""
        if self.session._Session__pending_effects:
            return True
        for control in list(self.session.index.values()):
            if isinstance(control, Component):
                for hook in control._state.hooks:
                    if isinstance(hook, EffectHook) and hook._setup_task is not None and not hook._setup_task.done():
                        return True
        return False

    def idle(self, sync: bool) -> bool:
        return not self.state.busy(sync) and not self.effects_running()

    async def settle(self, timeout: float = SETTLE_TIMEOUT, sync: bool = True) -> None:
        """Until this session has no work left (actions, background loads and screen loads, and
        a sync unless ``sync=False``) and the UI has re-rendered: a condition, never a fixed wait."""
        await wait_until(lambda: self.idle(sync), timeout, "the session never became idle")
        await flush()
        await wait_until(lambda: self.idle(sync), timeout, "the session never became idle")
        gc.collect()  # the session's index is weak: controls that left the tree disappear from it

    async def wait_for(self, condition: Callable[[], bool], timeout: float = SETTLE_TIMEOUT, what: str = "") -> None:
        """Until ``condition()`` holds, re-rendering in between."""
        await wait_until(condition, timeout, what or f"condition never held; texts: {self.texts()}")


def device_info(locales: tuple[str, ...]) -> dict:
    """What a browser answers to page.get_device_info(): ("en-NZ", "en") → its locales."""
    def locale(tag: str) -> dict:
        language, _, country = tag.partition("-")
        return {"language_code": language, "country_code": country or None}
    return {"browser_name": "chrome", "language": locales[0] if locales else None,
            "languages": list(locales), "locales": [locale(tag) for tag in locales]}


async def start_ui(services: KindredServices, width: float = 390, route: str = "/", passphrase: str | None = None,
                   locales: tuple[str, ...] = ("en",), platform: ft.PagePlatform = ft.PagePlatform.LINUX) -> UI:
    """A new UI session. With ``passphrase``: Kindred is set up (if it is not yet) and this
    session is unlocked with it, the way the unlock screen does. ``locales``: the browser's
    languages, most preferred first (the default "en" names no country). ``platform``: the
    system the browser runs on (Android, iOS: a touch screen)."""
    if passphrase is not None and not services.vault.is_set_up():
        services.vault.set_up(passphrase)
    connection = RecordingConnection()
    connection.client_methods["get_device_info"] = lambda _args: device_info(locales)
    connection.loop = asyncio.get_running_loop()
    session = Session(connection)
    connection.session = session
    page = session.page
    page.width = width
    page.route = route
    # What a browser on this machine reports: the web client, on Linux (by default).
    page.web = True
    page.platform = platform
    connection.page_url = "http://127.0.0.1:8550"  # what page.url reads
    _context_page.set(page)
    # The real server runs this too: it flushes queued updates (dialogs) and effects.
    session.start_updates_scheduler()
    await make_page_handler(services)(page)
    encode(session.get_page_patch())  # serialising the page is what expands the component tree
    await flush()
    ui = UI(session)
    if passphrase is not None:
        ui.state.opened(await asyncio.to_thread(unlock_session, services, passphrase, ui.state.country))
    await ui.settle(sync=False)  # the sync at start runs in the background: never waited for here
    return ui
