"""A roofline cost model of a training step, from its recorded op list.

The step runs on fake tensors (``FakeTensorMode``): every aten op is
dispatched with shapes and dtypes only, no data, and a
``TorchDispatchMode`` records it. Per op the model counts FLOPs (matmuls,
convolutions and attention as ``torch.utils.flop_counter`` does, one per
output element elsewhere), the bytes it reads and writes (each distinct
tensor argument once, each result once: an in-place op reads and writes),
and the GPU kernels it would launch
(none for views and allocations; ``multi_tensor_apply`` chunks for
``_foreach`` ops). A GPU's projected time of an op is
``max(FLOPs / peak, bytes / bandwidth, kernels * launch floor)``.

This is a PROJECTION from data-sheet peaks, not a measurement: real
kernels reach a fraction of peak, and fusion or caching can beat the byte
count of unfused ops.
"""
import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch._subclasses.fake_tensor import FakeTensor, FakeTensorMode
from torch.utils import _foreach_utils
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten
from torch.utils.flop_counter import (
    flop_registry,
    sdpa_backward_flop_count,
    sdpa_flop_count,
)

aten = torch.ops.aten

#: Seconds a kernel launch costs at least (the floor of a tiny kernel).
LAUNCH_SECONDS = 3e-6
CATEGORIES = ('gemm', 'attention', 'elementwise', 'copy/cast',
              'reduction/norm', 'optimizer')


@dataclass(frozen=True)
class GPU:
    """Data-sheet peaks of a GPU (dense, i.e. without sparsity)."""

    name: str
    half_tflops: float  # fp16/bf16 tensor cores
    fp32_tflops: float  # fp32 without tensor cores (PyTorch's default)
    hbm_tbps: float  # HBM bandwidth, TB/s

    def describe(self) -> str:
        return (f'{self.name}: {self.half_tflops:g} TFLOP/s dense fp16/bf16, '
                f'{self.fp32_tflops:g} TFLOP/s fp32, '
                f'{self.hbm_tbps:g} TB/s HBM')


#: NVIDIA data sheets: H100 SXM5 80 GB (1,979 TFLOP/s fp16 with sparsity,
#: 67 fp32, 3.35 TB/s) and H200 SXM 141 GB (same compute, 4.8 TB/s).
GPUS = (GPU('H100 SXM', 989.4, 67.0, 3.35), GPU('H200', 989.4, 67.0, 4.8))

#: ``multi_tensor_apply``'s tensors per launch by the number of lists.
_MAX_TENSORS_PER_LAUNCH = {1: 110, 2: 64, 3: 48, 4: 36, 5: 30}
_COPY_OPS = {'_to_copy', 'copy_', 'clone', 'cat', 'stack', 'scatter',
             'scatter_', 'gather', 'index_select', 'index', 'index_put_',
             'constant_pad_nd', 'flip', 'roll', 'repeat', 'masked_fill_'}
_REDUCTION_OPS = {'native_layer_norm', 'native_layer_norm_backward',
                  '_softmax', '_softmax_backward_data', 'sort', 'cumsum',
                  'topk', 'linalg_vector_norm', 'norm', '_foreach_norm',
                  'native_batch_norm', 'native_batch_norm_backward',
                  '_native_batch_norm_legit',
                  '_native_batch_norm_legit_functional',
                  '_native_batch_norm_legit_no_training'}
_FREE_OPS = {'empty', 'empty_like', 'empty_strided', 'new_empty',
             'new_empty_strided', 'detach', 'alias', 'lift_fresh',
             '_unsafe_view', 'set_', 'resize_', 'size', 'stride',
             'sym_size', 'sym_stride', 'sym_numel', 'is_same_size',
             'unsafe_split', 'split_with_sizes', 'unbind',
             '_record_function_enter_new', '_record_function_exit'}


@dataclass
class Op:
    """One recorded aten op."""

    name: str
    phase: str
    category: str
    flops: int
    bytes: int
    kernels: int
    half: bool  # computes in fp16/bf16
    tensor_ids: frozenset = field(repr=False, default=frozenset())
    scalars_only: bool = field(repr=False, default=False)  # all 0-d


def _tensors(tree) -> list[torch.Tensor]:
    return [t for t in tree_flatten(tree)[0] if isinstance(t, torch.Tensor)]


def _bytes(tensors: list[torch.Tensor]) -> int:
    """Bytes of distinct tensors, each at most its storage (broadcasts)."""
    seen, total = set(), 0
    for t in tensors:
        if id(t) in seen:
            continue
        seen.add(id(t))
        size = t.numel() * t.element_size()
        total += min(size, t.untyped_storage().nbytes())
    return total


