"""A cluster's own ranges: its pod CIDR, service CIDR and DNS service IP (rules A6, A11-A14)."""

from __future__ import annotations

from collections.abc import Sequence

from netaddr import IPAddress, IPNetwork

from ipplan.core.cidr import overlaps, parse_address
from ipplan.errors import CidrError, FieldPath, ScenarioError
from ipplan.rules import (
    DEFAULT_POD_CIDR,
    DNS_OFFSET,
    FORBIDDEN_RANGES,
    POD_CIDR_NETWORKS,
    POD_CIDR_NODE_PREFIXLEN,
    SERVICE_MIN_PREFIXLEN,
)
from ipplan.scenario.format import ClusterModel
from ipplan.scenario.networks import AddressSpaces, Range, check_forbidden, cidr

__all__ = ["dns_service_ip", "pod_cidr", "service_cidr"]

#: tried in order when a message suggests a free range for a pod or service CIDR
_POD_CIDR_CHOICES = ("10.244.0.0/16", "100.64.0.0/16", "172.16.0.0/16", "192.168.0.0/16")
_SERVICE_CIDR_CHOICES = ("10.0.0.0/16", "172.16.0.0/16", "192.168.0.0/16", "100.127.0.0/16")


def _suggest(choices: Sequence[str], taken: Sequence[IPNetwork]) -> str:
    """The first of *choices* that overlaps none of *taken*, as ", such as X" (or nothing)."""
    for choice in choices:
        if not any(overlaps(choice, network) for network in taken):
            return f", such as {choice}"
    return ""


def _overlap(
    shown: str,
    other: Range,
    path: FieldPath,
    label: str,
    choices: Sequence[str],
    taken: list[Range],
) -> ScenarioError:
    hint = _suggest(choices, [r.network for r in taken])
    return ScenarioError(
        f"{shown} overlaps {label} ({other.network}, {other.path}); use a range used nowhere in "
        f"your network{hint}",
        path=path,
        value=shown,
        refs=(other.path,),
    )


def pod_cidr(model: ClusterModel, path: FieldPath, spaces: AddressSpaces) -> IPNetwork | None:
    """The pod CIDR to check: as given, or AKS's default when the model uses one (A6, A14)."""
    where = path / "pod_cidr"
    if model.pod_cidr is None:
        if model.network not in POD_CIDR_NETWORKS:
            return None
        network = cidr(DEFAULT_POD_CIDR, where)
        shown = f"the default {network}"
    else:
        network = cidr(model.pod_cidr, where)
        shown = str(network)
        if network.version != 4:
            raise ScenarioError(
                f"{network} is IPv6; give an IPv4 pod CIDR", path=where, value=shown
            )
        if network.prefixlen > POD_CIDR_NODE_PREFIXLEN:
            raise ScenarioError(
                f"{network} is smaller than one node's /24; use a /24 or larger "
                "(a /16 holds 256 nodes)",
                path=where,
                value=shown,
            )
        check_forbidden(network, where, FORBIDDEN_RANGES, "a pod CIDR")
    for other in spaces.overlapping(network)[:1]:
        raise _overlap(shown, other, where, other.label, _POD_CIDR_CHOICES, spaces.all())
    return network


def service_cidr(
    model: ClusterModel, path: FieldPath, spaces: AddressSpaces, pod_cidr: IPNetwork | None
) -> IPNetwork:
    """The service CIDR: small enough (A11), allowed (A13), and overlapping nothing (A11)."""
    where = path / "service_cidr"
    network = cidr(model.service_cidr, where)
    given = "service_cidr" in model.model_fields_set
    shown = str(network) if given else f"the default {network}"
    minimum = SERVICE_MIN_PREFIXLEN[network.version]
    if network.prefixlen < minimum:
        raise ScenarioError(
            f"{network} is larger than AKS allows for a service CIDR (/{minimum}); "
            f"use a /{minimum} or smaller" + (", such as a /16" if network.version == 4 else ""),
            path=where,
            value=shown,
        )
    check_forbidden(network, where, FORBIDDEN_RANGES, "a service CIDR")
    own = f"VNet {model.vnet!r}"
    pods = [Range(pod_cidr, path / "pod_cidr", "the pod CIDR")] if pod_cidr else []
    found = spaces.overlapping(network) + [r for r in pods if overlaps(network, r.network)]
    if found:
        # the cluster's own VNet first, then the other VNets, external ranges, the pod CIDR
        other = next((r for r in found if r.label == own), found[0])
        ranges = (
            [r for r in spaces.vnets if r.label == own]
            + [r for r in spaces.vnets if r.label != own]
            + spaces.external
            + pods
        )
        label = f"the cluster's {other.label}" if other.label == own else other.label
        raise _overlap(shown, other, where, label, _SERVICE_CIDR_CHOICES, ranges)
    return network


def dns_service_ip(model: ClusterModel, path: FieldPath, service: IPNetwork) -> IPAddress:
    """The DNS service IP: inside the service CIDR, not its first, network or broadcast (A12)."""
    default: IPAddress = service.network + DNS_OFFSET
    if model.dns_service_ip is None:
        if service.first + DNS_OFFSET >= service.last:
            raise ScenarioError(
                f"{service} has no room for the default DNS service IP (the .10); use a "
                "/28 or larger, or set dns_service_ip",
                path=path / "service_cidr",
                value=str(service),
            )
        return default
    where = path / "dns_service_ip"
    try:
        address = parse_address(model.dns_service_ip)
    except CidrError as err:
        raise ScenarioError(
            f"{err}; use the .10 of service_cidr, {default}",
            path=where,
            value=repr(model.dns_service_ip),
        ) from None
    if address.version != service.version:
        raise ScenarioError(
            f"{address} is IPv{address.version} but service_cidr {service} is "
            f"IPv{service.version}; use {default}",
            path=where,
            value=str(address),
        )
    value = int(address)
    if not service.first <= value <= service.last:
        raise ScenarioError(
            f"{address} is outside service_cidr {service}; use {default} (the .10)",
            path=where,
            value=str(address),
        )
    if value == service.first:
        problem = "is the service CIDR's network address"
    elif value == service.first + 1:
        problem = "is the service CIDR's first address, which the kubernetes Service takes"
    elif value == service.last and service.version == 4:
        problem = "is the service CIDR's broadcast address"
    else:
        return address
    raise ScenarioError(
        f"{address} {problem}; use {default} (the .10)", path=where, value=str(address)
    )
