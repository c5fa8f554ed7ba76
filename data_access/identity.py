"""Who is signed in: roles and an optional unit scope from the identity provider's claims.

Roles (DESIGN §7): viewer, analyst, data steward, admin. The identity provider (OpenID
Connect, through ``st.login``) says who someone is; the mapping file
(``data_access/roles.yaml`` unless ``DASHBOARD_ROLES_FILE`` or ``[sign_in] roles_file`` in
secrets names another) says which claim of the identity token carries their groups, which
group gives which role, and which claim carries the code of the unit they are limited to.

Without a configured provider the app runs in local mode: one user with every role
(:data:`LOCAL_USER`), and every page says so. The functions here are pure: the app reads
the file and the claims and passes them in.

The unit scope is carried on :class:`User` (``unit``). Everything a page shows is limited to
it where the data is read (issue 13, item 2): the indicator and governance reads of
:mod:`data_access.cached` (their ``scope`` argument), the scenario workspace's unit choice
(:func:`data_access.cached.scenario_units`), saved scenarios
(:mod:`data_access.saved_scenarios`), the Data page's history, checks, uploads, undo and
exports (:mod:`data_access.submissions`, :mod:`ingest.service`) and lineage. So a
unit-scoped account is let in (:data:`UNIT_SCOPE_ENFORCED`); :func:`refuse_unit_scope`
stays as the switch that refuses such accounts, should a future page not be scoped yet.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROLES: tuple[str, ...] = ("viewer", "analyst", "data_steward", "admin")

MAX_NAME = 200
"""The warehouse's columns for who acted hold 200 characters."""
DEFAULT_NAME_CLAIMS: tuple[str, ...] = ("name", "preferred_username", "email", "sub")


@dataclass(frozen=True, slots=True)
class User:
    """Who acts, with which roles, and the unit they are limited to (None: the whole city)."""

    name: str
    roles: frozenset[str]
    unit: str | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_analyst(self) -> bool:
        return "analyst" in self.roles or self.is_admin

    @property
    def is_data_steward(self) -> bool:
        return "data_steward" in self.roles or self.is_admin

    def may(self, needed: Collection[str]) -> bool:
        """True when the user holds one of the ``needed`` roles (admin holds them all);
        an empty ``needed`` is open to everyone signed in."""
        return not needed or self.is_admin or bool(self.roles & set(needed))


LOCAL_USER = User("local", frozenset(ROLES))
"""Local mode (no sign-in configured): one user with every role, the whole city."""


class IdentityConfigError(ValueError):
    """The mapping file is wrong; the message says what and how to fix it."""


class IdentityError(ValueError):
    """A signed-in identity the dashboard cannot accept (no role, a unit it does not know);
    ``code`` names the message (``auth_<code>`` in the i18n catalogue), ``parts`` fill it."""

    def __init__(self, code: str, message: str, **parts: str) -> None:
        super().__init__(message)
        self.code = code
        self.parts = parts


@dataclass(frozen=True, slots=True)
class RoleMapping:
    """The mapping file, checked: ``groups[claim value] = roles it gives``."""

    role_claim: str
    groups: Mapping[str, frozenset[str]]
    unit_claim: str | None = None
    name_claims: tuple[str, ...] = DEFAULT_NAME_CLAIMS
    source: str = field(default="(mapping)", compare=False)


