"""How safe Kindred's data is in this browser, for Settings (nothing here is private)."""

from __future__ import annotations

from dataclasses import dataclass

from services.i18n import _
from services.platform import IS_BROWSER, _bridge


@dataclass(frozen=True)
class BrowserStorage:
    """How safe Kindred's data is in this browser, for Settings (None outside a browser).

    ``persistent``: "granted" (the browser promised not to clear the data to free space),
    "not-granted" (it may, under storage pressure) or "unsupported". ``save_failure``: why
    the last saves to IndexedDB failed, while they keep failing (the bridge keeps retrying).
    """

    persistent: str
    save_failure: str | None

    def describe(self) -> str:
        """The durability answer in plain words, after the failing saves when there are any."""
        durable = self._durability()
        if self.save_failure:
            return _("Kindred could not save your latest changes in this browser's storage ({reason}). It keeps "
                     "trying; until then they are only in this tab.").format(reason=self.save_failure) + " " + durable
        return durable

    def _durability(self) -> str:
        if self.persistent == "granted":
            return _("This browser has promised to keep Kindred's data: it will not clear it to free space.")
        if self.persistent == "not-granted":
            return _("This browser may clear Kindred's data if the device runs short of space. "
                     "Installing Kindred (Add to home screen) usually stops that; make backups to be safe.")
        return _("This browser does not say whether it will keep Kindred's data; make backups to be safe.")


async def browser_storage() -> BrowserStorage | None:
    """The browser's answer to ``navigator.storage.persist()`` (asked by the start-up page) and
    any save that keeps failing. None on the desktop, where the data is ordinary files."""
    if not IS_BROWSER:
        return None
    bridge = _bridge()
    persistent = str(await bridge.persistentStorage())
    failure = bridge.saveFailure
    return BrowserStorage(persistent=persistent, save_failure=str(failure) if failure else None)
