"""dlib's face recognition ResNet v1 (`dlib_face_recognition_resnet_model_v1.dat`) to ONNX, without dlib.

A dlib network file holds no description of its own structure: tag and skip layers are written as a
bare version number, and each `add_layer` writes its sub-network *before* its own details. The file can
only be read against the network type it was saved from, so this module spells out the ResNet-29 of
dlib's `dnn_face_recognition_ex.cpp` (`anet_type`) with the same template names, walks the file along
it and checks every layer tag, kernel size, stride, padding and filter count it meets. Anything else
fails loudly.

Reading produces the layers in execution order (input first); emitting turns them into ONNX operators.
dlib semantics kept on purpose: convolutions with stride 2 have no padding (dlib's default), `affine` is
a per-channel γ·x + β (folded batch norm), and `add_prev` adds tensors of different shapes by
zero-padding the smaller one at the end of each dimension (dlib's `tt::add`). The output is the raw
128-d `fc_no_bias` output (`loss_metric` does not normalise it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import onnx

from .dlib_stream import DlibStream
from .errors import UnexpectedFormatError
from .onnx_graph import GraphBuilder, serialise

FloatArray = npt.NDArray[np.float32]

INPUT_SIZE = 150
EMBEDDING_DIM = 128
DLIB_MEAN_RGB = (122.782, 117.001, 104.298)
_MEAN_TOLERANCE = 1e-3
_CONV_MODE = 0
_FC_NO_BIAS = 1


# --- the architecture: a nested description mirroring dlib's templates -----------------------------


@dataclass(frozen=True)
class Arch:
    """One dlib layer wrapper: `add_layer` (kind is the details type), `tag`, `skip` or the input."""

    kind: str
    sub: Arch | None = None
    filters: int = 0
    size: int = 0
    stride: int = 0
    tag: int = 0


def _input() -> Arch:
    return Arch("input", size=INPUT_SIZE)


def con(filters: int, size: int, stride: int, sub: Arch) -> Arch:
    return Arch("con", sub, filters=filters, size=size, stride=stride)


def affine(sub: Arch) -> Arch:
    return Arch("affine", sub)


def relu(sub: Arch) -> Arch:
    return Arch("relu", sub)


def max_pool(size: int, stride: int, sub: Arch) -> Arch:
    return Arch("max_pool", sub, size=size, stride=stride)


def avg_pool(size: int, stride: int, sub: Arch) -> Arch:
    return Arch("avg_pool", sub, size=size, stride=stride)


def avg_pool_everything(sub: Arch) -> Arch:
    return Arch("avg_pool", sub, size=0, stride=1)


def add_prev(tag: int, sub: Arch) -> Arch:
    return Arch("add_prev", sub, tag=tag)


def tag_layer(tag: int, sub: Arch) -> Arch:
    return Arch("tag", sub, tag=tag)


def skip(tag: int, sub: Arch) -> Arch:
    return Arch("skip", sub, tag=tag)


def fc_no_bias(outputs: int, sub: Arch) -> Arch:
    return Arch("fc", sub, filters=outputs)


def block(n: int, stride: int, sub: Arch) -> Arch:
    """`block<N,affine,stride>`: affine<con<N,3,3,1,1,relu<affine<con<N,3,3,stride,stride,SUBNET>>>>>."""
    return affine(con(n, 3, 1, relu(affine(con(n, 3, stride, sub)))))


def ares(n: int, sub: Arch) -> Arch:
    """relu<residual<block,N,affine>>: add_prev1<block<N,affine,1,tag1<SUBNET>>>."""
    return relu(add_prev(1, block(n, 1, tag_layer(1, sub))))


def ares_down(n: int, sub: Arch) -> Arch:
    """relu<residual_down<block,N,affine>>: add_prev2<avg_pool<2,2,2,2,skip1<tag2<block<N,affine,2,tag1<...>>>>>>."""
    return relu(add_prev(2, avg_pool(2, 2, skip(1, tag_layer(2, block(n, 2, tag_layer(1, sub)))))))


def anet_type() -> Arch:
    """The network of `dnn_face_recognition_ex.cpp`, without its loss layer (`loss_metric`)."""
    x = relu(affine(con(32, 7, 2, _input())))
    x = max_pool(3, 2, x)
    for _ in range(3):  # alevel4
        x = ares(32, x)
    x = ares_down(64, x)  # alevel3
    for _ in range(3):
        x = ares(64, x)
    for n in (128, 256):  # alevel2, alevel1
        x = ares(n, ares(n, ares_down(n, x)))
    x = ares_down(256, x)  # alevel0
    return fc_no_bias(EMBEDDING_DIM, avg_pool_everything(x))


# --- reading the file along the architecture -------------------------------------------------------


@dataclass
class Op:
    """One executed layer with its weights, in execution order."""

    kind: str
    arch: Arch
    weights: dict[str, FloatArray] = field(default_factory=dict)


def _dlib_padding(size: int, stride: int) -> int:
    # dlib's default for con_ and pooling layers: _stride != 1 ? 0 : _nr/2
    return 0 if stride != 1 else size // 2


def _read_geometry(s: DlibStream, arch: Arch, size: int) -> None:
    """nr, nc, stride_y, stride_x, padding_y, padding_x as con_ and pooling layers write them."""
    pad = _dlib_padding(size, arch.stride)
    for value, what in (
        (size, "nr"),
        (size, "nc"),
        (arch.stride, "stride_y"),
        (arch.stride, "stride_x"),
        (pad, "padding_y"),
        (pad, "padding_x"),
    ):
        s.expect_int(value, f"{arch.kind} {what}")


def _split_params(s: DlibStream, params: FloatArray, *dims: tuple[int, ...]) -> list[FloatArray]:
    """Cut a layer's flat `params` into its alias tensors, which lie back to back from offset 0."""
    flat = params.reshape(-1)
    sizes = [int(np.prod(d)) for d in dims]
    if sum(sizes) != flat.size:
        raise s.fail(f"params hold {flat.size} values, the layer's views need {sum(sizes)}")
    offsets = np.cumsum([0, *sizes])
    return [flat[offsets[i] : offsets[i + 1]].reshape(d) for i, d in enumerate(dims)]


