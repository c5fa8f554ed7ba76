"""Sign-in on screen: who the user is, what they may open, and local mode.

Three modes (DESIGN §7):

- **sign-in**: ``[auth]`` in ``.streamlit/secrets.toml`` configures an OpenID Connect
  provider; ``st.login`` signs the user in, the mapping file (:mod:`data_access.identity`)
  turns the identity token's claims into roles and an optional unit scope.
- **local**: no provider; one user with every role, and every page says so.
- **refused**: no provider, and the deployment refuses local mode
  (``DASHBOARD_REQUIRE_SIGN_IN=1`` or ``[sign_in] require = true``): only a page saying how to
  configure a provider.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

import streamlit as st

from app_pages._navigation import PAGE_ROLES
from data_access import audit, cached
from data_access.engine import PROJECT_ROOT
from data_access.identity import (
    LOCAL_USER,
    ROLES,
    IdentityConfigError,
    IdentityError,
    User,
    load_mapping,
    refuse_unit_scope,
    user_from_claims,
)
from i18n import escape_markdown, t

REQUIRE_VARIABLE = "DASHBOARD_REQUIRE_SIGN_IN"
ROLES_FILE_VARIABLE = "DASHBOARD_ROLES_FILE"
DEFAULT_ROLES_FILE = PROJECT_ROOT / "data_access" / "roles.yaml"
USER_KEY = "auth_user"
MODE_KEY = "auth_mode"
AUDITED_KEY = "auth_audited"
"""The sign-in this session has already put in the audit log (name, outcome)."""
NOBODY = User("?", frozenset())
"""Before the frame has decided who the user is: no role at all (fail closed)."""

Mode = Literal["sign_in", "local", "refused"]


def _secrets_section(name: str) -> Mapping[str, Any]:
    try:
        section = st.secrets.get(name)
    except (FileNotFoundError, KeyError, AttributeError, st.errors.StreamlitSecretNotFoundError):
        return {}
    return section if isinstance(section, Mapping) else {}


def provider_configured(auth: Mapping[str, Any]) -> bool:
    """True when ``[auth]`` names a provider: its own ``client_id`` (the default provider) or
    a ``[auth.<provider>]`` table with one."""
    if auth.get("client_id"):
        return True
    return any(isinstance(value, Mapping) and value.get("client_id") for value in auth.values())


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def sign_in_mode() -> Mode:
    if provider_configured(_secrets_section("auth")):
        return "sign_in"
    required = os.environ.get(REQUIRE_VARIABLE)
    if required is None:
        required = str(_secrets_section("sign_in").get("require", ""))
    return "refused" if _truthy(required) else "local"


def roles_file() -> str:
    """``DASHBOARD_ROLES_FILE``, else ``[sign_in] roles_file``, else ``data_access/roles.yaml``."""
    configured = os.environ.get(ROLES_FILE_VARIABLE) or _secrets_section("sign_in").get(
        "roles_file"
    )
    return str(configured) if configured else str(DEFAULT_ROLES_FILE)


def current_user() -> User:
    """The user the frame signed in (or local mode's); no role before it did."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else NOBODY


def reader_scope() -> str | None:
    """The unit the current user's reads are limited to (None: the whole city); every
    per-unit read of :mod:`data_access.cached` takes it as ``scope``."""
    return current_user().unit


def is_local_mode() -> bool:
    return st.session_state.get(MODE_KEY) == "local"


def _known_units() -> set[str] | None:
    """The warehouse's unit ids and codes; None when it cannot be read (not checked then:
    the scope still limits the user, to a unit that shows nothing)."""
    try:
        # Before anyone is signed in there is no scope: the whole list checks the claim.
        frame = cached.unit_list(scope=None).frame
    except cached.WarehouseUnavailableError:
        return None
    known: set[str] = set()
    for column in ("unit_id", "unit_code"):
        if column in frame:
            known |= {str(v) for v in frame[column].dropna()}
    return known


def _sign_out_button(lang: str) -> None:
    if st.button(t("auth_sign_out", lang), icon=":material/logout:", key="auth-sign-out"):
        st.logout()


def _sign_in_page(lang: str) -> None:
    st.title(t("auth_sign_in_title", lang))
    st.write(t("auth_sign_in_body", lang))
    if st.button(
        t("auth_sign_in", lang), type="primary", icon=":material/login:", key="auth-sign-in"
    ):
        st.login()


def _refused_page(lang: str) -> None:
    st.title(t("auth_sign_in_title", lang))
    st.error(t("auth_local_mode_refused", lang), icon=":material/lock:")


def signed_in_user(lang: str) -> User:
    """Who uses the app this run. Draws the sign-in page (or why nobody can sign in) and
    stops the script when there is nobody yet."""
    mode = sign_in_mode()
    st.session_state[MODE_KEY] = mode
    st.session_state.pop(USER_KEY, None)
    if mode == "local":
        st.session_state[USER_KEY] = LOCAL_USER
        return LOCAL_USER
    if mode == "refused":
        _refused_page(lang)
        st.stop()
    if not st.user.get("is_logged_in", False):
        _sign_in_page(lang)
        st.stop()
    claims = {key: value for key, value in st.user.to_dict().items() if key != "tokens"}
    try:
        mapping = load_mapping(roles_file())
        user = refuse_unit_scope(user_from_claims(claims, mapping, _known_units()))
    except IdentityConfigError as error:
        st.title(t("auth_sign_in_title", lang))
        st.error(t("auth_mapping_error", lang), icon=":material/error:")
        st.text(str(error))
        _sign_out_button(lang)
        st.stop()
    except IdentityError as error:
        _audit_sign_in(
            error.parts.get("name", "?"), outcome="refused", detail={"reason": error.code}
        )
        st.title(t("auth_sign_in_title", lang))
        parts = {key: escape_markdown(value) for key, value in error.parts.items()}
        st.error(t(f"auth_{error.code}", lang, **parts), icon=":material/no_accounts:")
        _sign_out_button(lang)
        st.stop()
    st.session_state[USER_KEY] = user
    _audit_sign_in(user)
    return user


def _audit_sign_in(
    actor: audit.Actor, outcome: str = "ok", detail: Mapping[str, object] | None = None
) -> None:
    """Put a sign-in (accepted or refused) in the audit log once per session: the frame
    runs on every rerun, the entry is written on the first. Local mode signs nobody in and
    writes nothing. The sign-in has happened: a failed write is logged
    (:func:`data_access.audit.record_apart`), and the user carries on."""
    marker = (audit.actor_name(actor), outcome)
    if st.session_state.get(AUDITED_KEY) == marker:
        return
    st.session_state[AUDITED_KEY] = marker
    audit.record_apart(
        cached.warehouse_engine(),
        actor,
        "sign_in",
        object_type="session",
        detail=detail,
        outcome=outcome,
    )


def record_download(file_name: str, table: str) -> None:
    """``on_click`` of a download of unit detail: who took which file, in the audit log
    (its own transaction; a failure is logged, the download is not held back)."""
    audit.record_apart(
        cached.warehouse_engine(),
        current_user(),
        "download",
        object_type="file",
        object_id=file_name,
        detail={"table": table},
    )


def role_names(user: User, lang: str) -> str:
    return ", ".join(t(f"role_{role}", lang) for role in ROLES if role in user.roles)


def identity(user: User, lang: str) -> None:
    """The user's name, roles and unit, with the sign-out button (at the menu's top)."""
    with st.container(key="identity"):
        st.caption(
            t(
                "auth_signed_in_as",
                lang,
                name=escape_markdown(user.name),
                roles=role_names(user, lang),
            )
        )
        if user.unit is not None:
            st.caption(t("auth_unit_scope", lang, unit=escape_markdown(user.unit)))
        if not is_local_mode():
            _sign_out_button(lang)


def mode_notice(lang: str) -> None:
    """Local mode says so at the top of every page."""
    if is_local_mode():
        st.caption(":material/person: " + t("auth_local_mode", lang))


def out_of_scope(lang: str) -> None:
    """A read refused for the user's unit scope: say so, nothing of the other unit drawn."""
    st.warning(
        t("auth_out_of_scope", lang, unit=escape_markdown(current_user().unit or "—")),
        icon=":material/block:",
    )


def may_open(user: User, url_path: str) -> bool:
    return user.may(PAGE_ROLES.get(url_path, frozenset()))


def not_allowed(lang: str, title: str) -> None:
    """A page the user's roles do not open: say so, no traceback, nothing drawn."""
    st.title(title)
    st.error(
        t(
            "auth_not_allowed",
            lang,
            roles=role_names(current_user(), lang) or "—",
        ),
        icon=":material/block:",
    )


def stop_unless_allowed(lang: str, url_path: str, title: str) -> None:
    """A page's own guard (the frame checks too): stop when the user may not open it."""
    if not may_open(current_user(), url_path):
        not_allowed(lang, title)
        st.stop()
