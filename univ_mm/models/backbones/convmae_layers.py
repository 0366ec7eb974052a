"""ConvMAE's building blocks, under the parameter names of its release.

ConvMAE: Masked Convolution Meets Masked Autoencoders,
https://arxiv.org/abs/2205.03892. The names (``proj``/``norm`` of a patch
embed; ``norm1``/``conv1``/``attn``/``conv2``/``norm2``/``mlp`` of a
convolution block; ``attn.qkv``/``attn.proj``/``mlp.fc1``/``mlp.fc2``/
``gamma_1``/``gamma_2`` of a transformer block) are the release's, so its
state dicts load without renaming.
"""
from collections.abc import Callable
from functools import partial

import torch
import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath
from torch import Tensor, nn

from .pccl_tokens import split_qkv

#: LayerNorm epsilon of the transformer blocks and the final norm (the
#: release builds them with ``partial(nn.LayerNorm, eps=1e-6)``); the patch
#: embeds and convolution blocks keep PyTorch's default 1e-5.
TRANSFORMER_LN_EPS = 1e-6


def channel_norm(norm: nn.LayerNorm, x: Tensor) -> Tensor:
    """Apply a LayerNorm over the channels of an NCHW map."""
    return norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


def drop_path_or_identity(rate: float) -> nn.Module:
    """Stochastic depth with drop ``rate``, or nothing at rate 0."""
    return DropPath(rate) if rate > 0 else nn.Identity()


class ConvPatchEmbed(nn.Module):
    """Non-overlapping conv embedding: conv, channel LayerNorm, GELU.

    Args:
        in_channels (int): Input channels.
        embed_dims (int): Output channels.
        stride (int): Kernel size and stride of the convolution.
    """

    def __init__(self, in_channels: int, embed_dims: int,
                 stride: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dims, stride, stride=stride)
        self.norm = nn.LayerNorm(embed_dims)
        self.act = nn.GELU()

    def forward(self, x: Tensor) -> Tensor:
        return self.act(channel_norm(self.norm, self.proj(x)))


class Mlp(nn.Module):
    """Two layers with GELU between: linear, or 1x1 convolutions.

    Args:
        dims (int): Input and output channels.
        hidden_dims (int): Hidden channels.
        conv (bool): 1x1 convolutions on NCHW maps instead of linear layers
            on tokens. Defaults to False.
    """

    def __init__(self, dims: int, hidden_dims: int,
                 conv: bool = False) -> None:
        super().__init__()
        layer = partial(nn.Conv2d, kernel_size=1) if conv else nn.Linear
        self.fc1 = layer(dims, hidden_dims)
        self.act = nn.GELU()
        self.fc2 = layer(hidden_dims, dims)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.act(self.fc1(x)))


class ConvBlock(nn.Module):
    """ConvMAE's convolution block: a 5x5 depthwise "attention" between two
    1x1 convolutions, then a 1x1-conv MLP, both pre-norm and residual.

    Args:
        dims (int): Channels.
        mlp_ratio (float): Hidden channels of the MLP per channel.
        drop_path (float): Stochastic depth rate. Defaults to 0.
    """

    def __init__(self, dims: int, mlp_ratio: float,
                 drop_path: float = 0.) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dims)
        self.conv1 = nn.Conv2d(dims, dims, 1)
        self.attn = nn.Conv2d(dims, dims, 5, padding=2, groups=dims)
        self.conv2 = nn.Conv2d(dims, dims, 1)
        self.norm2 = nn.LayerNorm(dims)
        self.mlp = Mlp(dims, int(dims * mlp_ratio), conv=True)
        self.drop_path = drop_path_or_identity(drop_path)

    def forward(self, x: Tensor) -> Tensor:
        y = self.conv2(self.attn(self.conv1(channel_norm(self.norm1, x))))
        x = x + self.drop_path(y)
        return x + self.drop_path(self.mlp(channel_norm(self.norm2, x)))


