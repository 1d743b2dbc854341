"""Read a legacy (non-zip) `torch.save` file of a state dict into numpy arrays, without torch.

facenet-pytorch ships its MTCNN weights in this format. The file is five pickles in a row followed by
raw storages: magic number, protocol version, system info, the state dict (tensors appear as
persistent ids naming a storage), the list of storage keys in file order; then per key an int64
element count and the little-endian data (float32, or int64 for BatchNorm's `num_batches_tracked`
counters). The unpickler below only admits the globals such a file needs, so a crafted file cannot run
code.
"""

from __future__ import annotations

import io
import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from .errors import UnexpectedFormatError

_MAGIC = 0x1950A86A20F9469CFC6C
_PROTOCOL = 1001
_FLOAT32 = np.dtype("<f4")
_INT64 = np.dtype("<i8")
# BatchNorm's training-step counter: an int64 scalar that inference never reads.
_COUNTER_SUFFIX = ".num_batches_tracked"

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class _StorageRef:
    """A storage named by a persistent id, resolved once the raw data has been read."""

    key: str
    numel: int
    dtype: np.dtype[np.float32] | np.dtype[np.int64] = _FLOAT32


@dataclass(frozen=True)
class _TensorRef:
    """What `_rebuild_tensor_v2` was asked to build: a strided view of one storage."""

    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


class _FloatStorageMarker:
    """Stands for `torch.FloatStorage` in persistent ids."""


class _LongStorageMarker:
    """Stands for `torch.LongStorage`: accepted only for BatchNorm counters (see `load_state_dict`)."""


def _rebuild_tensor_v2(
    storage: _StorageRef, offset: int, shape: tuple[int, ...], stride: tuple[int, ...], *_rest: object
) -> _TensorRef:
    return _TensorRef(storage, offset, tuple(shape), tuple(stride))


class _RestrictedUnpickler(pickle.Unpickler):
    _ALLOWED: ClassVar[dict[tuple[str, str], object]] = {
        ("collections", "OrderedDict"): OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch", "FloatStorage"): _FloatStorageMarker,
        ("torch", "LongStorage"): _LongStorageMarker,
    }

    def find_class(self, module: str, name: str) -> object:
        found = self._ALLOWED.get((module, name))
        if found is None:
            raise UnexpectedFormatError(f"torch file refers to {module}.{name}, which is not allowed")
        return found

    def persistent_load(self, pid: object) -> _StorageRef:
        # ("storage", type, key, location, numel, view_metadata); views of storages are not supported.
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage" and pid[5] is None):
            raise UnexpectedFormatError(f"unexpected persistent id {pid!r}")
        _, storage_type, key, _location, numel, _view = pid
        if storage_type is _FloatStorageMarker:
            return _StorageRef(str(key), int(numel))
        if storage_type is _LongStorageMarker:
            return _StorageRef(str(key), int(numel), _INT64)
        raise UnexpectedFormatError("only float32 (and int64 counter) storages are supported")


def _load_pickle(stream: io.BytesIO) -> object:
    return _RestrictedUnpickler(stream).load()


def _check_header(stream: io.BytesIO) -> None:
    magic, protocol, sys_info = (_load_pickle(stream) for _ in range(3))
    if magic != _MAGIC or protocol != _PROTOCOL:
        raise UnexpectedFormatError("not a legacy torch.save file (bad magic number or protocol)")
    if not (isinstance(sys_info, dict) and sys_info.get("little_endian") is True):
        raise UnexpectedFormatError("torch file was not written on a little-endian machine")


def _read_storages(
    stream: io.BytesIO, keys: list[str], expected: dict[str, _StorageRef]
) -> dict[str, npt.NDArray[Any]]:
    storages: dict[str, npt.NDArray[Any]] = {}
    for key in keys:
        (numel,) = struct.unpack("<q", stream.read(8))
        ref = expected.get(key)
        if ref is None or numel != ref.numel:
            raise UnexpectedFormatError(f"storage {key} holds {numel} elements, pickle said {ref and ref.numel}")
        raw = stream.read(numel * ref.dtype.itemsize)
        if len(raw) != numel * ref.dtype.itemsize:
            raise UnexpectedFormatError(f"storage {key} is truncated")
        storages[key] = np.frombuffer(raw, dtype=ref.dtype).copy()
    if stream.read(1):
        raise UnexpectedFormatError("trailing bytes after the last storage")
    return storages


def _materialise(ref: _TensorRef, storage: npt.NDArray[Any]) -> FloatArray:
    itemsize = storage.itemsize
    last = ref.offset + sum((n - 1) * s for n, s in zip(ref.shape, ref.stride, strict=True))
    if last >= storage.size:
        raise UnexpectedFormatError("tensor view runs past its storage")
    view = np.lib.stride_tricks.as_strided(
        storage[ref.offset :], shape=ref.shape, strides=tuple(s * itemsize for s in ref.stride)
    )
    return np.ascontiguousarray(view, dtype=np.float32)


def load_state_dict(data: bytes, *, drop_counters: bool = False) -> dict[str, FloatArray]:
    """The float32 tensors of a legacy `torch.save(state_dict)` file, by parameter name.

    An int64 tensor is refused, except, with `drop_counters`, BatchNorm's scalar `*.num_batches_tracked`
    (a training-step count that inference never reads), which is checked and left out.
    """
    stream = io.BytesIO(data)
    _check_header(stream)
    state = _load_pickle(stream)
    keys = _load_pickle(stream)
    if not isinstance(state, dict) or not isinstance(keys, list):
        raise UnexpectedFormatError("torch file does not hold a state dict")
    refs: dict[str, _TensorRef] = {}
    for name, value in state.items():
        if not isinstance(value, _TensorRef):
            raise UnexpectedFormatError(f"state dict entry {name} is not a tensor")
        refs[str(name)] = value
    expected = {ref.storage.key: ref.storage for ref in refs.values()}
    storages = _read_storages(stream, [str(k) for k in keys], expected)
    return {
        name: _materialise(ref, storages[ref.storage.key])
        for name, ref in refs.items()
        if not _is_counter(name, ref, drop_counters)
    }


def _is_counter(name: str, ref: _TensorRef, drop_counters: bool) -> bool:
    """Whether `name` is a BatchNorm counter to leave out; any other int64 tensor is refused."""
    if ref.storage.dtype == _FLOAT32:
        return False
    if drop_counters and name.endswith(_COUNTER_SUFFIX) and ref.shape == ():
        return True
    raise UnexpectedFormatError(f"state dict entry {name} is not a float32 tensor")