def _foreach_kernels(name: str, args: tuple) -> int:
    """Launches of a ``_foreach``/fused op: chunks of ``multi_tensor_apply``
    when every list matches the first one's shapes (its fast path), else
    one per tensor (the slow path loops). A fused optimizer's per-tensor
    step counters ride along (they are no list of the kernel)."""
    lists = [a for a in args if isinstance(a, (list, tuple)) and a and
             isinstance(a[0], torch.Tensor)]
    if name.startswith('_fused'):
        lists = [lst for lst in lists if any(t.dim() for t in lst)]
    if not lists:
        return 1
    count = len(lists[0])
    fast = all(len(lst) == count and all(
        t.shape == ref.shape and t.dtype == ref.dtype
        for t, ref in zip(lst, lists[0], strict=True)) for lst in lists)
    if not fast:
        return count
    per_launch = _MAX_TENSORS_PER_LAUNCH.get(len(lists), 30)
    return math.ceil(count / per_launch)


def _flops(func, name: str, args: tuple, kwargs: dict, out) -> int:
    packet = func.overloadpacket
    if packet in flop_registry:
        return int(flop_registry[packet](*args, **kwargs, out_val=out))
    if name == '_scaled_dot_product_flash_attention_for_cpu':
        q, k, v = args[:3]
        return int(sdpa_flop_count(q.shape, k.shape, v.shape))
    if name == '_scaled_dot_product_flash_attention_for_cpu_backward':
        grad, q, k, v = args[:4]
        return int(sdpa_backward_flop_count(grad.shape, q.shape, k.shape,
                                            v.shape))
    outs = _tensors(out)
    return sum(t.numel() for t in outs) if outs else 0


def categorise(func, name: str) -> str | None:
    """The op's category, or None when it launches nothing (views,
    allocations, metadata queries such as ``prim.device``)."""
    if func.namespace == 'prim' or func.is_view or name in _FREE_OPS:
        return None
    if 'attention' in name:
        return 'attention'
    if func.overloadpacket in flop_registry:
        return 'gemm'
    if name in _COPY_OPS:
        return 'copy/cast'
    if name in _REDUCTION_OPS or torch.Tag.reduction in func.tags:
        return 'reduction/norm'
    return 'elementwise'


class OpRecorder(TorchDispatchMode):
    """Records every aten op under it; ``.item()`` syncs are counted and
    answered (fake tensors hold no values): 0 for the AMP ``found_inf``
    flags, so the optimizer steps, else 1 (a step count, a norm).

    Enter it inside a ``FakeTensorMode``; set ``phase`` to label ops.
    """

    def __init__(self) -> None:
        super().__init__()
        self.ops: list[Op] = []
        self.syncs: list[tuple[str, int]] = []  # (phase, tensor id)
        self.phase = 'step'
        self._finite_flags: set[int] = set()

    @contextmanager
    def in_phase(self, phase: str) -> Iterator[None]:
        previous, self.phase = self.phase, phase
        try:
            yield
        finally:
            self.phase = previous

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is aten._local_scalar_dense.default:
            self.syncs.append((self.phase, id(args[0])))
            value = 0 if id(args[0]) in self._finite_flags else 1
            return bool(value) if args[0].dtype == torch.bool else value
        if func is aten._amp_foreach_non_finite_check_and_unscale_.default:
            self._finite_flags.add(id(args[1]))
        out = func(*args, **kwargs)
        self.ops.append(self.describe(func, args, kwargs, out))
        return out

    def describe(self, func, args: tuple, kwargs: dict, out) -> Op:
        name = func.overloadpacket.__name__
        category = categorise(func, name)
        inputs = _tensors((args, kwargs))
        outputs = _tensors(out)
        if not outputs and name.endswith('_'):  # in place, returns nothing
            outputs = _tensors(args[0])
        if category is None:
            return Op(name, self.phase, 'free', 0, 0, 0, False)
        if self.phase == 'optimizer':
            category = 'optimizer'
        foreach = name.startswith(('_foreach', '_fused', '_amp_foreach'))
        half = any(t.dtype in (torch.float16, torch.bfloat16)
                   for t in inputs)
        return Op(name, self.phase, category,
                  _flops(func, name, args, kwargs, out),
                  _bytes(inputs) + _bytes(outputs),
                  _foreach_kernels(name, args) if foreach else 1, half,
                  frozenset(id(t) for t in inputs + outputs),
                  all(t.dim() == 0 for t in inputs + outputs))