def relative_position_bias(table: Tensor, window: tuple[int, int],
                           grid: tuple[int, int]) -> Tensor:
    """BEiT's relative position bias for a ``grid`` of tokens.

    Args:
        table (Tensor): ``[(2 Wh - 1) * (2 Ww - 1), heads]``, row
            ``(dy + Wh - 1) * (2 Ww - 1) + dx + Ww - 1`` for an offset
            ``(dy, dx)`` (the release's layout).
        window (tuple[int, int]): ``(Wh, Ww)`` the table was made for.
        grid (tuple[int, int]): The input's token grid ``(h, w)``; for
            another size than ``window`` the table is resized bicubically.

    Returns:
        Tensor: Additive attention bias ``[1, heads, h * w, h * w]``.
    """
    h, w = grid
    table = table.t().reshape(1, -1, 2 * window[0] - 1, 2 * window[1] - 1)
    if tuple(grid) != tuple(window):
        table = F.interpolate(table, size=(2 * h - 1, 2 * w - 1),
                              mode='bicubic', align_corners=False)
    ys, xs = torch.meshgrid(torch.arange(h, device=table.device),
                            torch.arange(w, device=table.device),
                            indexing='ij')
    ys, xs = ys.flatten(), xs.flatten()
    dy = ys[:, None] - ys[None, :] + h - 1
    dx = xs[:, None] - xs[None, :] + w - 1
    return table[:, :, dy, dx]


class Attention(nn.Module):
    """Multi-head self-attention with an optional relative position bias.

    Args:
        dims (int): Token channels.
        num_heads (int): Heads.
        window (tuple[int, int], optional): Token grid of a zero-initialised
            ``relative_position_bias_table``. Defaults to None (no bias).
    """

    def __init__(self, dims: int, num_heads: int,
                 window: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dims, dims * 3)
        self.proj = nn.Linear(dims, dims)
        self.window = window
        if window is not None:
            self.relative_position_bias_table = nn.Parameter(torch.zeros(
                (2 * window[0] - 1) * (2 * window[1] - 1), num_heads))
        #: Replaced by a ``RecordingAttention`` in the last block.
        self.scaled_dot_product_attention: Callable = \
            F.scaled_dot_product_attention

    def forward(self, x: Tensor, grid: tuple[int, int]) -> Tensor:
        batch, tokens, dims = x.shape
        q, k, v = split_qkv(self.qkv(x), self.num_heads)
        bias = None
        if self.window is not None:
            bias = relative_position_bias(
                self.relative_position_bias_table, self.window,
                grid).to(q.dtype)
        x = self.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        return self.proj(x.transpose(1, 2).reshape(batch, tokens, dims))


class TransformerBlock(nn.Module):
    """Pre-norm transformer block with optional layer scale (BEiT).

    Args:
        dims (int): Token channels.
        num_heads (int): Heads.
        mlp_ratio (float): Hidden channels of the MLP per channel.
        drop_path (float): Stochastic depth rate. Defaults to 0.
        layer_scale_init_value (float, optional): Initial ``gamma_1`` and
            ``gamma_2``. Defaults to None (no layer scale).
        window (tuple[int, int], optional): See :class:`Attention`.
            Defaults to None.
    """

    def __init__(self, dims: int, num_heads: int, mlp_ratio: float,
                 drop_path: float = 0.,
                 layer_scale_init_value: float | None = None,
                 window: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dims, eps=TRANSFORMER_LN_EPS)
        self.attn = Attention(dims, num_heads, window)
        self.norm2 = nn.LayerNorm(dims, eps=TRANSFORMER_LN_EPS)
        self.mlp = Mlp(dims, int(dims * mlp_ratio))
        self.drop_path = drop_path_or_identity(drop_path)
        self.gamma_1 = self.gamma_2 = None
        if layer_scale_init_value is not None:
            self.gamma_1 = nn.Parameter(
                torch.full((dims, ), float(layer_scale_init_value)))
            self.gamma_2 = nn.Parameter(
                torch.full((dims, ), float(layer_scale_init_value)))

    @staticmethod
    def _scale(gamma: Tensor | None, x: Tensor) -> Tensor:
        return x if gamma is None else gamma * x

    def forward(self, x: Tensor, grid: tuple[int, int]) -> Tensor:
        y = self.attn(self.norm1(x), grid)
        x = x + self.drop_path(self._scale(self.gamma_1, y))
        y = self.mlp(self.norm2(x))
        return x + self.drop_path(self._scale(self.gamma_2, y))
