"""What Kindred adds to the Flet web client's page (index.html), in the browser UI served by
``main.py --web`` and in the offline web app (pwa/build.py) alike.

Flutter's web engine gives a dialog the ``dialog``/``alertdialog`` role but puts the dialog's
name (``AlertDialog.semantics_label``, or its title) on a node inside it, so a screen reader
announces "dialog" with no name (axe: aria-dialog-name, serious). The script below names
every such dialog after the first labelled node inside it, with ``aria-labelledby``, which
the engine never sets or clears itself. It reads no content beyond the accessibility tree
and sends nothing anywhere.
"""

from __future__ import annotations

DIALOG_NAME_SCRIPT = """
  <script>
    // Kindred: name Flutter's dialogs for screen readers (see services/web_page.py).
    (() => {
      const nameDialogs = () => {
        for (const dialog of document.querySelectorAll("flt-semantics[role=dialog], flt-semantics[role=alertdialog]")) {
          if (dialog.getAttribute("aria-label") || dialog.getAttribute("aria-labelledby")) continue;
          const label = dialog.querySelector("flt-semantics[aria-label]");
          if (label && label.id) dialog.setAttribute("aria-labelledby", label.id);
        }
      };
      new MutationObserver(nameDialogs).observe(document.documentElement, {childList: true, subtree: true});
    })();
  </script>
"""


def with_page_fixes(html: str) -> str:
    """``html`` (Flet's index.html) with Kindred's script before ``</head>``; unchanged if it
    is there already or the page has no head."""
    if "Kindred: name Flutter's dialogs" in html or "</head>" not in html:
        return html
    return html.replace("</head>", DIALOG_NAME_SCRIPT + "</head>", 1)
