"""Accessibility checks over Flutter's semantics DOM (the tree a screen reader gets).

Flutter web draws on a canvas; with accessibility switched on (tests/browser_support.open_app)
it also keeps a tree of ``flt-semantics`` elements with roles, names and boxes. These checks
read that tree:

- ``axe_problems``: axe-core (bundled by ``axe-playwright-python``, runs offline) — serious and
  critical violations only;
- ``unnamed_controls``: focusable controls with no accessible name;
- ``small_targets``: controls whose box is under 44 × 44 CSS px (WCAG 2.5.8 asks 24; Kindred
  keeps 44, the size of a thumb);
- ``focus_order_problems``: Tab from the top of the screen and check that focus follows
  reading order: the app bar, the navigation and the page each take their turn once (Tab
  never weaves between the side rail and the page), and within the page it goes down, never
  back up.

What they cannot see in a canvas-drawn app (drawn colours, the focus ring) is said in the
README's Accessibility section; ``focus_ring_contrast`` measures the ring from a screenshot.
"""

from __future__ import annotations

import re
from io import BytesIO

SERIOUS = ("serious", "critical")

# Roles a person can operate; a flt-semantics element with a tabindex is focusable too.
CONTROLS = (
    "flt-semantics[role=button], flt-semantics[role=tab], flt-semantics[role=checkbox], "
    "flt-semantics[role=radio], flt-semantics[role=switch], flt-semantics[role=slider], "
    "flt-semantics[role=link], flt-semantics[role=combobox], flt-semantics[role=menuitem], "
    "flt-semantics a, flt-semantics input, flt-semantics textarea, flt-semantics[tabindex]"
)

NAME_JS = """(e) => {
  const own = (e.getAttribute('aria-label') || '').trim();
  if (own) return own;
  const ids = (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
  const byId = ids.map(id => (document.getElementById(id)?.innerText || '')).join(' ').trim();
  if (byId) return byId;
  if (['INPUT', 'TEXTAREA'].includes(e.tagName)) {
    const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
    return (label || e.getAttribute('placeholder') || '').trim();
  }
  return (e.innerText || '').trim();
}"""


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            for node in violation["nodes"]:
                problems.append(f"axe {violation['id']} ({violation['impact']}): {node['html'][:160]}")
    return problems


def unnamed_controls(page) -> list[str]:
    return page.evaluate(
        f"""(() => {{
             const name = {NAME_JS};
             return Array.from(document.querySelectorAll({CONTROLS!r}))
               .filter(e => e.tagName === 'INPUT' || e.tagName === 'TEXTAREA' || e.style.pointerEvents !== 'none')
               .filter(e => !name(e))
               .map(e => {{
                  const r = e.getBoundingClientRect();
                  return `unnamed ${{e.getAttribute('role') || e.tagName.toLowerCase()}} at ${{Math.round(r.x)}},${{Math.round(r.y)}} ${{Math.round(r.width)}}x${{Math.round(r.height)}}`;
               }});
           }})()"""
    )


def small_targets(page, minimum: int = 44) -> list[str]:
    """Controls under ``minimum`` px. Controls cut off by the window, the app bar or the
    navigation bar are left out (Flutter reports only their visible slice); so are text
    fields' own inputs (the field around them is the target)."""
    return page.evaluate(
        f"""(() => {{
             const name = {NAME_JS};
             const bars = Array.from(document.querySelectorAll('flt-semantics[role=tab]')).map(t => t.getBoundingClientRect().top);
             const bottom = Math.min(window.innerHeight, ...bars) - 1;
             const help = Array.from(document.querySelectorAll('flt-semantics[role=button]'))
               .filter(e => name(e) === 'Get help now').map(e => e.getBoundingClientRect().bottom);
             const top = Math.max(0, ...help) + 1;
             return Array.from(document.querySelectorAll({CONTROLS!r}))
               .filter(e => !['INPUT', 'TEXTAREA'].includes(e.tagName) && e.style.pointerEvents !== 'none')
               .map(e => [e, e.getBoundingClientRect()])
               .filter(([e, r]) => r.width > 0 && r.height > 0)
               .filter(([e, r]) => e.getAttribute('role') === 'tab' || name(e) === 'Get help now'
                                   || (r.top >= top && r.bottom <= bottom && r.left >= 0 && r.right <= window.innerWidth))
               .filter(([e, r]) => Math.min(r.width, r.height) < {minimum} - 0.5)
               .map(([e, r]) => `small target "${{name(e).slice(0, 40)}}" ${{Math.round(r.width)}}x${{Math.round(r.height)}}`);
           }})()"""
    )


