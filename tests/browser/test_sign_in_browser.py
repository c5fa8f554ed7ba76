"""Signing in through the real ``st.login`` flow (issue 13, item 1), against a real OpenID
Connect provider on localhost (``oidc-provider-mock``), not a patched ``st.user``.

The app server gets its own secrets file (``STREAMLIT_SECRETS_FILES``) naming the provider;
Chromium clicks "Đăng nhập", picks a user on the provider's authorisation page, comes back
through ``/oauth2callback`` and finds the dashboard with what that user's groups allow
(``data_access/roles.yaml``, the mapping the app ships). A ward-scoped account signs in
the same way and finds its own unit, and no other ward's or commune's name, on the
Overview, an indicator page's ranking, the Unit page and a CSV download (issue 13, item 2).
An ID token that has expired (the same provider, told to sign tokens whose ``exp`` is past)
does not sign in; a sign-in cookie changed or forged is not accepted (issue 13, item 5).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import werkzeug.serving
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import app as provider_app
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.app.test_unit_scope_app import OWN, _names, _others_shown
from tests.browser.test_overview_browser import (
    APP_IS_IDLE,
    MENU_BUTTON,
    MENU_LINKS,
    SETTLE_TIMEOUT_MS,
    open_menu,
)
from tests.conftest import serve_app
from tests.ingest.warehouse import copy_sqlite, current

pytestmark = pytest.mark.browser

# Claims as a provider sends them; the groups are the shipped mapping's.
USERS = {
    "xem": {"name": "Nguyễn Văn Xem", "groups": ["dashboard-viewers"]},
    "dulieu": {
        "name": "Trần Thị Dữ Liệu",
        "groups": ["dashboard-viewers", "dashboard-data-stewards"],
    },
    # Limited to one ward (Phường Tân Định, 26737): signs in, sees only its own unit's detail.
    "phuong": {"name": "Phường Một", "groups": ["dashboard-viewers"], "unit_code": OWN},
    # Refused, each with a message: no mapped group; a unit the warehouse does not hold.
    "khach": {"name": "Khách Lạ", "groups": ["sales"]},
    "sai-don-vi": {"name": "Sai Đơn Vị", "groups": ["dashboard-viewers"], "unit_code": "99999"},
}


class _Provider:
    """Two OpenID Connect providers behind one address, sharing their users: one issues
    tokens valid for an hour (the default); the other, chosen with ``expired = True``,
    ID tokens whose ``exp`` lies an hour in the past (``oidc-provider-mock``'s own
    ``access_token_max_age`` option, negative: ``exp = iat - 3600``). Each keeps its own
    signing key and codes; the app fetches the provider's metadata and keys on every
    callback, so a whole sign-in goes to the one chosen when it starts."""

    def __init__(self) -> None:
        users = [ProviderUser(sub=sub, claims=claims) for sub, claims in USERS.items()]
        self.fresh = provider_app(user_claims=users)
        self.stale = provider_app(user_claims=users, access_token_max_age=EXPIRED_BY)
        self.expired = False

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return (self.stale if self.expired else self.fresh)(environ, start_response)


EXPIRED_BY = -dt.timedelta(hours=1)
"""Past Authlib's leeway (120 s) by far."""


@pytest.fixture(scope="module")
def provider_switch() -> Iterator[tuple[str, _Provider]]:
    """A real OpenID Connect provider on a free localhost port, with the users above."""
    switch = _Provider()
    server = werkzeug.serving.make_server("127.0.0.1", 0, switch, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", switch
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="module")
def provider(provider_switch: tuple[str, _Provider]) -> str:
    return provider_switch[0]


@pytest.fixture(scope="module")
def sign_in_warehouse(demo_warehouse_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A private copy of the demo warehouse: every sign-in writes to its audit log."""
    folder = tmp_path_factory.mktemp("sign-in-warehouse")
    return copy_sqlite(demo_warehouse_url, str(folder / "warehouse.sqlite"))


@pytest.fixture(scope="module")
def sign_in_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app server's secrets file and its log (``streamlit.log``)."""
    return tmp_path_factory.mktemp("sign-in")


@pytest.fixture(scope="module")
def signed_in_server(provider: str, sign_in_warehouse: str, sign_in_folder: Path) -> Iterator[str]:
    """The real app with ``[auth]`` pointing at the provider (its own secrets file)."""
    folder = sign_in_folder
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "hcmc-dashboard"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {"STREAMLIT_SECRETS_FILES": str(secrets_file)}
    with serve_app(sign_in_warehouse, folder / "streamlit.log", env) as (base_url, _process):
        yield base_url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _settle(page: Page) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)