def _read_con(s: DlibStream, arch: Arch) -> Op:
    version = s.expect_string("con_4", "con_5", "con_6")
    params = s.read_tensor()
    s.expect_int(arch.filters, "con num_filters")
    _read_geometry(s, arch, arch.size)
    filters, biases = s.read_alias(), s.read_alias()
    for _ in range(4):  # learning-rate and weight-decay multipliers: training only
        s.read_float()
    use_bias = s.read_bool() if version in ("con_5", "con_6") else True
    if version == "con_6":
        s.expect_bool(False, "con use_relu")
    if filters[0] != arch.filters or filters[2:] != (arch.size, arch.size):
        raise s.fail(f"con filters are {filters}, expected ({arch.filters}, k, {arch.size}, {arch.size})")
    if not use_bias:
        (weight,) = _split_params(s, params, filters)
        return Op("con", arch, {"weight": weight, "bias": np.zeros(arch.filters, np.float32)})
    if biases != (1, arch.filters, 1, 1):
        raise s.fail(f"con biases are {biases}, expected (1, {arch.filters}, 1, 1)")
    weight, bias = _split_params(s, params, filters, biases)
    return Op("con", arch, {"weight": weight, "bias": bias.reshape(-1)})


def _read_affine(s: DlibStream, arch: Arch) -> Op:
    version = s.expect_string("affine_", "affine_2")
    params = s.read_tensor()
    gamma_dims, beta_dims = s.read_alias(), s.read_alias()
    s.expect_int(_CONV_MODE, "affine mode")
    if version == "affine_2":
        s.expect_bool(False, "affine disabled")
    if gamma_dims != beta_dims or gamma_dims[0] != 1 or gamma_dims[2:] != (1, 1):
        raise s.fail(f"affine gamma/beta views {gamma_dims}/{beta_dims} are not per-channel")
    gamma, beta = _split_params(s, params, gamma_dims, beta_dims)
    return Op("affine", arch, {"gamma": gamma.reshape(-1), "beta": beta.reshape(-1)})


def _read_relu(s: DlibStream, arch: Arch) -> Op:
    if s.expect_string("relu_", "relu_2") == "relu_2":
        s.expect_bool(False, "relu disabled")
    return Op("relu", arch)


def _read_pool(s: DlibStream, arch: Arch) -> Op:
    s.expect_string(f"{arch.kind}_2")
    _read_geometry(s, arch, arch.size)
    return Op(arch.kind, arch)


def _read_add_prev(s: DlibStream, arch: Arch) -> Op:
    s.expect_string("add_prev_")
    return Op("add_prev", arch)


