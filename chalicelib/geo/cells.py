"""Zones as sets of H3 cells: building, the point test, storage form and a per-process cache.

Membership must be a set lookup (a check-in is on the hot path of the 07:00 rush), and no point inside the
drawn shape may ever test outside. So a zone's set holds every cell at the configured resolution that
overlaps the shape, not just those whose centre is inside: H3's "overlap" containment, plus, as a guard
that does not depend on that (experimental) mode alone, the cells of points sampled every half cell edge
along every ring. A point then tests inside only when its cell touches the shape, i.e. at most one cell
diameter outside it (see config.overshoot_bound_m).

Sets are kept compacted (interior cells merged into coarser parents), in memory and in storage; the point
test checks the point's cell and its ancestors at the few resolutions present, with integer bit operations.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence

import h3
import h3.api.basic_int as h3i

from chalicelib.geo.config import CIRCLE_MARGIN_M, ZoneConfig
from chalicelib.geo.earth import LatLon, destination
from chalicelib.geo.errors import StoredCellsError
from chalicelib.geo.shapes import CircleShape, PolygonShape, Shape, invalid, validated

# Layout of an H3 index: resolution in bits 52-55, then one 3-bit digit per resolution 1..15 (15 last).
_RES_SHIFT = 52
_RES_CLEAR = ~(0xF << _RES_SHIFT)
_DIGIT_BITS = 3
_MAX_RES = 15


def _resolution(cell: int) -> int:
    return (cell >> _RES_SHIFT) & 0xF


def _ancestor_bits(res: int) -> int:
    """Bits that, OR-ed into an index with its resolution cleared, give its ancestor at `res`."""
    unused_digits = (1 << (_DIGIT_BITS * (_MAX_RES - res))) - 1
    return (res << _RES_SHIFT) | unused_digits


class CellSet:
    """The compacted H3 cells of one zone, with a point test."""

    __slots__ = ("_ancestors", "_cells", "resolution")

    def __init__(self, compacted: Iterable[int]) -> None:
        cells = frozenset(compacted)
        if not cells:
            raise StoredCellsError(details={"problem": "empty"})
        resolutions = sorted({_resolution(c) for c in cells}, reverse=True)
        self._cells = cells
        self.resolution = resolutions[0]
        self._ancestors = tuple(_ancestor_bits(r) for r in resolutions)

    @classmethod
    def from_cells(cls, cells: Iterable[int]) -> CellSet:
        """Build from any cells (compacting them first)."""
        return cls(h3i.compact_cells(list(set(cells))))

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point's cell belongs to the zone."""
        return self.contains_cell(h3i.latlng_to_cell(lat, lon, self.resolution))

    def contains_cell(self, cell: int) -> bool:
        """Whether `cell`, which must be at this set's `resolution`, belongs to the zone."""
        base = cell & _RES_CLEAR
        cells = self._cells
        return any((base | bits) in cells for bits in self._ancestors)

    def uncompacted_count(self) -> int:
        """Number of cells at `resolution` that the set covers."""
        return sum(7 ** (self.resolution - _resolution(c)) for c in self._cells)

    def __len__(self) -> int:
        return len(self._cells)

    def __iter__(self) -> Iterator[int]:
        return iter(self._cells)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CellSet) and self._cells == other._cells

    def __hash__(self) -> int:
        return hash(self._cells)

    def __repr__(self) -> str:
        return f"CellSet(resolution={self.resolution}, compacted={len(self._cells)})"


# --------------------------------------------------------------------------------------------- building


def build_cells(shape: Shape, config: ZoneConfig) -> CellSet:
    """Validate a zone and turn it into its cell set (raises GeoValidationError)."""
    shape = validated(shape, config)
    res = config.resolution
    rings = _covering_rings(shape)
    poly = h3.LatLngPoly(list(rings[0]), *[list(r) for r in rings[1:]])
    cells = set(h3i.h3shape_to_cells_experimental(poly, res, "overlap"))
    cells.update(_ring_cells(rings, res))
    result = CellSet.from_cells(cells)
    if len(result) > config.max_cells:
        raise invalid(shape.kind, "too_many_cells", cells=len(result), max=config.max_cells)
    return result


def _covering_rings(shape: Shape) -> tuple[tuple[LatLon, ...], ...]:
    if isinstance(shape, PolygonShape):
        return shape.rings
    return (circle_ring(shape),)