def drop_host_ops(recorder: OpRecorder,
                  host_tensors: list[torch.Tensor]) -> None:
    """Forget scalar ops on ``host_tensors`` (on a GPU they stay on the
    CPU, e.g. AdamW's step counters outside fused/capturable mode, with the
    CPU scalars added to them)."""
    host = {id(t) for t in host_tensors}
    recorder.ops = [op for op in recorder.ops
                    if not (op.scalars_only and op.tensor_ids & host)]
    recorder.syncs = [s for s in recorder.syncs if s[1] not in host]


def op_seconds(op: Op, gpu: GPU) -> float:
    """Roofline time of one op on ``gpu`` (a projection)."""
    peak = gpu.half_tflops if op.half and op.category in (
        'gemm', 'attention') else gpu.fp32_tflops
    return max(op.flops / (peak * 1e12), op.bytes / (gpu.hbm_tbps * 1e12),
               op.kernels * LAUNCH_SECONDS)


def summarise(ops: list[Op], key: str = 'category',
              gpus: tuple[GPU, ...] = GPUS) -> dict[str, dict]:
    """Totals per ``key`` ('category' or 'phase') and over the step.

    Returns:
        dict[str, dict]: ``{group: dict(flops, bytes, ops, kernels,
        seconds={gpu name: s})}``, with a ``'total'`` group.
    """
    table: dict[str, dict] = {}
    for op in ops:
        if op.category == 'free':
            continue
        for group in (getattr(op, key), 'total'):
            row = table.setdefault(group, dict(
                flops=0, bytes=0, ops=0, kernels=0,
                seconds={g.name: 0.0 for g in gpus}))
            row['flops'] += op.flops
            row['bytes'] += op.bytes
            row['ops'] += 1
            row['kernels'] += op.kernels
            for gpu in gpus:
                row['seconds'][gpu.name] += op_seconds(op, gpu)
    return table


def fake_module_(module: torch.nn.Module, mode: FakeTensorMode) -> None:
    """Replace every parameter and buffer of ``module`` by a fake one in
    place (same shapes, dtypes, devices and ``requires_grad``). Call it
    outside ``mode``."""
    for sub in module.modules():
        for name, param in sub._parameters.items():
            if param is not None and not isinstance(param, FakeTensor):
                sub._parameters[name] = torch.nn.Parameter(
                    mode.from_tensor(param.detach()),
                    requires_grad=param.requires_grad)
        for name, buf in sub._buffers.items():
            if buf is not None and not isinstance(buf, FakeTensor):
                sub._buffers[name] = mode.from_tensor(buf)


def _fused_dropout(dropout: Callable) -> Callable:
    """``F.dropout`` as CUDA runs it: one fused ``native_dropout`` kernel
    (input, bool mask, output) where the CPU decomposes it into
    ``bernoulli_``, ``div_`` and ``mul``."""

    def fused(input, p=0.5, training=True, inplace=False):
        if training and 0 < p < 1 and not inplace and input.numel():
            return torch.native_dropout(input, p, True)[0]
        return dropout(input, p, training, inplace)

    return fused


@contextmanager
def gpu_dispatch_defaults() -> Iterator[None]:
    """Make fake CPU tensors take the paths CUDA tensors take: the
    ``_foreach`` kernels of ``clip_grad_norm_`` (PyTorch checks the tensor
    type) and fused dropout."""
    _foreach_utils._foreach_supported_types.append(FakeTensor)
    dropout = F.dropout
    F.dropout = _fused_dropout(dropout)
    try:
        yield
    finally:
        _foreach_utils._foreach_supported_types.remove(FakeTensor)
        F.dropout = dropout


def record(step: Callable[[OpRecorder], None], warmup: int = 1
           ) -> OpRecorder:
    """Record the ops of ``step(recorder)`` after ``warmup`` unrecorded
    calls (the first optimizer step allocates its state). Call it inside
    the ``FakeTensorMode`` that made the step's tensors."""
    for _ in range(warmup):
        with OpRecorder() as scratch:
            step(scratch)
    with OpRecorder() as recorder:
        step(recorder)
    return recorder


def gpu_optimizer_defaults_(optimizer: torch.optim.Optimizer) -> None:
    """Give groups that leave ``foreach`` and ``fused`` open the
    ``_foreach`` implementation, PyTorch's default for CUDA tensors."""
    for group in optimizer.param_groups:
        if group.get('foreach') is None and not group.get('fused'):
            group['foreach'] = True


def host_step_counters(optimizer: torch.optim.Optimizer
                       ) -> list[torch.Tensor]:
    """The ``step`` tensors a GPU keeps on the host (not fused, not
    capturable)."""
    counters = []
    for group in optimizer.param_groups:
        if group.get('fused') or group.get('capturable'):
            continue
        for param in group['params']:
            step = optimizer.state.get(param, {}).get('step')
            if isinstance(step, torch.Tensor):
                counters.append(step)
    return counters


