"""Primitive readers for dlib's binary serialization (`dlib/serialize.h`, `dlib/cuda/tensor.h`).

Integers are "compressed": one control byte whose low nibble is the byte count and whose high bit is the
sign, then that many little-endian bytes. Floats and doubles are a (mantissa int64, exponent int16) pair
meaning mantissa·2^exponent, with exponents 32000/32001/32002 standing for +inf/-inf/NaN. Strings are a
length then raw bytes, bools the ASCII characters '0'/'1'. Tensors are version 2, then num_samples, k, nr,
nc, then raw little-endian float32; alias tensors (views into a layer's `params`) are version 1 and the
four dimensions only. Any deviation raises `UnexpectedFormatError` with the byte offset.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from .errors import UnexpectedFormatError

FloatArray = npt.NDArray[np.float32]

_SPECIAL_EXPONENTS = {32000: math.inf, 32001: -math.inf, 32002: math.nan}
_TENSOR_VERSION = 2
_ALIAS_VERSION = 1


class DlibStream:
    """A cursor over the bytes of a dlib `.dat` file."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.pos = 0

    def fail(self, what: str) -> UnexpectedFormatError:
        """An error naming the current offset (to raise)."""
        return UnexpectedFormatError(f"dlib stream at byte {self.pos}: {what}", {"offset": self.pos})

    def _take(self, n: int) -> bytes:
        if self.pos + n > len(self._data):
            raise self.fail(f"needs {n} more bytes, file ends")
        chunk = self._data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def at_end(self) -> bool:
        """True once every byte has been consumed."""
        return self.pos == len(self._data)

    def read_int(self, *, signed: bool = True) -> int:
        """A compressed integer."""
        control = self._take(1)[0]
        size = control & 0x0F
        if size == 0 or size > 8:
            raise self.fail(f"bad integer control byte {control:#x}")
        if control & 0x80 and not signed:
            raise self.fail("negative value where an unsigned integer was expected")
        value = int.from_bytes(self._take(size), "little")
        return -value if control & 0x80 else value

    def read_float(self) -> float:
        """A float or double in dlib's (mantissa, exponent) form; the old ASCII form is rejected."""
        if self.pos < len(self._data) and self._data[self.pos] & 0x70:
            raise self.fail("float in dlib's old ASCII format, which this converter does not read")
        mantissa = self.read_int()
        exponent = self.read_int()
        if exponent in _SPECIAL_EXPONENTS:
            return _SPECIAL_EXPONENTS[exponent]
        return math.ldexp(mantissa, exponent)

    def read_string(self) -> str:
        """A length-prefixed string (ASCII in every tag dlib writes)."""
        length = self.read_int(signed=False)
        try:
            return self._take(length).decode("ascii")
        except UnicodeDecodeError as exc:
            raise self.fail("non-ASCII string") from exc

    def read_bool(self) -> bool:
        """A bool written as '0' or '1'."""
        char = self._take(1)
        if char not in (b"0", b"1"):
            raise self.fail(f"bad bool byte {char!r}")
        return char == b"1"

    def expect_int(self, expected: int, what: str) -> None:
        """Read an integer and fail unless it equals `expected`."""
        start = self.pos
        value = self.read_int()
        if value != expected:
            self.pos = start
            raise self.fail(f"{what} is {value}, expected {expected}")

    def expect_string(self, *allowed: str) -> str:
        """Read a string and fail unless it is one of `allowed`; return it."""
        start = self.pos
        value = self.read_string()
        if value not in allowed:
            self.pos = start
            raise self.fail(f"found tag {value!r}, expected one of {allowed}")
        return value

    def expect_bool(self, expected: bool, what: str) -> None:
        """Read a bool and fail unless it equals `expected`."""
        if self.read_bool() != expected:
            raise self.fail(f"{what} is {not expected}, expected {expected}")

    def _dims(self) -> tuple[int, int, int, int]:
        n, k, nr, nc = (self.read_int() for _ in range(4))
        if min(n, k, nr, nc) < 0:
            raise self.fail("negative tensor dimension")
        return n, k, nr, nc

    def read_tensor(self) -> FloatArray:
        """A resizable_tensor as a float32 array of shape (num_samples, k, nr, nc)."""
        self.expect_int(_TENSOR_VERSION, "tensor version")
        dims = self._dims()
        count = dims[0] * dims[1] * dims[2] * dims[3]
        raw = self._take(4 * count)
        return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(dims)

    def read_alias(self) -> tuple[int, int, int, int]:
        """An alias_tensor's dimensions (num_samples, k, nr, nc)."""
        self.expect_int(_ALIAS_VERSION, "alias tensor version")
        return self._dims()