FOCUSED_JS = f"""(() => {{
  const name = {NAME_JS};
  const e = document.activeElement;
  if (!e || e === document.body || !e.closest('flt-semantics-host')) return null;
  if (!e.id) e.id = 'kindred-focus-' + Math.random().toString(36).slice(2);
  const r = e.getBoundingClientRect();
  return {{id: e.id, name: name(e).slice(0, 40), role: e.getAttribute('role') || e.tagName.toLowerCase(),
          x: r.x, y: r.y, w: r.width, h: r.height}};
}})()"""

BOX_JS = """(id) => { const e = document.getElementById(id); if (!e) return null;
  const r = e.getBoundingClientRect(); return r.width || r.height ? {x: r.x, y: r.y} : null; }"""

DESTINATIONS = ("Find", "Journal", "Saved", "Settings")


def tab_stops(page, limit: int = 30) -> list[dict]:
    """Press Tab from the start of the screen until focus comes back round (or ``limit``
    stops): each stop's name, role and box, its ``y`` in page coordinates (a list that
    scrolls to show the focused row is scrolled back in the numbers)."""
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
    stops: list[dict] = []
    offset = 0.0
    previous = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        try:
            page.wait_for_function(
                f"(prev) => {{ const f = {FOCUSED_JS}; return f !== null && (prev === null || f.id !== prev); }}",
                arg=previous["id"] if previous else None, timeout=3_000, polling=50)
        except Exception:
            break  # focus did not move: a single stop, or none
        stop = page.evaluate(FOCUSED_JS)
        if previous is not None:
            moved = page.evaluate(BOX_JS, previous["id"])
            if moved is None:
                break  # the previous row scrolled out of the DOM: positions are no longer comparable
            offset += previous["y"] - moved["y"]
        stop["page_y"] = stop["y"] + offset
        if stops and stop["id"] == stops[0]["id"]:
            break  # round again
        stops.append(stop)
        previous = stop
    return stops


def region(stop: dict, rail_right: float) -> str:
    if stop["role"] == "tab" or re.match(r"^(Find|Journal|Saved|Settings)(\s+Tab \d+ of \d+)?$", stop["name"]):
        return "navigation"
    if stop["y"] + stop["h"] <= 58:
        return "app bar"
    if rail_right and stop["x"] + stop["w"] <= rail_right + 1:
        return "navigation"
    return "page"


def focus_order_problems(page) -> list[str]:
    rail = page.evaluate(
        """(names) => Math.max(0, ...Array.from(document.querySelectorAll('flt-semantics[role=button]'))
             .filter(e => names.includes((e.getAttribute('aria-label') || e.innerText || '').trim().split(/\\s/)[0]))
             .map(e => e.getBoundingClientRect()).filter(r => r.top > 56 && r.left < 10).map(r => r.right))""",
        list(DESTINATIONS),
    )
    stops = tab_stops(page)
    problems = []
    regions = [region(stop, rail) for stop in stops]
    runs = [r for i, r in enumerate(regions) if i == 0 or regions[i - 1] != r]
    if len(runs) > 1 and runs[0] == runs[-1]:
        runs = runs[:-1]  # the sequence wraps round
    if len(runs) != len(set(runs)):
        trail = " → ".join(f"{s['name'] or s['role']} [{r}]" for s, r in zip(stops, regions))
        problems.append(f"focus weaves between regions: {trail}")
    page_stops = [s for s, r in zip(stops, regions) if r == "page"]
    for before, after in zip(page_stops, page_stops[1:]):
        # Reading order: the next stop is not above this one (the same row may be a little
        # higher or lower: their tops are compared with some slack).
        if after["page_y"] + after["h"] / 2 < before["page_y"] - 2:
            problems.append(f"focus goes back up: \"{before['name']}\" (y {before['page_y']:.0f}) → \"{after['name']}\" (y {after['page_y']:.0f})")
    return problems


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    def luminance(rgb):
        def channel(c):
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b_ = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def focus_ring_contrast(before_png: bytes, after_png: bytes) -> float:
    """The focus indicator's contrast (WCAG 2.4.13 / 1.4.11): between the screenshots of the
    same screen without and with keyboard focus on a control, the pixels that changed are the
    indicator; its contrast is the best contrast of a changed pixel against what was there
    before (a ring ≥ 3:1 against its surroundings). Returns 1.0 when nothing changed."""
    from PIL import Image

    before = Image.open(BytesIO(before_png)).convert("RGB")
    after = Image.open(BytesIO(after_png)).convert("RGB")
    changed = []
    width, height = before.size
    pb, pa = before.load(), after.load()
    for y in range(height):
        for x in range(width):
            if pb[x, y] != pa[x, y]:
                changed.append(contrast(pb[x, y], pa[x, y]))
    if not changed:
        return 1.0
    changed.sort()
    # The ring is a line of pixels: take a high percentile, not one stray anti-aliased pixel.
    return changed[int(len(changed) * 0.9)]
