"""Pure CIDR maths on integers: parse, overlap, allocate. netaddr lives here only.

Inside, a network is an ``(int, prefixlen)`` pair; netaddr objects appear only at the API edge.
Free space is a buddy structure: one sorted list of block starts per prefix length, so
``allocate``/``release``/``reserve`` cost O(address width), never O(addresses) or O(blocks).
"""

from __future__ import annotations

import gc
import operator
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from functools import lru_cache
from itertools import repeat

from netaddr import AddrFormatError, IPAddress, IPNetwork

from ipplan.errors import CapacityError, CidrError

__all__ = [
    "AddressSpace",
    "PrefixIndex",
    "Strategy",
    "contains",
    "find_overlaps",
    "gc_paused",
    "overlaps",
    "parse_address",
    "parse_network",
    "supernet",
]

_WIDTH = {4: 32, 6: 128}
#: Added to IPv6 starts when sorting mixed versions, so every IPv6 network sorts after IPv4.
_V6_OFFSET = 1 << 128


class Strategy(StrEnum):
    """Which free block ``AddressSpace.allocate`` takes (DESIGN.md, "The CIDR core")."""

    BEST_FIT = "best-fit"  # the smallest free block that fits; ties to the lowest address
    FIRST_FIT = "first-fit"  # the lowest address that fits
    LAST_FIT = "last-fit"  # the highest address that fits


_STRATEGIES = tuple(strategy.value for strategy in Strategy)


def parse_network(text: str | IPNetwork) -> IPNetwork:
    """Parse a CIDR such as ``10.1.0.0/24``; reject host bits (netaddr keeps them silently).

    >>> parse_network("10.1.0.0/24")
    IPNetwork('10.1.0.0/24')

    Raises:
        CidrError: not a CIDR, or host bits set (the message gives the corrected CIDR).
    """
    if isinstance(text, str) and len(text) <= 64:
        return _parse_text(text)
    return _parse(text)


@lru_cache(maxsize=1 << 16)
def _parse_text(text: str) -> IPNetwork:
    """:func:`_parse` of a CIDR written as text, remembered: an imported estate checks the same
    VNet and subnet ranges once per cluster (netaddr objects are never mutated in ipplan, so
    sharing one is safe; a bad CIDR raises every time, as exceptions are not cached)."""
    return _parse(text)


def _parse(text: str | IPNetwork) -> IPNetwork:
    if isinstance(text, IPNetwork):
        network = text
    else:
        raw = str(text).strip()
        if "/" not in raw:
            try:
                address = IPAddress(raw)
            except (AddrFormatError, ValueError, TypeError):
                raise CidrError(f"{text!r} is not a CIDR such as 10.0.0.0/24") from None
            example = f"{raw}/24" if address.version == 4 else f"{raw}/64"
            raise CidrError(f"{text!r} is not a CIDR: give a prefix length, such as {example}")
        try:
            network = IPNetwork(raw, flags=0)
        except (AddrFormatError, ValueError, TypeError):
            raise CidrError(f"{text!r} is not a valid CIDR") from None
    if network.ip != network.network:
        raise CidrError(f"{str(text)!r} has host bits set (did you mean {network.cidr}?)")
    return network.cidr


def parse_address(text: str) -> IPAddress:
    """Parse one IP address such as ``10.0.0.10``.

    Raises:
        CidrError: not an IP address.
    """
    try:
        return IPAddress(str(text).strip())
    except (AddrFormatError, ValueError, TypeError):
        raise CidrError(f"{text!r} is not a valid IP address") from None


def _triple(network: str | IPNetwork) -> tuple[int, int, int]:
    """``(version, start, prefixlen)`` of a CIDR; host bits are an error, as in parse_network."""
    if not isinstance(network, IPNetwork):
        network = parse_network(network)
    version: int = network.version
    start: int = network.value
    prefixlen: int = network.prefixlen
    if start & ((1 << (_WIDTH[version] - prefixlen)) - 1):
        parse_network(network)  # raises the host-bits message
    return version, start, prefixlen


