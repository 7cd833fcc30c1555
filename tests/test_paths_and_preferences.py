from pathlib import Path

import pytest

from services.paths import resolve_data_dir
from services.preferences import Preferences


def test_data_dir_order_explicit_then_kindred_then_flet_then_platform(tmp_path: Path):
    env = {"KINDRED_DATA_DIR": str(tmp_path / "k"), "FLET_APP_STORAGE_DATA": str(tmp_path / "f")}
    assert resolve_data_dir(tmp_path / "x", env) == (tmp_path / "x").resolve()
    assert resolve_data_dir(None, env) == (tmp_path / "k").resolve()
    assert resolve_data_dir(None, {"FLET_APP_STORAGE_DATA": str(tmp_path / "f")}) == (tmp_path / "f").resolve()
    platform_default = resolve_data_dir(None, {})
    assert platform_default.is_absolute() and "kindred" in str(platform_default).lower()


def test_preferences_start_with_defaults_and_persist(services, data_dir):
    assert services.preferences.load() == Preferences()
    services.preferences.set_theme_mode("dark")
    services.preferences.set_country("gb")
    services.preferences.mark_welcome_done()
    services.preferences.set_navigation_place("top")
    services.close()

    from services.app import open_services

    reopened = open_services(data_dir)
    try:
        assert reopened.preferences.load() == Preferences(theme_mode="dark", country="GB", welcome_done=True,
                                                           navigation_place="top")
    finally:
        reopened.close()


def test_an_unknown_navigation_place_is_refused_and_changes_nothing(services):
    services.preferences.set_navigation_place("bottom")
    with pytest.raises(ValueError):
        services.preferences.set_navigation_place("left")
    assert services.preferences.load().navigation_place == "bottom"


def test_an_unknown_theme_is_refused_and_changes_nothing(services):
    services.preferences.set_theme_mode("light")
    with pytest.raises(ValueError):
        services.preferences.set_theme_mode("neon")
    assert services.preferences.load().theme_mode == "light"
