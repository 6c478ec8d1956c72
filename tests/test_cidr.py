"""ipplan.cidr: literal vectors from public sources, exact errors, and properties vs a model."""

from __future__ import annotations

import pytest
from netaddr import IPNetwork

from ipplan.cidr import AddressSpace, Strategy, contains, find_overlaps, overlaps, parse_network
from ipplan.errors import CapacityError, CidrError


def nets(*texts: str) -> list[IPNetwork]:
    return [IPNetwork(text) for text in texts]


# ----- literal vectors


def test_terraform_cidrsubnets_first_fit() -> None:
    # Terraform docs: cidrsubnets("10.0.0.0/21", 3, 3, 3, 4, 4, 4, 7, 7, 7)
    space = AddressSpace(["10.0.0.0/21"])
    got = [space.allocate(21 + bits, strategy="first-fit") for bits in (3, 3, 3, 4, 4, 4, 7, 7, 7)]
    assert got == nets(
        "10.0.0.0/24",
        "10.0.1.0/24",
        "10.0.2.0/24",
        "10.0.3.0/25",
        "10.0.3.128/25",
        "10.0.4.0/25",
        "10.0.4.128/28",
        "10.0.4.144/28",
        "10.0.4.160/28",
    )


def test_netbox_free_space() -> None:
    # NetBox docs: available prefixes of 10.0.0.0/16 with three child prefixes.
    space = AddressSpace("10.0.0.0/16")
    for child in ("10.0.0.0/20", "10.0.32.0/20", "10.0.128.0/18"):
        space.reserve(child)
    assert space.free_blocks() == nets(
        "10.0.16.0/20", "10.0.48.0/20", "10.0.64.0/18", "10.0.192.0/18"
    )
    assert (space.size, space.used, space.free) == (65536, 24576, 40960)
    assert space.largest_free() == IPNetwork("10.0.64.0/18")
    assert space.fragmentation == pytest.approx(1 - 16384 / 40960)


def test_find_overlaps_issue_example() -> None:
    assert find_overlaps(["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/24"]) == [(0, 1)]


def test_capacity_error_message() -> None:
    space = AddressSpace(["10.0.0.0/16"])
    space.reserve("10.0.0.0/17")
    space.reserve("10.0.128.0/18")
    space.reserve("10.0.192.0/19")
    space.reserve("10.0.224.0/21")
    space.reserve("10.0.232.0/24")
    # free: 10.0.233.0/24, 10.0.234.0/23, 10.0.236.0/22, 10.0.240.0/20
    with pytest.raises(CapacityError) as info:
        space.allocate(19)
    assert str(info.value) == (
        "no free /19 in 10.0.0.0/16 (largest free block /20, 5,888 addresses free)"
    )


def test_reserve_overlap_message() -> None:
    space = AddressSpace(["10.0.0.0/16"])
    space.reserve("10.0.0.0/25")
    with pytest.raises(CidrError) as info:
        space.reserve("10.0.0.0/24")
    assert str(info.value) == "10.0.0.0/24 overlaps 10.0.0.0/25, already reserved"


def test_overlaps_and_contains() -> None:
    assert overlaps("10.0.0.0/16", IPNetwork("10.0.3.0/24")) is True
    assert overlaps("10.0.0.0/24", "10.0.1.0/24") is False
    assert overlaps("::/0", "10.0.0.0/8") is False
    assert contains("10.0.0.0/16", "10.0.0.0/16") is True
    assert contains("10.0.1.0/24", "10.0.0.0/16") is False
    assert parse_network("10.0.0.0/8") == IPNetwork("10.0.0.0/8")


def test_strategy_accepts_enum_and_str() -> None:
    space = AddressSpace("10.0.0.0/24")
    assert space.allocate(26, Strategy.LAST_FIT) == IPNetwork("10.0.0.192/26")
    assert space.allocate(26, "first-fit") == IPNetwork("10.0.0.0/26")
