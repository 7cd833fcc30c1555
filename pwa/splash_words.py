"""The start-up screen's words (``pwa/splash.html``), in the UI's catalogue like every other
screen's: ``tools/i18n.py extract`` finds them here, translators translate them in the same
``.po`` files, and ``pwa/build.py`` puts each language's words into the page, which speaks
the language the app would (``splash_words_by_language``).

``{name}`` is filled in by the page's script. The page runs before Python, so nothing here is
looked up at run time.
"""

from __future__ import annotations

from services.i18n import LANGUAGES, N_, translations

ELAPSED_HINT = N_("The first start can take up to a minute; later starts are quicker. Help is below if you need it now.")

WORDS: dict[str, str] = {
    "starting": N_("Kindred is starting"),
    "stage_page": N_("Loading Kindred's screens"),
    "stage_python": N_("Starting Python in this browser"),
    "stage_unpack": N_("Unpacking Kindred"),
    "stage_code": N_("Loading Kindred's code"),
    "stage_data": N_("Opening your data"),
    "stage_ready": N_("Ready"),
    "progress": N_("Start-up progress"),
    "first_start": ELAPSED_HINT,
    "elapsed": N_("{seconds} s so far. The first start can take up to a minute; later starts are quicker. "
                  "Help is below if you need it now."),
    "reload": N_("Reload Kindred"),
    "elsewhere_title": N_("Kindred is open in another tab"),
    "elsewhere_why": N_("To keep every entry safe, only one tab or window can use Kindred at a time. Close the other "
                        "one and Kindred opens here by itself, or use it here instead — the other tab will stop."),
    "handed_over": N_("Kindred is now being used in another tab or window, so this one has stopped (everything you "
                      "saved here is kept). Use it here instead to reload it with your latest entries."),
    "take_over": N_("Use Kindred here"),
    "asking": N_("Asking the other tab…"),
    "help_title": N_("Need help now?"),
    "emergency": N_("In danger right now? Call {number}"),
    "country_label": N_("Your country"),
    "choose_country": N_("Choose your country"),
    "no_lines": N_("Kindred has no checked crisis line for {country} yet. Find A Helpline lists lines in many countries."),
    "checked": N_("Numbers last checked {date}."),
    "could_not_start": N_("Kindred could not start"),
    "could_not_start_why": N_("Please reload the page. If it keeps happening, this browser may be too old or short of memory."),
    "stopped_title": N_("Kindred stopped working in this tab"),
    "stopped_why": N_("An error inside the browser stopped it. What was saved before is kept; a change made in the "
                      "last moments may not be. Reload to go on. Help is below if you need it now."),
    "save_failure": N_("Kindred could not save your latest changes in this browser's storage ({reason}). It keeps "
                       "trying; until it succeeds they are only in this tab, so keep it open. Freeing some space on "
                       "the device may help."),
    "hide": N_("Hide"),
}


def splash_words_by_language() -> dict[str, dict[str, str]]:
    """Every language's words for the page, from the compiled catalogues (English as written)."""
    return {lang: {key: translations(lang).gettext(text) for key, text in WORDS.items()} for lang in LANGUAGES}