def _sign_in(page: Page, base_url: str, sub: str) -> None:
    page.goto(base_url, wait_until="domcontentloaded")
    _settle(page)
    assert page.locator("h1").first.inner_text() == "Đăng nhập"
    # Nothing of the dashboard before signing in: no menu.
    assert page.locator(MENU_BUTTON).count() == 0
    page.get_by_role("button", name="Đăng nhập").click()
    # The provider's own authorisation page: pick the user.
    page.wait_for_url("**/oauth2/authorize**", timeout=SETTLE_TIMEOUT_MS)
    page.get_by_role("button", name=sub, exact=True).click()
    # Back through /oauth2callback to the app, signed in.
    page.wait_for_url(f"{base_url}/**", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_selector(MENU_BUTTON, state="attached", timeout=SETTLE_TIMEOUT_MS)
    _settle(page)


def _menu_text(page: Page) -> str:
    """The menu's words (the user's line, the sign-out button, the links), opened for it."""
    if page.locator(MENU_LINKS).count() == 0:
        open_menu(page)
    return page.locator('[data-testid="stPopoverBody"]:has(.st-key-nav)').text_content() or ""


def _menu(page: Page) -> list[str]:
    if page.locator(MENU_LINKS).count() == 0:
        open_menu(page)
    links = page.locator(f"{MENU_LINKS}[href]")
    return [
        (links.nth(i).get_attribute("href") or "").rsplit("/", 1)[-1] for i in range(links.count())
    ]


def test_a_viewer_signs_in_and_has_no_data_page(signed_in_server: str, page: Page) -> None:
    _sign_in(page, signed_in_server, "xem")

    menu_words = _menu_text(page)
    assert "Nguyễn Văn Xem" in menu_words
    assert "Vai trò: người xem" in menu_words
    assert "Đăng xuất" in menu_words
    menu = _menu(page)
    assert "satisfaction" in menu and "scenarios" in menu
    assert "data" not in menu
    body = page.locator("body").inner_text()
    assert "Chế độ cục bộ" not in body

    # The Data page's address says it is not for this role: no upload, no traceback.
    page.goto(f"{signed_in_server}/data", wait_until="domcontentloaded")
    _settle(page)
    page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=SETTLE_TIMEOUT_MS)
    body = page.locator("body").inner_text()
    assert "Trang này không dành cho vai trò của bạn (người xem)" in body
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert "Traceback" not in body

    # Scenarios: a viewer runs them, but neither saves one nor marks one official (admins).
    page.goto(f"{signed_in_server}/scenarios", wait_until="domcontentloaded")
    page.wait_for_selector(".st-key-scn_official", timeout=SETTLE_TIMEOUT_MS)
    _settle(page)
    assert page.locator(".st-key-scn_official input").is_disabled()
    assert page.get_by_role("button", name="Chạy và lưu").is_disabled()
    assert page.get_by_role("button", name="Chạy mô phỏng").is_enabled()


def test_a_data_steward_signs_in_and_has_the_data_page(signed_in_server: str, page: Page) -> None:
    _sign_in(page, signed_in_server, "dulieu")

    menu_words = _menu_text(page)
    assert "Trần Thị Dữ Liệu" in menu_words
    assert "Vai trò: người xem, cán bộ dữ liệu" in menu_words
    assert "Phạm vi:" not in menu_words  # city-wide
    assert "data" in _menu(page)

    page.goto(f"{signed_in_server}/data", wait_until="domcontentloaded")
    _settle(page)
    page.wait_for_selector('[data-testid="stFileUploader"]', timeout=SETTLE_TIMEOUT_MS)
    body = page.locator("body").inner_text()
    assert "không dành cho vai trò" not in body
    # Signed in, not local mode: the Data page does not say "local".
    assert "Chế độ cục bộ" not in body

    # Signing out ends the provider's session (its end-session page) and comes back to the
    # sign-in page, with nothing of the dashboard.
    # The sign-out button is in the menu.
    open_menu(page)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/oauth2/end_session**", timeout=SETTLE_TIMEOUT_MS)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{signed_in_server}/**", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('h1')].some((h) => h.innerText === 'Đăng nhập')",
        timeout=SETTLE_TIMEOUT_MS,
    )
    _settle(page)
    assert "Trần Thị Dữ Liệu" not in (page.locator("body").text_content() or "")
    assert page.locator(MENU_BUTTON).count() == 0