def _network(start: int, prefixlen: int, version: int) -> IPNetwork:
    """The IPNetwork of an integer block, built through netaddr's pickle state.

    ``IPNetwork((start, prefixlen), version)`` re-parses its argument and costs three times as
    much; ``__setstate__`` is the stable pickle interface and checks version and prefix length.
    """
    network = _new(IPNetwork)
    network.__setstate__((start, prefixlen, version))
    return network


_new = object.__new__


def overlaps(a: str | IPNetwork, b: str | IPNetwork) -> bool:
    """Whether two CIDRs share an address (an IPv4 and an IPv6 network never do).

    >>> overlaps("10.0.0.0/16", "10.0.255.0/24"), overlaps("10.0.0.0/24", "10.0.1.0/24")
    (True, False)
    """
    version_a, start_a, prefixlen_a = _triple(a)
    version_b, start_b, prefixlen_b = _triple(b)
    if version_a != version_b:
        return False
    # Two CIDRs overlap exactly when the longer one lies inside the shorter one.
    shift = _WIDTH[version_a] - min(prefixlen_a, prefixlen_b)
    return start_a >> shift == start_b >> shift


def contains(outer: str | IPNetwork, inner: str | IPNetwork) -> bool:
    """Whether every address of *inner* is in *outer*.

    >>> contains("10.0.0.0/16", "10.0.4.0/22"), contains("10.0.4.0/22", "10.0.0.0/16")
    (True, False)
    """
    version_o, start_o, prefixlen_o = _triple(outer)
    version_i, start_i, prefixlen_i = _triple(inner)
    if version_o != version_i or prefixlen_o > prefixlen_i:
        return False
    shift = _WIDTH[version_o] - prefixlen_o
    return start_o >> shift == start_i >> shift


def supernet(network: str | IPNetwork, prefixlen: int) -> IPNetwork:
    """The aligned block of *prefixlen* bits that holds *network* (what growing it in place gives).

    >>> supernet("10.50.0.0/23", 22)
    IPNetwork('10.50.0.0/22')
    """
    version, start, own = _triple(network)
    shift = _WIDTH[version] - min(prefixlen, own)
    return _network(start >> shift << shift, min(prefixlen, own), version)


def find_overlaps(networks: Sequence[str | IPNetwork]) -> list[tuple[int, int]]:
    """Every pair ``(i, j)``, ``i < j``, of *networks* that overlap, sorted; O(n log n + k).

    IPv4 and IPv6 may be mixed; networks of different versions never overlap.

    >>> find_overlaps(["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/24"])
    [(0, 1)]

    Raises:
        CidrError: an entry is not a valid CIDR (the message names it).
    """
    with gc_paused():
        return _find_overlaps(networks)


