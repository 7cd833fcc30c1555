"""services.storage_status: the plain words Settings shows about the browser's storage."""

from __future__ import annotations

import asyncio

from services.storage_status import BrowserStorage, browser_storage


def test_not_a_browser_means_nothing_to_show():
    assert asyncio.run(browser_storage()) is None


def test_each_answer_in_plain_words():
    assert "promised to keep" in BrowserStorage("granted", None).describe()
    assert "may clear" in BrowserStorage("not-granted", None).describe()
    assert "does not say" in BrowserStorage("unsupported", None).describe()
    failing = BrowserStorage("granted", "QuotaExceededError: full").describe()
    assert "could not save your latest changes" in failing and "QuotaExceededError" in failing
    assert "promised to keep" in failing  # the durability answer stays in view beside the failure


def test_the_words_are_in_the_language_being_served():
    from services.i18n import use_language

    with use_language("es"):
        failing = BrowserStorage("not-granted", "QuotaExceededError").describe()
    assert failing.startswith("Kindred no pudo guardar tus últimos cambios") and "(QuotaExceededError)" in failing
    assert "Este navegador puede borrar los datos de Kindred" in failing
    with use_language("fr"):
        assert BrowserStorage("granted", None).describe().startswith("Ce navigateur s'est engagé")
