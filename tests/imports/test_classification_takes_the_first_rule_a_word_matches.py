"""The classification phase's rules: a server role from the words of an asset's name, OS and description, by the
first rule (in ROLE_RULES order) one of its words matches."""

from __future__ import annotations

import pytest

from imports.services import role_of


@pytest.mark.parametrize(
    ("texts", "role", "marker"),
    [
        (("web01", None, None), "web_server", "web"),
        (("web01", "Ubuntu", "Oracle for the shop"), "database", "oracle"),  # an earlier rule wins
        (("APP-DB-01", None, None), "database", "db"),
        (("srv01", "Microsoft SQL Server", None), "database", "sql"),
        (("x1", "", "primary DOMAIN CONTROLLER"), "domain_controller", "domain controller"),
        (("corp-domain", "Controller edition", None), "domain_controller", "domain controller"),  # across texts
        (("nas7", None, "file shares"), "file_server", "file"),
        (("mon01", None, "kafka broker"), "middleware", "kafka"),
        (("appliance", None, None), None, None),  # a word, not a part of one
        (("srv01", "Red Hat Enterprise Linux 8", None), None, None),
        ((None, None, None), None, None),
    ],
)
def test_a_role_comes_from_the_first_rule_a_word_matches(
    texts: tuple[str | None, str | None, str | None], role: str | None, marker: str | None
) -> None:
    found = role_of(*texts)
    if role is None:
        assert found is None
    else:
        assert found == (role, f"'{marker}' in its name, OS or description")


def test_the_same_os_on_many_assets_gives_each_its_own_role() -> None:
    os_name = "Windows Server 2019 with IIS"
    assert [role_of(name, os_name, None) for name in ("db01", "srv01", "dc01")] == [
        ("database", "'db' in its name, OS or description"),
        ("web_server", "'iis' in its name, OS or description"),
        ("domain_controller", "'dc' in its name, OS or description"),
    ]