def circle_ring(circle: CircleShape) -> tuple[LatLon, ...]:
    """A polygon around the circle whose edges stay within CIRCLE_MARGIN_M outside it.

    The polygon is circumscribed (vertices at R' / cos(π/n) with R' slightly above R) so that it contains
    the whole circle: an inscribed one would cut off slivers and leave points inside the circle outside.
    """
    inner = circle.radius_m + CIRCLE_MARGIN_M * 0.4
    outer = circle.radius_m + CIRCLE_MARGIN_M
    n = max(24, math.ceil(math.pi / math.acos(inner / outer)))
    vertex_radius = inner / math.cos(math.pi / n)
    return tuple(destination(circle.center, 2 * math.pi * k / n, vertex_radius) for k in range(n))


def _ring_cells(rings: Sequence[Sequence[LatLon]], res: int) -> set[int]:
    step_m = h3.average_hexagon_edge_length(res, "m") / 2
    found: set[int] = set()
    for ring in rings:
        for i, a in enumerate(ring):
            b = ring[(i + 1) % len(ring)]
            found.update(h3i.latlng_to_cell(lat, lon, res) for lat, lon in _samples(a, b, step_m))
    return found


def _samples(a: LatLon, b: LatLon, step_m: float) -> Iterator[LatLon]:
    # edges are straight in lat/lon, so interpolate there; the metre length only sets the count
    dlat_m = (b[0] - a[0]) * 111_195.0
    dlon_m = (b[1] - a[1]) * 111_195.0 * math.cos(math.radians(a[0]))
    n = max(1, math.ceil(math.hypot(dlat_m, dlon_m) / step_m))
    for k in range(n + 1):
        t = k / n
        yield a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])


# ------------------------------------------------------------------------------------------ storage form

# DynamoDB counts a list element as its content plus one byte; a hex cell id is 15 characters.
_ITEM_OVERHEAD_BYTES = 1


def cells_to_storable(cells: CellSet) -> list[str]:
    """The compacted cells as sorted hex strings (what the store keeps)."""
    return sorted(h3i.int_to_str(c) for c in cells)


def cells_from_storable(items: Iterable[object]) -> CellSet:
    """Rebuild a CellSet from stored hex strings or ints; raises StoredCellsError on corrupt data."""
    cells: list[int] = []
    for item in items:
        try:
            cell = int(item, 16) if isinstance(item, str) else int(item)  # type: ignore[call-overload]
        except (TypeError, ValueError) as exc:
            raise StoredCellsError(details={"problem": "not_a_cell"}) from exc
        if not h3i.is_valid_cell(cell):
            raise StoredCellsError(details={"problem": "not_a_cell"})
        cells.append(cell)
    return CellSet(cells)


def storable_size_bytes(items: Sequence[str]) -> int:
    """Approximate DynamoDB size of the list attribute holding `items`."""
    return 3 + sum(len(s) + _ITEM_OVERHEAD_BYTES for s in items)


def chunk_storable(items: Sequence[str], max_bytes: int = 300_000) -> list[list[str]]:
    """Split stored cells into lists of at most `max_bytes` each (one DynamoDB item per chunk)."""
    if max_bytes < 64:
        raise ValueError("max_bytes too small")
    chunks: list[list[str]] = [[]]
    size = 3
    for s in items:
        item_size = len(s) + _ITEM_OVERHEAD_BYTES
        if size + item_size > max_bytes and chunks[-1]:
            chunks.append([])
            size = 3
        chunks[-1].append(s)
        size += item_size
    return chunks if chunks[-1] else []


# ------------------------------------------------------------------------------------------------ cache


class CellSetCache:
    """Per-process LRU of decoded cell sets keyed by (zone_id, version).

    Kept in a module-level instance by the app layer so that a warm Lambda decodes a zone once. A zone's
    older versions are dropped as soon as a newer one is loaded. Not thread-safe (a Lambda process serves
    one request at a time).
    """

    def __init__(self, max_entries: int = 5_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be >= 1")
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[Hashable, CellSet]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, zone_id: str, version: Hashable, load: Callable[[], CellSet]) -> CellSet:
        """The cells of `zone_id` at `version`, calling `load` only when not cached."""
        entry = self._entries.get(zone_id)
        if entry is not None and entry[0] == version:
            self._entries.move_to_end(zone_id)
            self.hits += 1
            return entry[1]
        self.misses += 1
        cells = load()
        self._entries[zone_id] = (version, cells)
        self._entries.move_to_end(zone_id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return cells

    def invalidate(self, zone_id: str) -> None:
        self._entries.pop(zone_id, None)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