def univ_step(model, optim_wrapper, rgb: torch.Tensor, ir: torch.Tensor,
              dtype: torch.dtype | None = torch.float16
              ) -> Callable[[OpRecorder], None]:
    """One UNIV training step as ``AmpOptimWrapper`` runs it, in phases:
    ``teacher``, ``student`` (forward), ``loss`` (head and
    ``parse_losses``), ``backward``, ``optimizer`` (unscale, clip, step,
    scale update, zero_grad).

    Args:
        model: A ``UNIV`` model (fake parameters).
        optim_wrapper: A plain ``OptimWrapper`` (its ``clip_grad`` kept);
            the AMP part is done here with CPU autocast and a
            ``GradScaler``, by the wrapper's ``scaled_step(scaler)`` where
            it has one (e.g. ``FusedClipOptimWrapper``) and it steps.
        rgb (Tensor): ``[B, 3, H, W]`` preprocessed RGB images.
        ir (Tensor): ``[B, 3, H, W]`` preprocessed IR images.
        dtype (torch.dtype, optional): Autocast dtype; float16 also scales
            the loss. None runs in float32. Defaults to torch.float16.

    Returns:
        Callable[[OpRecorder], None]: The step, for :func:`record`.
    """
    optimizer = optim_wrapper.optimizer
    scaler = torch.amp.GradScaler('cpu', enabled=dtype == torch.float16)
    # a wrapper with its own AMP step (``scaled_step(scaler) -> stepped``)
    scaled_step = getattr(optim_wrapper, 'scaled_step', lambda _: False)

    def step(recorder: OpRecorder) -> None:
        with torch.autocast('cpu', dtype=dtype or torch.float32,
                            enabled=dtype is not None):
            with recorder.in_phase('teacher'):
                teacher_tokens, attn = model.teacher_forward(rgb)
            with recorder.in_phase('student'):
                student = model.extract_feat(dict(rgb=rgb, ir=ir))
            with recorder.in_phase('loss'):
                losses = model.head.loss(student['rgb'], student['ir'],
                                         teacher_tokens, attn)
                loss, _ = model.parse_losses(losses)
        with recorder.in_phase('backward'):
            scaler.scale(loss).backward()
        with recorder.in_phase('optimizer'):
            if not scaled_step(scaler):
                if optim_wrapper.clip_grad_kwargs:
                    scaler.unscale_(optimizer)
                    optim_wrapper._clip_grad()
                scaler.step(optimizer)
                scaler.update()
            optim_wrapper.zero_grad()

    return step


def _row(label: str, row: dict, pairs: int, gpus) -> str:
    times = ''.join(f'{row["seconds"][g.name] * 1e3:>11.2f}' for g in gpus)
    mib = row['bytes'] / 2**20
    return (f'{label:<16}{row["flops"] / 1e9:>10.1f}'
            f'{mib:>11.1f}{mib / pairs:>9.2f}'
            f'{row["ops"]:>7}{row["kernels"]:>8}{times}')


def format_report(recorder: OpRecorder, pairs: int, note: str,
                  gpus: tuple[GPU, ...] = GPUS) -> str:
    """Tables per category and per phase, labelled as a projection."""
    header = (f'{"":<16}{"GFLOP":>10}{"MiB r+w":>11}{"MiB/pair":>9}'
              f'{"ops":>7}{"kernels":>8} ' +
              ''.join(f'{g.name + " ms":>11}' for g in gpus))
    # (the times are per step, summed over ops)
    lines = ['PROJECTION (roofline from data-sheet peaks; not a '
             'measurement)', note,
             *(f'  {g.describe()}' for g in gpus),
             f'  per op: max(FLOPs / peak, bytes / bandwidth, kernels x '
             f'{LAUNCH_SECONDS * 1e6:g} us)', '']
    for key, order in (('category', CATEGORIES),
                       ('phase', ('teacher', 'student', 'loss', 'backward',
                                  'optimizer'))):
        table = summarise(recorder.ops, key, gpus)
        lines += [f'by {key}', header]
        lines += [_row(name, table[name], pairs, gpus)
                  for name in order if name in table]
        lines += [_row('step', table['total'], pairs, gpus), '']
    phases = Counter(phase for phase, _ in recorder.syncs)
    lines.append(f'host syncs (.item()) per step: {len(recorder.syncs)} ' +
                 str(dict(phases)))
    return '\n'.join(lines)