class PrefixIndex:
    """Many CIDRs, indexed to answer "which of them overlap this one?" without a pass over all.

    Two CIDRs overlap exactly when one holds the other: the holders are found by one lookup
    per prefix length, the ones inside by a bisection on the sorted starts. O(width + log n + k)
    a query, k the answers.

    >>> index = PrefixIndex(["10.0.0.0/16", "192.168.0.0/24", "10.0.4.0/24", "10.0.0.0/8"])
    >>> index.overlapping("10.0.4.0/22"), index.overlapping("172.16.0.0/12")
    ([0, 2, 3], [])
    """

    def __init__(self, networks: Sequence[str | IPNetwork]) -> None:
        self._exact: dict[tuple[int, int, int], list[int]] = {}
        starts: dict[int, list[tuple[int, int]]] = {}
        for i, network in enumerate(networks):
            version, start, prefixlen = _triple(network)
            self._exact.setdefault((version, prefixlen, start), []).append(i)
            starts.setdefault(version, []).append((start, i))
        self._starts = {version: sorted(pairs) for version, pairs in starts.items()}

    def overlapping(self, network: str | IPNetwork) -> list[int]:
        """The indices, ascending, of the indexed CIDRs that overlap *network*."""
        version, start, prefixlen = _triple(network)
        width = _WIDTH[version]
        found: set[int] = set()
        for length in range(prefixlen + 1):  # the ones that hold it (or equal it)
            shift = width - length
            found.update(self._exact.get((version, length, start >> shift << shift), ()))
        pairs = self._starts.get(version, [])
        last = start + (1 << (width - prefixlen)) - 1
        at = bisect_left(pairs, (start, -1))
        while at < len(pairs) and pairs[at][0] <= last:  # the ones that start inside it
            found.add(pairs[at][1])
            at += 1
        return sorted(found)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects.

    Each few hundred new objects start a collection that walks every tracked object, so a
    result of 10^5 overlap pairs, or the 10^5 dicts, lists and dataclasses of a large estate
    read from a file, pays for many walks that can find nothing (a third of the time of
    ``find_overlaps`` and of ``ipplan validate`` on 3,000 VNets). Collection resumes after.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _find_overlaps(networks: Sequence[str | IPNetwork]) -> list[tuple[int, int]]:
    count = len(networks)
    index_bits = max(count, 1).bit_length()
    ends = [0] * count
    keys = [0] * count
    for index, network in enumerate(networks):
        if isinstance(network, IPNetwork):
            version = network.version
            start = network.value
            prefixlen = network.prefixlen
            if start & ((1 << (_WIDTH[version] - prefixlen)) - 1):
                parse_network(network)  # raises the host-bits message
        else:
            version, start, prefixlen = _triple(network)
        if version == 6:
            start += _V6_OFFSET
        ends[index] = start + (1 << (_WIDTH[version] - prefixlen))
        # One int sorts by start, then shorter prefix (the container) first, then index;
        # 8 bits hold a prefix length 0..128.
        keys[index] = (start << 8 | prefixlen) << index_bits | index
    keys.sort()
    # CIDRs nest or are disjoint, so the networks still open at a start form a chain of
    # containers: a stack. Each one on the stack contains the new network: one pair each.
    index_mask = (1 << index_bits) - 1
    shift = index_bits + 8
    stack: list[int] = []
    # Partners of each index that are larger than it; grouping by the smaller index and
    # sorting each small group is cheaper than sorting all k pairs at once.
    partners: list[list[int]] = [[] for _ in range(count)]
    for key in keys:
        index = key & index_mask
        start = key >> shift
        while stack and ends[stack[-1]] <= start:
            stack.pop()
        for other in stack:
            if other < index:
                partners[other].append(index)
            else:
                partners[index].append(other)
        stack.append(index)
    pairs: list[tuple[int, int]] = []
    for index, larger in enumerate(partners):
        if larger:
            larger.sort()
            pairs.extend(zip(repeat(index), larger))
    return pairs


