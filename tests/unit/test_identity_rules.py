"""The role mapping file's settings and its messages (``data_access.identity``): the claims
a user's name is read from, the file named in every message, each message in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access.identity import (
    DEFAULT_NAME_CLAIMS,
    IdentityConfigError,
    load_mapping,
    parse_mapping,
)

BASE = {"role_claim": "groups", "roles": {"viewer": ["everyone"]}}


def test_the_name_is_read_from_the_claims_the_file_names_else_the_default() -> None:
    assert parse_mapping(BASE).name_claims == DEFAULT_NAME_CLAIMS
    named = parse_mapping({**BASE, "name_claims": "display_name"}, "m.yaml")
    assert named.name_claims == ("display_name",)
    assert named.source == "m.yaml"
    assert parse_mapping({**BASE, "name_claims": ["a", "b"]}).name_claims == ("a", "b")
    assert parse_mapping(BASE).unit_claim is None


def test_a_bad_name_claim_names_the_setting_and_the_file() -> None:
    with pytest.raises(IdentityConfigError, match=r"^m\.yaml: .*name_claims"):
        parse_mapping({**BASE, "name_claims": [""]}, "m.yaml")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1], "m.yaml: expected a mapping with role_claim and roles, got list"),
        (
            {**BASE, "colour": 1, "size": 2},
            "m.yaml: unknown setting(s) colour, size; the file may set only "
            "name_claims, role_claim, roles, unit_claim",
        ),
        (
            {"roles": BASE["roles"]},
            "m.yaml: role_claim must name the identity token's claim that lists the user's "
            "groups (for example groups or roles)",
        ),
    ],
)
def test_each_mistake_in_the_file_is_said_in_full(document: object, message: str) -> None:
    with pytest.raises(IdentityConfigError) as raised:
        parse_mapping(document, "m.yaml")
    assert str(raised.value) == message


def test_a_file_is_read_as_utf8_and_named_in_its_mapping_and_its_errors(tmp_path: Path) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text(
        "role_claim: nhóm\nroles:\n  viewer: [mọi người]\nname_claims: tên\n", encoding="utf-8"
    )
    mapping = load_mapping(path)
    assert mapping.role_claim == "nhóm"
    assert mapping.groups == {"mọi người": frozenset({"viewer"})}
    assert mapping.name_claims == ("tên",)
    assert mapping.source == str(path)
    missing = tmp_path / "none.yaml"
    with pytest.raises(IdentityConfigError) as raised:
        load_mapping(missing)
    assert str(raised.value) == (
        f"{missing}: cannot read the role mapping file (No such file or directory); "
        "set DASHBOARD_ROLES_FILE or [sign_in] roles_file to its path"
    )