def _strings(value: Any, where: str, source: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise IdentityConfigError(
            f"{source}: {where} must be a list of group names (text), got {value!r}"
        )
    return [v.strip() for v in value]


def parse_mapping(document: Any, source: str = "(mapping)") -> RoleMapping:
    """Check a loaded mapping document; raise :class:`IdentityConfigError` saying what is
    wrong and how to fix it."""
    if not isinstance(document, Mapping):
        raise IdentityConfigError(
            f"{source}: expected a mapping with role_claim and roles, got {type(document).__name__}"
        )
    known = {"role_claim", "roles", "unit_claim", "name_claims"}
    unknown = sorted(set(document) - known)
    if unknown:
        raise IdentityConfigError(
            f"{source}: unknown setting(s) {', '.join(map(str, unknown))}; "
            f"the file may set only {', '.join(sorted(known))}"
        )
    role_claim = document.get("role_claim")
    if not isinstance(role_claim, str) or not role_claim.strip():
        raise IdentityConfigError(
            f"{source}: role_claim must name the identity token's claim that lists the "
            "user's groups (for example groups or roles)"
        )
    roles = document.get("roles")
    if not isinstance(roles, Mapping) or not roles:
        raise IdentityConfigError(
            f"{source}: roles must map each role ({', '.join(ROLES)}) to a list of groups"
        )
    groups: dict[str, set[str]] = {}
    for role, values in roles.items():
        if role not in ROLES:
            raise IdentityConfigError(
                f"{source}: unknown role {role!r} under roles; use one of {', '.join(ROLES)}"
            )
        for group in _strings(values, f"roles.{role}", source):
            groups.setdefault(group, set()).add(role)
    unit_claim = document.get("unit_claim")
    if unit_claim is not None and (not isinstance(unit_claim, str) or not unit_claim.strip()):
        raise IdentityConfigError(
            f"{source}: unit_claim must name a claim (for example unit_code) or be left out"
        )
    name_claims = document.get("name_claims", list(DEFAULT_NAME_CLAIMS))
    names = tuple(_strings(name_claims, "name_claims", source))
    return RoleMapping(
        role_claim=role_claim.strip(),
        groups={group: frozenset(found) for group, found in groups.items()},
        unit_claim=unit_claim.strip() if unit_claim else None,
        name_claims=names,
        source=source,
    )


def load_mapping(path: str | Path) -> RoleMapping:
    """Read and check the mapping file at ``path``."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise IdentityConfigError(
            f"{source}: cannot read the role mapping file ({error.strerror or error}); "
            "set DASHBOARD_ROLES_FILE or [sign_in] roles_file to its path"
        ) from error
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise IdentityConfigError(f"{source}: not valid YAML ({error})") from error
    return parse_mapping(document, source)


def _claim_values(value: Any) -> list[str]:
    """A claim as a list of strings: providers send a list or one (space-separated) string."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return [str(value)]


def user_from_claims(
    claims: Mapping[str, Any], mapping: RoleMapping, known_units: Collection[str] | None
) -> User:
    """The dashboard's user for a signed-in identity.

    Raises
    ------
    IdentityError
        ``no_role`` when none of the user's groups gives a role; ``unknown_unit`` when the
        unit claim names a code the warehouse does not hold (``known_units``; None skips
        the check); ``bad_unit`` when it holds more than one code.
    """
    name = next(
        (str(claims[c]).strip() for c in mapping.name_claims if str(claims.get(c) or "").strip()),
        "?",
    )
    user_groups = _claim_values(claims.get(mapping.role_claim))
    roles = frozenset(role for group in user_groups for role in mapping.groups.get(group, ()))
    if not roles:
        raise IdentityError(
            "no_role",
            f"{name}: none of the groups {user_groups} in claim {mapping.role_claim!r} "
            f"gives a role in {mapping.source}",
            name=name,
            claim=mapping.role_claim,
        )
    unit: str | None = None
    if mapping.unit_claim is not None:
        units = _claim_values(claims.get(mapping.unit_claim))
        if len(units) > 1:
            raise IdentityError(
                "bad_unit",
                f"{name}: claim {mapping.unit_claim!r} holds several units {units}; one at most",
                name=name,
                claim=mapping.unit_claim,
                unit=" ".join(units),
            )
        if units:
            unit = units[0].strip()
            if known_units is not None and unit not in known_units:
                raise IdentityError(
                    "unknown_unit",
                    f"{name}: unit code {unit!r} in claim {mapping.unit_claim!r} is not a unit "
                    "of the warehouse",
                    name=name,
                    claim=mapping.unit_claim,
                    unit=unit,
                )
    return User(name=name[:MAX_NAME], roles=roles, unit=unit)


UNIT_SCOPE_ENFORCED = True
"""Everything a page shows is limited to :attr:`User.unit` (issue 13, item 2), so a
unit-scoped account is let in; False would refuse it again (:func:`refuse_unit_scope`)."""


def refuse_unit_scope(user: User, enforced: bool = UNIT_SCOPE_ENFORCED) -> User:
    """``user`` unchanged when it is city-wide (no unit) or the scope is enforced.

    Raises
    ------
    IdentityError
        ``unit_scope_unavailable`` when the user is limited to a unit and the dashboard does
        not yet limit everything it shows to that unit: showing other units' detail to a
        unit-scoped account would break its scope, so the account is refused instead.
    """
    if user.unit is None or enforced:
        return user
    raise IdentityError(
        "unit_scope_unavailable",
        f"{user.name}: unit-scoped accounts (unit {user.unit!r}) are not available yet; "
        "ask the administrator for a city-wide role",
        name=user.name,
        unit=user.unit,
    )