def _csv(page: Page, key: str) -> str:
    """Click the first CSV download whose key starts with ``csv-<key>``; the file's text.

    The click waits for the page's run to end: a download button's file is made when it is
    clicked, from what the run that drew the button registered, and a click sent while a
    later run redraws the page asks for a file that run has dropped (Streamlit's deferred
    downloads), so no download comes (CI's year-ahead pass on 66d97d5, on a loaded machine:
    no "download" event in 60 s). A click that still gets none is tried once more, after
    the page is idle again."""
    button = page.locator(f'[class*="st-key-csv-{key}"] button').first
    button.wait_for(state="attached", timeout=SETTLE_TIMEOUT_MS)
    for attempt in (1, 2):
        page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
        try:
            with page.expect_download(timeout=SETTLE_TIMEOUT_MS // 2) as info:
                button.dispatch_event("click")
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            continue
        return Path(info.value.path()).read_text(encoding="utf-8-sig")
    raise AssertionError("unreachable")


def _open_tab(page: Page, url: str) -> Page:
    """``url`` in a fresh tab of the same signed-in browser, once drawn."""
    tab = page.context.new_page()
    tab.goto(url, wait_until="domcontentloaded")
    _settle(tab)
    tab.wait_for_selector(MENU_BUTTON, state="attached", timeout=SETTLE_TIMEOUT_MS)
    _settle(tab)
    return tab


def test_a_ward_scoped_user_signs_in_and_sees_only_their_unit(
    signed_in_server: str, demo_warehouse_url: str, page: Page
) -> None:
    names = _names(demo_warehouse_url)  # independent SQL: every ward's and commune's names
    own_vi = names[OWN][0]
    _sign_in(page, signed_in_server, "phuong")
    menu_words = _menu_text(page)
    assert "Phường Một" in menu_words and f"Phạm vi: đơn vị {OWN}" in menu_words

    # The Overview: the city's figures, no other unit named; its table of units needing
    # attention, downloaded, holds the own unit's rows only.
    page.goto(f"{signed_in_server}/?year=2026", wait_until="domcontentloaded")
    # The page drawn to its end (its last table's downloads), so the check reads all of it.
    page.wait_for_selector(
        ".st-key-downloads-attention", state="attached", timeout=SETTLE_TIMEOUT_MS
    )
    _settle(page)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    assert _others_shown(body, names) == []
    attention = _csv(page, "attention")
    assert _others_shown(attention, names) == []

    # An indicator page's ranking: the own unit's row only, on the page and in its CSV.
    page = _open_tab(page, f"{signed_in_server}/online-services?year=2026")
    ranking = _csv(page, "ranking-")
    assert own_vi in ranking
    assert _others_shown(ranking, names) == []
    assert _others_shown(page.locator("body").inner_text(), names) == []

    # The Unit page: the own unit's scorecard.
    page = _open_tab(page, f"{signed_in_server}/unit?unit={OWN}&year=2026")
    page.wait_for_function(
        "(name) => document.body.innerText.includes(name)", arg=own_vi, timeout=SETTLE_TIMEOUT_MS
    )
    body = page.locator("body").inner_text()
    assert own_vi in body
    assert _others_shown(body, names) == []

    # Another unit's address says it is outside the scope, and shows nothing of it.
    page = _open_tab(page, f"{signed_in_server}/unit?unit=26740&year=2026")
    page.wait_for_selector('[data-testid="stAlertContentWarning"]', timeout=SETTLE_TIMEOUT_MS)
    body = page.locator("body").inner_text()
    assert "nằm ngoài phạm vi của bạn" in body
    assert _others_shown(body, names) == []


@pytest.mark.parametrize(
    ("sub", "message"),
    [
        ("khach", "Tài khoản Khách Lạ chưa có vai trò nào trên bảng điều hành"),
        ("sai-don-vi", "Mã đơn vị 99999 (thông tin «unit_code» của tài khoản Sai Đơn Vị)"),
    ],
)
def test_an_identity_the_dashboard_cannot_accept_is_refused_with_a_message(
    signed_in_server: str, page: Page, sub: str, message: str
) -> None:
    page.goto(signed_in_server, wait_until="domcontentloaded")
    _settle(page)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=SETTLE_TIMEOUT_MS)
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(f"{signed_in_server}/**", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=SETTLE_TIMEOUT_MS)
    _settle(page)

    body = page.locator("body").inner_text()
    assert message in body
    assert "Traceback" not in body
    # Nothing of the dashboard; a way out to sign in as someone else.
    assert page.locator(MENU_BUTTON).count() == 0
    assert page.get_by_role("button", name="Đăng xuất").is_visible()


SIGN_INS = (
    "SELECT actor, actor_roles, actor_unit, outcome, detail_json FROM audit_log "
    "WHERE action = 'sign_in' AND actor = :name ORDER BY audit_id"
)


def test_a_sign_in_goes_into_the_audit_log_once(
    signed_in_server: str, sign_in_warehouse: str, page: Page
) -> None:
    name = USERS["dulieu"]["name"]
    before = current(sign_in_warehouse, SIGN_INS, name=name)
    _sign_in(page, signed_in_server, "dulieu")
    # A rerun in the same session (Streamlit's "R" key) writes no second entry.
    page.locator("body").press("r")
    _settle(page)

    assert current(sign_in_warehouse, SIGN_INS, name=name)[len(before) :] == [
        (name, "data_steward,viewer", None, "ok", None)
    ]


