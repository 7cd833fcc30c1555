"""Share a group's public details: the share sheet on phones, the clipboard elsewhere.
Only public details go out; never notes or attendance."""

from __future__ import annotations

import flet as ft

from services.directory.model import GroupDetails
from services.group_text import share_text
from views.find.common import snack
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


def public_text(details: GroupDetails) -> str:
    return share_text(details.record, details.id, details.schedule_text)


@ft.component
def ShareButton(details: GroupDetails):
    async def share():
        page = ft.context.page
        text = public_text(details)
        if not page.web and page.platform in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS):
            await ft.Share().share_text(text, subject=details.record.name)
            return
        await ft.Clipboard().set(text)
        snack(_("Copied the group's public details. Paste them into a message or note."))

    return ft.OutlinedButton(_("Share"), icon=ft.Icons.SHARE_OUTLINED, on_click=share)
