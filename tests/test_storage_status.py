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