def _read_fc(s: DlibStream, arch: Arch) -> Op:
    version = s.expect_string("fc_2", "fc_3")
    s.expect_int(arch.filters, "fc num_outputs")
    num_inputs = s.read_int(signed=False)
    params = s.read_tensor()
    weights, _biases = s.read_alias(), s.read_alias()
    s.expect_int(_FC_NO_BIAS, "fc bias mode")
    for _ in range(4):  # training multipliers
        s.read_float()
    if version == "fc_3":
        s.read_bool()  # use_bias: irrelevant in FC_NO_BIAS mode
    if weights != (num_inputs, arch.filters, 1, 1):
        raise s.fail(f"fc weights are {weights}, expected ({num_inputs}, {arch.filters}, 1, 1)")
    (weight,) = _split_params(s, params, weights)
    return Op("fc", arch, {"weight": weight.reshape(num_inputs, arch.filters)})


_DETAIL_READERS = {
    "con": _read_con,
    "affine": _read_affine,
    "relu": _read_relu,
    "max_pool": _read_pool,
    "avg_pool": _read_pool,
    "add_prev": _read_add_prev,
    "fc": _read_fc,
}


def _read_input(s: DlibStream, arch: Arch) -> Op:
    s.expect_string("input_rgb_image_sized")
    means = tuple(s.read_float() for _ in range(3))
    if any(abs(a - b) > _MEAN_TOLERANCE for a, b in zip(means, DLIB_MEAN_RGB, strict=True)):
        raise s.fail(f"input means {means} differ from {DLIB_MEAN_RGB}, which the pipeline hard-codes")
    s.expect_int(arch.size, "input nr")
    s.expect_int(arch.size, "input nc")
    return Op("input", arch)


def _read_layer_state(s: DlibStream, version: int, *, on_input: bool) -> None:
    """The training state every add_layer writes after its details; read and dropped."""
    for _ in range(3):  # this_layer_setup_called, gradient_input_is_stale, get_output_..._disabled
        s.read_bool()
    s.read_tensor()  # x_grad
    s.read_tensor()  # cached_output
    if on_input:
        s.read_tensor()  # grad_final
        if version >= 3:
            s.read_int()  # _sample_expansion_factor
    elif version == 2:
        s.read_tensor()  # params_grad


def _read(s: DlibStream, arch: Arch, ops: list[Op]) -> None:
    # Iterative descent would obscure the format; the net is ~170 wrappers deep, well within recursion.
    sub = arch.sub
    if sub is None:
        raise UnexpectedFormatError(f"architecture error: {arch.kind} without a sub-network")
    if arch.kind in ("tag", "skip"):
        s.expect_int(1, f"add_{arch.kind}_layer version")
        _read(s, sub, ops)
        ops.append(Op(arch.kind, arch))
        return
    on_input = sub.kind == "input"
    version = s.read_int()
    if version not in ((2, 3) if on_input else (1, 2)):
        raise s.fail(f"add_layer version {version} for a {arch.kind} layer")
    if on_input:
        ops.append(_read_input(s, sub))
    else:
        _read(s, sub, ops)
    ops.append(_DETAIL_READERS[arch.kind](s, arch))
    _read_layer_state(s, version, on_input=on_input)


def read_dlib_resnet(data: bytes) -> list[Op]:
    """The layers of a `dlib_face_recognition_resnet_model_v1.dat`, input first, checked against anet_type."""
    s = DlibStream(data)
    s.expect_int(1, "add_loss_layer version")
    if s.expect_string("loss_metric_", "loss_metric_2") == "loss_metric_2":
        s.read_float()  # margin
        s.read_float()  # distance threshold
    ops: list[Op] = []
    _read(s, anet_type(), ops)
    if not s.at_end():
        raise s.fail("bytes left after the network")
    return ops


# --- emitting ONNX ---------------------------------------------------------------------------------

Shape = tuple[int, int, int]  # (channels, rows, cols)


@dataclass
class _Value:
    name: str
    shape: Shape