class AddressSpace:
    """Free and used blocks of one or more disjoint prefixes of one IP version (a VNet).

    >>> space = AddressSpace(["10.0.0.0/16"])
    >>> space.reserve("10.0.0.0/24")
    >>> space.allocate(22), space.allocate(26, strategy="last-fit")
    (IPNetwork('10.0.4.0/22'), IPNetwork('10.0.255.192/26'))
    >>> space.free, space.largest_free()
    (64192, IPNetwork('10.0.64.0/18'))

    Raises:
        CidrError: no prefix, an invalid CIDR, mixed IP versions, or overlapping prefixes.
    """

    __slots__ = (
        "_free",
        "_nonempty",
        "_prefixes",
        "_reserved",
        "_roots",
        "_size",
        "_used",
        "_used_count",
        "_version",
        "_width",
    )

    def __init__(self, prefixes: str | IPNetwork | Iterable[str | IPNetwork]) -> None:
        if isinstance(prefixes, str | IPNetwork):
            prefixes = [prefixes]
        networks = [parse_network(prefix) for prefix in prefixes]
        if not networks:
            raise CidrError("an address space needs at least one prefix, such as 10.0.0.0/16")
        versions = {network.version for network in networks}
        if len(versions) > 1:
            raise CidrError(
                f"address space {', '.join(map(str, networks))} mixes IPv4 and IPv6: "
                "use one address space per IP version"
            )
        for i, j in find_overlaps(networks):
            raise CidrError(
                f"address space prefixes {networks[i]} and {networks[j]} overlap: "
                "list each address once"
            )
        self._version: int = versions.pop()
        self._width: int = _WIDTH[self._version]
        networks.sort()
        self._prefixes: tuple[IPNetwork, ...] = tuple(networks)
        #: Root block start -> prefix length; buddies never merge past a root.
        self._roots: dict[int, int] = {int(n.value): int(n.prefixlen) for n in networks}
        #: Per prefix length, the sorted starts of free blocks of that length.
        self._free: list[list[int]] = [[] for _ in range(self._width + 1)]
        #: Bit q set when ``_free[q]`` is not empty.
        self._nonempty = 0
        #: Used block start -> prefix length (ints only: nothing for the garbage collector).
        self._used: dict[int, int] = {}
        #: Starts of the used blocks that were reserved rather than allocated.
        self._reserved: set[int] = set()
        self._used_count = 0
        self._size = 0
        for start, prefixlen in self._roots.items():
            self._free[prefixlen].append(start)
            self._nonempty |= 1 << prefixlen
            self._size += 1 << (self._width - prefixlen)
        for free_list in self._free:
            free_list.sort()

    def __repr__(self) -> str:
        return (
            f"AddressSpace([{', '.join(repr(str(p)) for p in self._prefixes)}], "
            f"used={self.used}, free={self.free})"
        )

    def copy(self) -> AddressSpace:
        """An independent copy, to try allocations without changing this space.

        >>> space = AddressSpace("10.0.0.0/24")
        >>> trial = space.copy()
        >>> trial.allocate(25)
        IPNetwork('10.0.0.0/25')
        >>> space
        AddressSpace(['10.0.0.0/24'], used=0, free=256)
        >>> trial
        AddressSpace(['10.0.0.0/24'], used=128, free=128)
        """
        clone = object.__new__(AddressSpace)
        for name in self.__slots__:
            setattr(clone, name, getattr(self, name))
        clone._free = [list(free_list) for free_list in self._free]
        clone._used = dict(self._used)
        clone._reserved = set(self._reserved)
        return clone

    # ----- counts and views

    @property
    def prefixes(self) -> tuple[IPNetwork, ...]:
        """The prefixes of the space, sorted."""
        return self._prefixes

    @property
    def size(self) -> int:
        """Addresses in all prefixes."""
        return self._size

    @property
    def used(self) -> int:
        """Addresses reserved or allocated."""
        return self._used_count

    @property
    def free(self) -> int:
        """Addresses neither reserved nor allocated."""
        return self._size - self._used_count

    @property
    def fragmentation(self) -> float:
        """``1 - largest free block / free addresses``: 0.0 when free space is one block or none."""
        free = self._size - self._used_count
        if free == 0:
            return 0.0
        largest = (self._nonempty & -self._nonempty).bit_length() - 1
        return 1.0 - (1 << (self._width - largest)) / free

    def free_blocks(self) -> list[IPNetwork]:
        """The free space as maximal aligned CIDRs, sorted by address."""
        blocks = sorted(
            (start, prefixlen)
            for prefixlen, free_list in enumerate(self._free)
            for start in free_list
        )
        return [_network(start, prefixlen, self._version) for start, prefixlen in blocks]

    def largest_free(self) -> IPNetwork | None:
        """The largest free block (the lowest one on ties), or None when the space is full."""
        if not self._nonempty:
            return None
        prefixlen = (self._nonempty & -self._nonempty).bit_length() - 1
        return _network(self._free[prefixlen][0], prefixlen, self._version)

    def used_blocks(self) -> list[IPNetwork]:
        """Reserved and allocated blocks, sorted by address."""
        return [_network(start, self._used[start], self._version) for start in sorted(self._used)]

    def is_reserved(self, network: str | IPNetwork) -> bool:
        """True if *network* was reserved, False if it was allocated.

        Raises:
            CidrError: *network* is neither reserved nor allocated in this space.
        """
        start, prefixlen = self._own(network)
        if self._used.get(start) != prefixlen:
            raise CidrError(f"{network} is neither reserved nor allocated in {self._spaces()}")
        return start in self._reserved

    # ----- changes

    def reserve(self, network: str | IPNetwork) -> None:
        """Mark an existing subnet as used.

        Raises:
            CidrError: *network* is outside every prefix of the space, or overlaps a block
                already reserved or allocated.
        """
        start, prefixlen = self._own(network)
        width = self._width
        free = self._free
        candidates = self._nonempty & ((2 << prefixlen) - 1)
        while candidates:
            level = candidates.bit_length() - 1
            candidates ^= 1 << level
            block = start >> (width - level) << (width - level)
            free_list = free[level]
            index = bisect_left(free_list, block)
            if index < len(free_list) and free_list[index] == block:
                self._take(level, index)
                # Split down to the reserved block, freeing the other half at each level.
                for k in range(level + 1, prefixlen + 1):
                    half = start >> (width - k) << (width - k)
                    self._put(k, half ^ (1 << (width - k)))
                self._used[start] = prefixlen
                self._reserved.add(start)
                self._used_count += 1 << (width - prefixlen)
                return
        raise CidrError(self._conflict(start, prefixlen))

    def allocate(self, prefixlen: int, strategy: Strategy | str = Strategy.BEST_FIT) -> IPNetwork:
        """Take a free aligned block of *prefixlen* bits, chosen by *strategy*.

        Raises:
            CidrError: *prefixlen* is not a valid length for this space, or *strategy* unknown.
            CapacityError: no free block can hold it.
        """
        width = self._width
        if prefixlen.__class__ is not int or not 0 <= prefixlen <= width:
            prefixlen = self._valid_prefixlen(prefixlen)
        fitting = (2 << prefixlen) - 1  # bits of the levels whose blocks can hold the request
        candidates = self._nonempty & fitting
        if not candidates:
            if strategy not in _STRATEGIES:
                raise _unknown_strategy(strategy)
            shortest = min(self._roots.values())
            if prefixlen < shortest:
                raise CidrError(
                    f"/{prefixlen} is larger than the address space {self._spaces()}: "
                    f"request /{shortest} or longer"
                )
            raise CapacityError(self._no_room(prefixlen))
        free = self._free
        # A StrEnum member equals its value, so comparing with the plain strings covers both.
        if strategy == "best-fit":
            level = candidates.bit_length() - 1
            free_list = free[level]
            block = free_list[0]
            del free_list[0]
            # No level between *level* and *prefixlen* has a free block (else it would be the
            # best fit), so each split half starts its own list.
            for k in range(level + 1, prefixlen + 1):
                free[k].append(block + (1 << (width - k)))
        elif strategy == "first-fit":
            level = min(_bits(candidates), key=lambda q: free[q][0])
            free_list = free[level]
            block = free_list[0]
            del free_list[0]
            for k in range(level + 1, prefixlen + 1):
                insort(free[k], block + (1 << (width - k)))
        elif strategy == "last-fit":
            level = max(_bits(candidates), key=lambda q: free[q][-1])
            free_list = free[level]
            block = free_list.pop()
            for k in range(level + 1, prefixlen + 1):
                insort(free[k], block)
                block += 1 << (width - k)
        else:
            raise _unknown_strategy(strategy)
        # Levels level+1..prefixlen gained a half each; *level* lost a block.
        nonempty = self._nonempty | (fitting ^ ((2 << level) - 1))
        self._nonempty = nonempty if free_list else nonempty ^ (1 << level)
        self._used[block] = prefixlen
        self._used_count += 1 << (width - prefixlen)
        network = _new(IPNetwork)
        network.__setstate__((block, prefixlen, self._version))
        return network

    def release(self, network: str | IPNetwork) -> None:
        """Free a reserved or allocated block, merging it with its free buddies.

        Raises:
            CidrError: *network* is not a block reserved or allocated in this space.
        """
        start, prefixlen = self._own(network)
        if self._used.get(start) != prefixlen:
            raise CidrError(
                f"cannot release {network}: it is not reserved or allocated in "
                f"{self._spaces()} (release a block exactly as reserve or allocate gave it)"
            )
        del self._used[start]
        self._reserved.discard(start)
        width = self._width
        self._used_count -= 1 << (width - prefixlen)
        roots = self._roots
        free = self._free
        nonempty = self._nonempty
        while roots.get(start) != prefixlen:
            half = 1 << (width - prefixlen)
            buddy = start ^ half
            free_list = free[prefixlen]
            index = bisect_left(free_list, buddy)
            if index == len(free_list) or free_list[index] != buddy:
                break
            del free_list[index]
            if not free_list:
                nonempty ^= 1 << prefixlen
            start &= ~half
            prefixlen -= 1
        insort(free[prefixlen], start)
        self._nonempty = nonempty | 1 << prefixlen

    # ----- internals

    def _take(self, level: int, index: int) -> None:
        free_list = self._free[level]
        del free_list[index]
        if not free_list:
            self._nonempty &= ~(1 << level)

    def _put(self, level: int, start: int) -> None:
        insort(self._free[level], start)
        self._nonempty |= 1 << level

    def _own(self, network: str | IPNetwork) -> tuple[int, int]:
        """``(start, prefixlen)`` of *network*; another IP version is outside the space."""
        version, start, prefixlen = _triple(network)
        if version != self._version:
            raise CidrError(
                f"{network} is outside the address space {self._spaces()}: it is IPv{version}"
            )
        return start, prefixlen

    def _spaces(self) -> str:
        return ", ".join(map(str, self._prefixes))

    def _valid_prefixlen(self, prefixlen: object) -> int:
        """*prefixlen* as an int (numpy ints too) within the address width, or CidrError."""
        if isinstance(prefixlen, bool) or not hasattr(prefixlen, "__index__"):
            raise CidrError(f"prefix length {prefixlen!r} is not an integer")
        value = operator.index(prefixlen)
        if not 0 <= value <= self._width:
            raise CidrError(
                f"/{value} is not an IPv{self._version} prefix length: use /0 to /{self._width}"
            )
        return value

    def _no_room(self, prefixlen: int) -> str:
        free = self._size - self._used_count
        if not free:
            return f"no free /{prefixlen} in {self._spaces()} (no free space left)"
        largest = (self._nonempty & -self._nonempty).bit_length() - 1
        return (
            f"no free /{prefixlen} in {self._spaces()} "
            f"(largest free block /{largest}, {free:,} addresses free)"
        )

    def _conflict(self, start: int, prefixlen: int) -> str:
        """Why *start*/*prefixlen* cannot be reserved (error path only, so a scan is fine)."""
        width = self._width
        name = _network(start, prefixlen, self._version)
        inside = any(
            self._roots.get(start >> (width - q) << (width - q)) == q for q in range(prefixlen + 1)
        )
        if not inside:
            return (
                f"{name} is outside the address space {self._spaces()}: "
                "reserve a subnet inside it or add its prefix to the space"
            )
        end = start + (1 << (width - prefixlen))
        for used_start in sorted(self._used):
            used_prefixlen = self._used[used_start]
            used_end = used_start + (1 << (width - used_prefixlen))
            if used_start < end and start < used_end:
                kind = "reserved" if used_start in self._reserved else "allocated"
                other = _network(used_start, used_prefixlen, self._version)
                return f"{name} overlaps {other}, already {kind}"
        raise AssertionError(f"{name} is inside the space, not free and overlaps nothing")


def _unknown_strategy(strategy: object) -> CidrError:
    choices = ", ".join(_STRATEGIES)
    return CidrError(f"unknown allocation strategy {strategy!r}: use {choices}")


def _bits(mask: int) -> list[int]:
    """Positions of the set bits of *mask*, highest first."""
    positions = []
    while mask:
        position = mask.bit_length() - 1
        positions.append(position)
        mask ^= 1 << position
    return positions
