"""The readers of foreign formats (legacy torch pickles, dlib streams) reject what they do not know."""

from __future__ import annotations

import io
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest

from models.build import load_manifest
from models.dlib_resnet import read_dlib_resnet
from models.dlib_stream import DlibStream
from models.errors import UnexpectedFormatError
from models.sources import source_bytes
from models.torch_legacy import load_state_dict


def _source(model_id: str, cache: Path) -> bytes:
    """The source file of a manifest model, read from the build's cache (and verified) as the build reads it."""
    (entry,) = (e for e in load_manifest() if e.model_id == model_id)
    return source_bytes(entry.source, cache)


@pytest.fixture(scope="module")
def pnet_bytes(source_cache: Path) -> bytes:
    return _source("mtcnn_pnet", source_cache)


@pytest.fixture(scope="module")
def dlib_bytes(source_cache: Path) -> bytes:
    return _source("dlib_resnet_v1", source_cache)


def test_torch_state_dict_is_read_without_torch(pnet_bytes: bytes) -> None:
    state = load_state_dict(pnet_bytes)
    assert state["conv1.weight"].shape == (10, 3, 3, 3)
    assert state["prelu1.weight"].shape == (10,)
    assert all(v.dtype == np.float32 for v in state.values())


def test_torch_file_naming_a_foreign_global_is_refused(pnet_bytes: bytes) -> None:
    # GIVEN a file with the right header whose pickle calls os.system
    header = io.BytesIO(pnet_bytes)
    for _ in range(3):
        pickle.load(header)
    crafted = pnet_bytes[: header.tell()] + b"\x80\x02cos\nsystem\n(S'true'\ntR."
    # WHEN it is loaded, THEN the unpickler refuses before running anything
    with pytest.raises(UnexpectedFormatError, match=r"os\.system"):
        load_state_dict(crafted)


def test_torch_file_with_truncated_storage_is_refused(pnet_bytes: bytes) -> None:
    with pytest.raises(UnexpectedFormatError, match="truncated"):
        load_state_dict(pnet_bytes[:-10])


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b"\x01\x00", 0),
        (b"\x01\x05", 5),
        (b"\x81\x05", -5),
        (b"\x02\x2c\x01", 300),
        (b"\x82\x2c\x01", -300),
    ],
)
def test_dlib_compressed_integers(raw: bytes, value: int) -> None:
    stream = DlibStream(raw)
    assert stream.read_int() == value and stream.at_end()


def test_dlib_float_is_mantissa_times_power_of_two() -> None:
    # 0.75 = 3 * 2^-2: mantissa 3, exponent -2
    assert DlibStream(b"\x01\x03\x81\x02").read_float() == 0.75


def test_dlib_tensor_reads_little_endian_float32() -> None:
    raw = b"\x01\x02" + b"\x01\x01\x01\x02\x01\x01\x01\x01" + struct.pack("<2f", 1.5, -2.0)
    np.testing.assert_array_equal(DlibStream(raw).read_tensor().reshape(-1), [1.5, -2.0])


def test_dlib_resnet_is_read_as_resnet29(dlib_bytes: bytes) -> None:
    ops = read_dlib_resnet(dlib_bytes)
    kinds = [op.kind for op in ops]
    assert kinds.count("con") == 29 and kinds.count("add_prev") == 14 and kinds[-1] == "fc"


def test_dlib_file_with_unexpected_layer_tag_is_refused(dlib_bytes: bytes) -> None:
    # GIVEN the model with its first relu layer's tag changed to a layer the architecture does not have
    index = dlib_bytes.index(b"relu_")
    tampered = dlib_bytes[:index] + b"sig__" + dlib_bytes[index + 5 :]
    # WHEN it is read, THEN the reader names what it found
    with pytest.raises(UnexpectedFormatError, match="sig__"):
        read_dlib_resnet(tampered)


def test_dlib_file_with_extra_bytes_is_refused(dlib_bytes: bytes) -> None:
    with pytest.raises(UnexpectedFormatError, match="bytes left"):
        read_dlib_resnet(dlib_bytes + b"\x00")
