"""Roles and unit scope from an identity provider's claims (issue 13, item 1).

Expected roles are written out by hand from the mapping in each test, never computed by the
function under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access.identity import (
    LOCAL_USER,
    ROLES,
    UNIT_SCOPE_ENFORCED,
    IdentityConfigError,
    IdentityError,
    User,
    load_mapping,
    parse_mapping,
    refuse_unit_scope,
    user_from_claims,
)

SHIPPED = Path(__file__).resolve().parents[2] / "data_access" / "roles.yaml"

MAPPING = parse_mapping(
    {
        "role_claim": "groups",
        "roles": {
            "viewer": ["hcmc-viewers", "everyone"],
            "analyst": ["planners"],
            "data_steward": "stewards",
            "admin": ["it-admins", "planners-lead"],
        },
        "unit_claim": "unit_code",
    }
)
UNITS = {"26737", "25747"}


def test_the_shipped_mapping_file_is_valid_and_maps_every_role():
    mapping = load_mapping(SHIPPED)
    assert mapping.role_claim == "groups"
    assert mapping.unit_claim == "unit_code"
    assert dict(mapping.groups) == {
        "dashboard-viewers": {"viewer"},
        "dashboard-analysts": {"analyst"},
        "dashboard-data-stewards": {"data_steward"},
        "dashboard-admins": {"admin"},
    }


@pytest.mark.parametrize(
    ("groups", "roles"),
    [
        (["hcmc-viewers"], {"viewer"}),
        (["planners", "everyone"], {"analyst", "viewer"}),
        (["stewards"], {"data_steward"}),
        (["it-admins"], {"admin"}),
        # One space-separated string, as some providers send it; unknown groups are ignored.
        ("stewards sales planners", {"data_steward", "analyst"}),
    ],
)
def test_groups_map_to_roles(groups, roles):
    user = user_from_claims({"name": "Lê Thị Hoa", "groups": groups}, MAPPING, UNITS)
    assert user == User("Lê Thị Hoa", frozenset(roles), None)


def test_the_unit_claim_becomes_the_users_scope():
    claims = {"name": "Phường Thủ Dầu Một", "groups": ["hcmc-viewers"], "unit_code": "25747"}
    user = user_from_claims(claims, MAPPING, UNITS)
    assert user.unit == "25747"
    assert user.roles == {"viewer"}


def test_no_unit_claim_means_the_whole_city():
    assert user_from_claims({"sub": "x", "groups": ["stewards"]}, MAPPING, UNITS).unit is None
    assert (
        user_from_claims({"sub": "x", "groups": ["stewards"], "unit_code": ""}, MAPPING, UNITS).unit
        is None
    )


def test_an_unknown_unit_code_is_refused_saying_which():
    claims = {"name": "An", "groups": ["hcmc-viewers"], "unit_code": "99999"}
    with pytest.raises(IdentityError) as raised:
        user_from_claims(claims, MAPPING, UNITS)
    assert raised.value.code == "unknown_unit"
    assert raised.value.parts == {"name": "An", "claim": "unit_code", "unit": "99999"}


def test_an_unknown_unit_is_kept_as_scope_when_the_warehouse_cannot_say():
    claims = {"name": "An", "groups": ["hcmc-viewers"], "unit_code": "99999"}
    assert user_from_claims(claims, MAPPING, None).unit == "99999"


def test_several_unit_codes_are_refused():
    claims = {"name": "An", "groups": ["hcmc-viewers"], "unit_code": ["26737", "25747"]}
    with pytest.raises(IdentityError) as raised:
        user_from_claims(claims, MAPPING, UNITS)
    assert raised.value.code == "bad_unit"


@pytest.mark.parametrize("groups", [[], ["sales"], None])
def test_a_user_without_a_mapped_group_is_refused(groups):
    claims = {"email": "khach@example.vn", "groups": groups}
    with pytest.raises(IdentityError) as raised:
        user_from_claims(claims, MAPPING, UNITS)
    assert raised.value.code == "no_role"
    assert raised.value.parts == {"name": "khach@example.vn", "claim": "groups"}


def test_the_name_comes_from_the_first_claim_that_has_one():
    claims = {"name": " ", "preferred_username": "hoa.le", "email": "h@x.vn", "groups": "everyone"}
    assert user_from_claims(claims, MAPPING, UNITS).name == "hoa.le"
    assert user_from_claims({"sub": "abc", "groups": "everyone"}, MAPPING, UNITS).name == "abc"
    long = user_from_claims({"name": "x" * 500, "groups": "everyone"}, MAPPING, UNITS).name
    assert len(long) == 200


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"role_claim": "groups", "roles": {"superuser": ["a"]}}, "unknown role 'superuser'"),
        ({"role_claim": "groups", "roles": {"viewer": [1]}}, "roles.viewer must be a list"),
        ({"roles": {"viewer": ["a"]}}, "role_claim must name"),
        ({"role_claim": "groups", "roles": {}}, "roles must map each role"),
        ({"role_claim": "groups", "roles": {"viewer": ["a"]}, "unit": "x"}, "unknown setting"),
        ({"role_claim": "groups", "roles": {"viewer": ["a"]}, "unit_claim": 5}, "unit_claim"),
        (["groups"], "expected a mapping"),
    ],
)
def test_a_wrong_mapping_says_what_and_how_to_fix(document, words):
    with pytest.raises(IdentityConfigError, match=r"roles\.yaml") as raised:
        parse_mapping(document, "roles.yaml")
    assert words in str(raised.value)


def test_an_unknown_role_message_lists_the_roles_to_use():
    with pytest.raises(IdentityConfigError) as raised:
        parse_mapping({"role_claim": "groups", "roles": {"steward": ["s"]}}, "m.yaml")
    assert "viewer, analyst, data_steward, admin" in str(raised.value)


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path):
    with pytest.raises(IdentityConfigError, match="DASHBOARD_ROLES_FILE"):
        load_mapping(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("role_claim: [groups\n", encoding="utf-8")
    with pytest.raises(IdentityConfigError, match="not valid YAML"):
        load_mapping(broken)


def test_roles_and_permissions():
    viewer = User("v", frozenset({"viewer"}))
    steward = User("s", frozenset({"data_steward"}))
    admin = User("a", frozenset({"admin"}))
    assert not viewer.may({"data_steward"})
    assert steward.may({"data_steward"})
    assert admin.may({"data_steward"})  # an admin opens everything
    assert viewer.may(frozenset())  # an open page
    assert (viewer.is_analyst, steward.is_analyst, admin.is_analyst) == (False, False, True)
    assert (viewer.is_data_steward, steward.is_data_steward) == (False, True)
    assert (steward.is_admin, admin.is_admin) == (False, True)


def test_local_mode_is_one_user_with_every_role_and_the_whole_city():
    assert LOCAL_USER.roles == {"viewer", "analyst", "data_steward", "admin"}
    assert set(ROLES) == set(LOCAL_USER.roles)
    assert LOCAL_USER.unit is None


def test_a_unit_scoped_account_is_let_in_now_that_the_scope_is_enforced():
    """Issue 13, item 2: every read is scoped, so a unit-scoped account signs in, with its
    scope; with the switch off it would be refused with a message naming account and unit."""
    claims = {"name": "Phường Thủ Dầu Một", "groups": ["hcmc-viewers"], "unit_code": "25747"}
    user = user_from_claims(claims, MAPPING, UNITS)
    assert UNIT_SCOPE_ENFORCED is True
    assert refuse_unit_scope(user) is user and user.unit == "25747"
    with pytest.raises(IdentityError) as raised:
        refuse_unit_scope(user, enforced=False)
    assert raised.value.code == "unit_scope_unavailable"
    assert raised.value.parts == {"name": "Phường Thủ Dầu Một", "unit": "25747"}
    assert "city-wide role" in str(raised.value)


def test_city_wide_accounts_and_local_mode_pass_the_unit_scope_guard():
    city = user_from_claims({"sub": "x", "groups": ["stewards"]}, MAPPING, UNITS)
    assert refuse_unit_scope(city) is city
    assert refuse_unit_scope(LOCAL_USER) is LOCAL_USER


def test_the_unit_scope_guard_message_exists_in_both_languages():
    from i18n import t

    vi = t("auth_unit_scope_unavailable", "vi", name="An", unit="25747")
    en = t("auth_unit_scope_unavailable", "en", name="An", unit="25747")
    assert "An" in vi and "25747" in vi and "toàn Thành phố" in vi
    assert "An" in en and "25747" in en and "city-wide role" in en
