"""What Kindred adds to the Flet web client's page (index.html), in the browser UI served by
``main.py --web`` and in the offline web app (pwa/build.py) alike.

Two gaps in Flutter's web engine (its accessibility tree of ``flt-semantics`` elements), which
the script below closes. It reads nothing beyond that tree and sends nothing anywhere.

- A dialog gets the ``dialog``/``alertdialog`` role, but its name
  (``AlertDialog.semantics_label``, or its title) sits on a node inside it, so a screen reader
  announces "dialog" with no name (axe: aria-dialog-name, serious). Such a dialog is named after
  the first labelled node inside it, with ``aria-labelledby``, which the engine never sets.
- A route that names itself (a modal bottom sheet is "Dialog") gets an ``aria-label`` but no
  role, and a label on an element without a role is ignored by screen readers (axe:
  aria-prohibited-attr, serious). A labelled element without a role that holds controls is
  made a ``group``, which is what it is: a named part of the screen with controls in it.
"""

from __future__ import annotations

DIALOG_NAME_SCRIPT = """
  <script>
    // Kindred: name Flutter's dialogs, and give labelled regions a role (see services/web_page.py).
    (() => {
      const nameDialogs = () => {
        for (const dialog of document.querySelectorAll("flt-semantics[role=dialog], flt-semantics[role=alertdialog]")) {
          if (dialog.getAttribute("aria-label") || dialog.getAttribute("aria-labelledby")) continue;
          const label = dialog.querySelector("flt-semantics[aria-label]");
          if (label && label.id) dialog.setAttribute("aria-labelledby", label.id);
        }
        for (const node of document.querySelectorAll("flt-semantics[aria-label]:not([role])")) {
          if (node.querySelector("flt-semantics[role], flt-semantics[tabindex], input, textarea")) node.setAttribute("role", "group");
        }
      };
      // Flutter changes the tree many times a frame (scrolling, typing): look once per frame.
      let queued = false;
      const queue = () => {
        if (queued) return;
        queued = true;
        requestAnimationFrame(() => { queued = false; nameDialogs(); });
      };
      new MutationObserver(queue).observe(document.documentElement,
        {childList: true, subtree: true, attributes: true, attributeFilter: ["aria-label", "role"]});
    })();
  </script>
"""


def with_page_fixes(html: str) -> str:
    """``html`` (Flet's index.html) with Kindred's script before ``</head>``; unchanged if it
    is there already or the page has no head."""
    if "Kindred: name Flutter's dialogs" in html or "</head>" not in html:
        return html
    return html.replace("</head>", DIALOG_NAME_SCRIPT + "</head>", 1)
