"""Sign-in modes in AppTest (issue 13, item 1): local mode says so on every page; a deployment
that refuses local mode shows only how to configure a provider; with a provider configured,
nobody sees a page before signing in. The real sign-in flow is in
tests/browser/test_sign_in_browser.py."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app_pages._auth import provider_configured
from app_pages._menu import MENU_KEY
from app_pages._navigation import NAVIGATION
from tests.app.pages import APP, open_page
from tests.app.reading import tile_metrics

LOCAL = {
    "vi": "Chế độ cục bộ: chưa cấu hình đăng nhập",
    "en": "Local mode: sign-in is not configured",
}
SIGN_IN = {"vi": "Đăng nhập", "en": "Sign in"}
PROVIDER = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-secret-that-is-long-enough",
    "client_id": "dashboard",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture(autouse=True)
def _no_deployment_settings(monkeypatch):
    monkeypatch.delenv("DASHBOARD_REQUIRE_SIGN_IN", raising=False)
    monkeypatch.delenv("DASHBOARD_ROLES_FILE", raising=False)


def _captions(app: AppTest) -> list[str]:
    return [str(c.value) for c in app.caption]


def _shows_no_page(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    # Nothing of the dashboard: no menu links, no filters, no tiles.
    assert not app.get("page_link")
    assert not app.selectbox
    assert not [m for m in app.metric]
    assert not tile_metrics(app)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_local_mode_says_so_on_every_page_and_the_menu_names_the_local_user(
    monkeypatch, demo_warehouse_url, lang
):
    app = open_page(monkeypatch, demo_warehouse_url, None, lang=lang)
    pages = [path for _, entries in NAVIGATION for path, *_ in entries]
    for path in pages:
        app.switch_page(path)
        app.run()
        assert not app.exception, (path, [e.value for e in app.exception])
        notices = [c for c in _captions(app) if LOCAL[lang] in c]
        assert len(notices) == 1, (path, _captions(app))
    app.session_state[MENU_KEY] = True  # the menu opened
    app.run()
    menu = [str(c.value) for c in app.caption]
    roles = {
        "vi": "người xem, chuyên viên phân tích, cán bộ dữ liệu, quản trị viên",
        "en": "viewer, analyst, data steward, admin",
    }[lang]
    assert any("**local**" in c and roles in c for c in menu), menu
    # Local mode has nobody to sign out, and every page, the Data page too, is in the menu.
    assert not [b for b in app.button if b.key == "auth-sign-out"]
    assert "data" in [link.proto.page for link in app.get("page_link")]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("how", ["environment", "secrets"])
def test_a_deployment_can_refuse_local_mode(monkeypatch, demo_warehouse_url, lang, how):
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    app = AppTest.from_file(APP, default_timeout=120)
    if how == "environment":
        monkeypatch.setenv("DASHBOARD_REQUIRE_SIGN_IN", "1")
    else:
        app.secrets["sign_in"] = {"require": True}
    app.query_params["lang"] = lang
    app.run()

    _shows_no_page(app)
    assert app.title[0].value == SIGN_IN[lang]
    message = app.error[0].value
    assert "DASHBOARD_REQUIRE_SIGN_IN" in message
    assert "[auth]" in message and "secrets.toml.example" in message
    assert not [c for c in _captions(app) if LOCAL[lang] in c]
    # Nobody to sign in with: no sign-in button either.
    assert not app.button


def test_the_setting_off_keeps_local_mode(monkeypatch, demo_warehouse_url):
    monkeypatch.setenv("DASHBOARD_REQUIRE_SIGN_IN", "0")
    app = open_page(monkeypatch, demo_warehouse_url, None, lang="en")
    assert any(LOCAL["en"] in c for c in _captions(app))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_with_a_provider_nobody_sees_a_page_before_signing_in(
    monkeypatch, demo_warehouse_url, lang
):
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    app = AppTest.from_file(APP, default_timeout=120)
    app.secrets["auth"] = PROVIDER
    app.query_params["lang"] = lang
    app.run()

    _shows_no_page(app)
    assert app.title[0].value == SIGN_IN[lang]
    [button] = app.button
    assert button.key == "auth-sign-in"
    assert button.label == SIGN_IN[lang]
    assert not [c for c in _captions(app) if LOCAL[lang] in c]


@pytest.mark.parametrize(
    ("auth", "configured"),
    [
        ({}, False),
        # The shared settings alone name no provider.
        ({"redirect_uri": "http://x/oauth2callback", "cookie_secret": "s"}, False),
        (PROVIDER, True),
        # A named provider: [auth.keycloak].
        ({"redirect_uri": "r", "cookie_secret": "s", "keycloak": {"client_id": "c"}}, True),
        ({"redirect_uri": "r", "cookie_secret": "s", "keycloak": {"client_id": ""}}, False),
    ],
)
def test_a_provider_is_configured_by_a_client_id(auth, configured):
    assert provider_configured(auth) is configured