class _Emitter:
    """Runs the ops symbolically, tracking shapes and dlib tags, and writes the ONNX graph."""

    def __init__(self) -> None:
        self.g = GraphBuilder("dlib_resnet_v1")
        self.x = _Value("input", (3, INPUT_SIZE, INPUT_SIZE))
        self.tags: dict[int, _Value] = {}
        self.count = 0

    def hint(self, kind: str) -> str:
        self.count += 1
        return f"{kind}{self.count}"

    def emit(self, op: Op) -> None:
        hint = self.hint(op.kind)
        if op.kind == "input":
            return
        if op.kind == "tag":
            self.tags[op.arch.tag] = self.x
        elif op.kind == "skip":
            self.x = self.tags[op.arch.tag]
        elif op.kind == "con":
            self._con(op, hint)
        elif op.kind == "affine":
            self._affine(op, hint)
        elif op.kind == "relu":
            self.x = _Value(self.g.op("Relu", [self.x.name], hint), self.x.shape)
        elif op.kind in ("max_pool", "avg_pool"):
            self._pool(op, hint)
        elif op.kind == "add_prev":
            self._add(self.tags[op.arch.tag], hint)
        elif op.kind == "fc":
            self._fc(op, hint)
        else:
            raise UnexpectedFormatError(f"no ONNX emission for dlib layer {op.kind}")

    def _con(self, op: Op, hint: str) -> None:
        weight = op.weights["weight"]
        c, h, w = self.x.shape
        if weight.shape[1] != c:
            raise UnexpectedFormatError(f"{hint}: filters expect {weight.shape[1]} channels, input has {c}")
        k, stride = op.arch.size, op.arch.stride
        pad = _dlib_padding(k, stride)
        out = self.g.conv(self.x.name, weight, op.weights["bias"], hint, stride=stride, pad=pad)
        self.x = _Value(out, (op.arch.filters, (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1))

    def _affine(self, op: Op, hint: str) -> None:
        gamma, beta = op.weights["gamma"], op.weights["beta"]
        if gamma.size != self.x.shape[0]:
            raise UnexpectedFormatError(f"{hint}: {gamma.size} scales for {self.x.shape[0]} channels")
        scaled = self.g.op("Mul", [self.x.name, self.g.const(f"{hint}.gamma", gamma.reshape(1, -1, 1, 1))], hint)
        shifted = self.g.op("Add", [scaled, self.g.const(f"{hint}.beta", beta.reshape(1, -1, 1, 1))], hint)
        self.x = _Value(shifted, self.x.shape)

    def _pool(self, op: Op, hint: str) -> None:
        c, h, w = self.x.shape
        if op.arch.size == 0:  # avg_pool_everything
            self.x = _Value(self.g.op("GlobalAveragePool", [self.x.name], hint), (c, 1, 1))
            return
        onnx_op = "MaxPool" if op.kind == "max_pool" else "AveragePool"
        k, stride = op.arch.size, op.arch.stride
        out = self.g.pool(onnx_op, self.x.name, k, stride, hint)
        self.x = _Value(out, (c, (h - k) // stride + 1, (w - k) // stride + 1))

    def _pad_to(self, value: _Value, shape: Shape, hint: str) -> str:
        if value.shape == shape:
            return value.name
        extra = [0] + [t - s for s, t in zip(value.shape, shape, strict=True)]
        pads = self.g.const(f"{hint}.pads", [0, 0, 0, 0, *extra], dtype=np.int64)
        return self.g.op("Pad", [value.name, pads], f"{hint}_pad", mode="constant")

    def _add(self, other: _Value, hint: str) -> None:
        # dlib's tt::add: the result has the larger size in each dimension, missing values count as 0.
        shape: Shape = (
            max(self.x.shape[0], other.shape[0]),
            max(self.x.shape[1], other.shape[1]),
            max(self.x.shape[2], other.shape[2]),
        )
        a = self._pad_to(self.x, shape, f"{hint}a")
        b = self._pad_to(other, shape, f"{hint}b")
        self.x = _Value(self.g.op("Add", [a, b], hint), shape)

    def _fc(self, op: Op, hint: str) -> None:
        weight = op.weights["weight"]
        c, h, w = self.x.shape
        if weight.shape[0] != c * h * w:
            raise UnexpectedFormatError(f"{hint}: fc expects {weight.shape[0]} inputs, gets {c * h * w}")
        flat = self.g.op("Flatten", [self.x.name], hint, axis=1)
        # dlib computes x·W with W [inputs, outputs]; Gemm here takes [outputs, inputs].
        self.x = _Value(
            self.g.gemm(flat, np.ascontiguousarray(weight.T), None, hint, out="embedding"), (weight.shape[1], 1, 1)
        )


def build_dlib_resnet(ops: list[Op]) -> onnx.ModelProto:
    """ONNX model `input` [N,3,150,150] (normalised RGB) → `embedding` [N,128] (not L2-normalised)."""
    emitter = _Emitter()
    for op in ops:
        emitter.emit(op)
    if emitter.x.name != "embedding":
        raise UnexpectedFormatError("the network does not end in its fc layer")
    return emitter.g.model(
        [("input", ["N", 3, INPUT_SIZE, INPUT_SIZE])],
        [("embedding", ["N", EMBEDDING_DIM])],
        "dlib face recognition ResNet v1 converted from face-recognition-models 0.3.0",
    )


def convert_dlib_resnet(data: bytes) -> bytes:
    """Serialised ONNX of the dlib ResNet v1 in `data` (the `.dat` file's bytes)."""
    return serialise(build_dlib_resnet(read_dlib_resnet(data)))