def test_a_refused_sign_in_goes_into_the_audit_log(
    signed_in_server: str, sign_in_warehouse: str, page: Page
) -> None:
    name = USERS["khach"]["name"]
    before = current(sign_in_warehouse, SIGN_INS, name=name)
    page.goto(signed_in_server, wait_until="domcontentloaded")
    _settle(page)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=SETTLE_TIMEOUT_MS)
    page.get_by_role("button", name="khach", exact=True).click()
    page.wait_for_url(f"{signed_in_server}/**", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=SETTLE_TIMEOUT_MS)
    _settle(page)

    assert current(sign_in_warehouse, SIGN_INS, name=name)[len(before) :] == [
        (name, None, None, "refused", '{"reason": "no_role"}')
    ]


def _fresh_with(browser: Browser, base_url: str, cookies: list[Any]) -> tuple[Page, str]:
    """A new browser context holding only ``cookies``; the app opened in it: (page, h1)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(cookies)
    fresh = context.new_page()
    fresh.goto(base_url, wait_until="domcontentloaded")
    _settle(fresh)
    fresh.wait_for_selector("h1", timeout=SETTLE_TIMEOUT_MS)
    return fresh, fresh.locator("h1").first.inner_text()


def _flip(value: str, at: int) -> str:
    """``value`` with its character at ``at`` changed (to another of the same kind)."""
    ch = value[at]
    swapped = "B" if ch == "A" else "A" if ch.isalpha() else "1" if ch != "1" else "2"
    return value[:at] + swapped + value[at + 1 :]


def test_a_tampered_or_forged_sign_in_cookie_is_not_accepted(
    signed_in_server: str, page: Page, browser: Browser
) -> None:
    """The security table's browser row (tests/security): the signed cookie Streamlit keeps
    the identity in, changed in its claims part, or made up whole without the cookie
    secret, opens the sign-in page; the same cookie untouched signs in (the control)."""
    _sign_in(page, signed_in_server, "xem")
    cookies = [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    assert cookies, page.context.cookies()

    control, title = _fresh_with(browser, signed_in_server, cookies)
    assert "Nguyễn Văn Xem" in _menu_text(control)
    control.context.close()

    middle = [dict(c, value=_flip(c["value"], len(c["value"]) // 2)) for c in cookies]
    forged_claims = base64.b64encode(
        json.dumps(
            {"is_logged_in": True, "name": "Kẻ Giả", "groups": ["dashboard-admins"]}
        ).encode()
    ).decode()
    forged = [dict(c, value=forged_claims) for c in cookies]
    for changed in (middle, forged):
        fresh, title = _fresh_with(browser, signed_in_server, changed)
        assert title == "Đăng nhập"
        assert fresh.locator(MENU_BUTTON).count() == 0
        assert "Kẻ Giả" not in fresh.locator("body").inner_text()
        fresh.context.close()


def test_an_expired_identity_token_does_not_sign_in(
    provider_switch: tuple[str, _Provider], signed_in_server: str, sign_in_folder: Path, page: Page
) -> None:
    """The security table's expired-token row, in the real flow: the provider returns an ID
    token whose ``exp`` is an hour past; the callback refuses it (Authlib checks ``exp``
    when Streamlit exchanges the code) and the browser is back on the sign-in page, with no
    sign-in cookie and no traceback. The same steps with a fresh token sign in (the
    control), in the same app server."""
    _, switch = provider_switch
    log = sign_in_folder / "streamlit.log"
    seen = len(log.read_text(errors="replace"))
    switch.expired = True
    try:
        page.goto(signed_in_server, wait_until="domcontentloaded")
        _settle(page)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/oauth2/authorize**", timeout=SETTLE_TIMEOUT_MS)
        page.get_by_role("button", name="xem", exact=True).click()
        page.wait_for_url(f"{signed_in_server}/**", timeout=SETTLE_TIMEOUT_MS)
        _settle(page)
        page.wait_for_selector("h1", timeout=SETTLE_TIMEOUT_MS)
    finally:
        switch.expired = False

    assert page.locator("h1").first.inner_text() == "Đăng nhập"
    assert page.locator(MENU_BUTTON).count() == 0
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Nguyễn Văn Xem" not in body
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    # Refused for its expiry, not for anything else (a signature, a code, a nonce).
    said = log.read_text(errors="replace")[seen:]
    assert "OAuth token exchange failed" in said, said[-3000:]
    assert "ExpiredTokenError" in said, said[-3000:]

    _sign_in(page, signed_in_server, "xem")
    assert "Nguyễn Văn Xem" in _menu_text(page)
