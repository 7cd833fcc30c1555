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

from tests.browser_support import CLIPPED_JS

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


def axe_problems(page, timeout: float = 120_000) -> list[str]:
    """axe-core's serious and critical violations. axe is started in the page and its result
    waited for with a time limit: a plain ``evaluate`` has none, and a page that never answers
    would hold the whole test run."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(Axe().axe_script)
    page.evaluate(
        """(options) => { window.__kindredAxe = null;
             axe.run(document, options).then(r => { window.__kindredAxe = {violations: r.violations}; },
                                             e => { window.__kindredAxe = {error: String(e)}; }); }""",
        {"resultTypes": ["violations"]},
    )
    page.wait_for_function("() => window.__kindredAxe !== null", timeout=timeout, polling=200)
    results = page.evaluate("() => window.__kindredAxe")
    assert "error" not in results, f"axe-core failed: {results['error']}"
    problems = []
    for violation in results["violations"]:
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
    """Controls under ``minimum`` px, on the whole screen: those scrolled out of sight too
    (Flutter keeps their whole box). Controls cut across by the window, the app bar, the
    navigation bar or the edge of a scrolling list are left out (Flutter reports only their
    visible slice, so their size cannot be told); so are text fields' own inputs (the field
    around them is the target)."""
    return page.evaluate(
        f"""(() => {{
             const name = {NAME_JS};
             // At or across an edge: only the slice inside is reported (browser_support.CLIPPED_JS).
             // A control wholly out of sight keeps its whole box and is measured.
             {CLIPPED_JS}
             // the bottom navigation bar (phones); a destination bar at the top (wide windows) is no lower edge
             const bars = Array.from(document.querySelectorAll('flt-semantics[role=tab]')).map(t => t.getBoundingClientRect().top)
               .filter(top => top >= window.innerHeight / 2);
             const bottom = Math.min(window.innerHeight, ...bars) - 1;
             const help = Array.from(document.querySelectorAll('flt-semantics[role=button]'))
               .filter(e => name(e) === 'Get help now').map(e => e.getBoundingClientRect().bottom);
             const top = Math.max(0, ...help) + 1;
             return Array.from(document.querySelectorAll({CONTROLS!r}))
               .filter(e => !['INPUT', 'TEXTAREA'].includes(e.tagName) && e.style.pointerEvents !== 'none')
               .map(e => [e, e.getBoundingClientRect()])
               .filter(([e, r]) => r.width > 0 && r.height > 0)
               .filter(([e, r]) => e.getAttribute('role') === 'tab' || name(e) === 'Get help now'
                                   || !straddles(r, {{top, bottom, left: 0, right: window.innerWidth}}))
               .filter(([e, r]) => Math.min(r.width, r.height) < {minimum} - 0.5)
               .filter(([e, r]) => !clipped(e, r))
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


def tab_to_next(page, previous: dict | None, timeout: float = 5_000) -> dict:
    """Press Tab and return the stop it reached, once the DOM's focus has moved off ``previous``.
    Flutter paints its focus at once and moves the DOM's focus to the matching node later: on a
    busy machine the DOM named the stop before for a moment (CI measured a ring on the wrong box).
    The stop is read in the same poll that saw the focus move (a later read could see a screen
    still loading take it elsewhere)."""
    page.keyboard.press("Tab")
    return page.wait_for_function(
        f"(prev) => {{ const f = {FOCUSED_JS}; return f !== null && (prev === null || f.id !== prev) ? f : null; }}",
        arg=previous["id"] if previous else None, timeout=timeout, polling=50).json_value()


def tab_stops(page, limit: int = 30) -> list[dict]:
    """Press Tab until focus comes back round (or ``limit``
    stops): each stop's name, role and box, its ``y`` in page coordinates (a list that
    scrolls to show the focused row is scrolled back in the numbers)."""
    # No blur() first: blurring Flutter's focused text input (an autofocus field) leaves the
    # field deaf to typing afterwards. The walk starts wherever focus is and goes round.
    stops: list[dict] = []
    offset = 0.0
    previous = None
    for _ in range(limit):
        try:
            stop = tab_to_next(page, previous, timeout=3_000)
        except Exception:
            break  # focus did not move: a single stop, or none
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
    if stop["y"] + stop["h"] <= 58 and stop["page_y"] + stop["h"] <= 58:  # (not a row scrolled up under it)
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
    if stops:  # begin the round at the top of the screen
        first = min(range(len(stops)), key=lambda i: (round(stops[i]["page_y"] - stops[0]["page_y"] + stops[0]["y"]), stops[i]["x"]))
        stops = stops[first:] + stops[:first]
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


def focus_ring_contrast(before_png: bytes, after_png: bytes, perimeter: float) -> float:
    """The focus indicator's contrast as WCAG 2.4.13 measures it: between screenshots of the
    same box without and with keyboard focus, an area at least as large as a 2 px thick
    perimeter of the control must change colour by at least 3:1. Returns the contrast that
    such an area reaches (the changed pixels, best first, counted until that area is
    covered); 1.0 when nothing changed."""
    from PIL import Image

    before = Image.open(BytesIO(before_png)).convert("RGB")
    after = Image.open(BytesIO(after_png)).convert("RGB")
    width, height = before.size
    pb, pa = before.load(), after.load()
    changed = sorted((contrast(pb[x, y], pa[x, y]) for y in range(height) for x in range(width)
                      if pb[x, y] != pa[x, y]), reverse=True)
    needed = int(2 * perimeter)
    if not changed:
        return 1.0
    return changed[min(needed, len(changed) - 1)]


def frames(page, count: int = 10) -> None:
    """Wait until the browser has drawn ``count`` more frames (Flutter paints focus changes
    on its canvas a frame or two after the DOM's focus moves)."""
    page.evaluate("""(n) => new Promise(done => { const step = (k) => k ? requestAnimationFrame(() => step(k - 1)) : done(true); step(n); })""", count)


def measured_focus_ring(page, name: str, attempts: int = 20) -> float:
    """Tab until the control called ``name`` has the focus and measure its focus indicator
    (``focus_ring_contrast``) in the box around it, from screenshots of the still screen."""
    from PIL import Image

    from tests.browser_support import still_screenshot

    frames(page)
    unfocused = still_screenshot(page)  # the control as it looks before the Tab that reaches it
    previous = page.evaluate(FOCUSED_JS)
    for _ in range(attempts):
        focused = tab_to_next(page, previous)  # (waits for the DOM's focus: see there)
        frames(page)
        shown = still_screenshot(page)
        if focused["name"] == name:
            break
        unfocused, previous = shown, focused
    else:
        raise AssertionError(f"Tab never reached {name!r}")
    margin = 8
    box = (max(0, int(focused["x"]) - margin), max(0, int(focused["y"]) - margin),
           int(focused["x"] + focused["w"]) + margin, int(focused["y"] + focused["h"]) + margin)

    def crop(png: bytes) -> bytes:
        out = BytesIO()
        Image.open(BytesIO(png)).crop(box).save(out, format="PNG")
        return out.getvalue()

    # Wait (a bounded number of times) for the ring to show: the box changes from how it
    # looked before the Tab.
    after = shown
    for _ in range(attempts):
        if crop(after) != crop(unfocused):
            break
        frames(page)
        after = still_screenshot(page)
    # Then focus on the next control: the same box without the indicator.
    tab_to_next(page, focused)
    # The same wait for the ring to go. If the box never changes, nothing marked the focus, and
    # the contrast measured is 1:1.
    for _ in range(attempts):
        frames(page)
        before = still_screenshot(page)
        if crop(before) != crop(after):
            break
    return focus_ring_contrast(crop(before), crop(after), perimeter=2 * (focused["w"] + focused["h"]))
