"""ConvMAE backbone for UNIV (the paper's model), with PEFT LoRA.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642; ConvMAE: Masked Convolution Meets Masked
Autoencoders, https://arxiv.org/abs/2205.03892
"""
import math
from collections.abc import Sequence

import torch
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from mmpretrain.models.utils import (
    build_2d_sincos_position_embedding,
    resize_pos_embed,
)
from torch import Tensor, nn
from torch.utils.checkpoint import checkpoint

from univ_mm.registry import MODELS

from .convmae_layers import (
    TRANSFORMER_LN_EPS,
    ConvBlock,
    ConvPatchEmbed,
    TransformerBlock,
)
from .lora import LoRAMixin
from .pccl_tokens import PCCLTokensMixin
from .pretrained import CONVMAE, PretrainedWeightsMixin

#: The release's LoRA targets inside the encoder (``configs/mcmae.yaml``
#: also names ``decoder_embed`` and ``decoder_pred``, of the MAE decoder
#: that UNIV never runs). ``proj`` includes the three patch-embed convs,
#: ``fc1``/``fc2`` the 1x1-conv MLPs of the convolution blocks.
LORA_TARGETS = ('qkv', 'proj', 'fc1', 'fc2', 'patch_embed4')
DEFAULT_LORA_CFG = dict(
    r=8, lora_alpha=32, lora_dropout=0.1, target_modules=list(LORA_TARGETS))


@MODELS.register_module()
class UNIVConvMAE(PretrainedWeightsMixin, LoRAMixin, PCCLTokensMixin,
                  BaseModule):
    """ConvMAE's hybrid encoder with optional LoRA and the PCCL tokens.

    Stage 1 and 2 are convolution stages (stride 4 and 8), stage 3 a
    transformer over stride-16 tokens with a fixed-size 2-D sin-cos position
    embedding (bicubically resized to other inputs) and no class token.
    Parameter names are the release's, so its checkpoints load directly.

    Args:
        arch (str | dict): ``'b'``/``'base'`` (ConvMAE-B: 256/384/768
            channels, 2/2/11 blocks, 12 heads), ``'tiny'`` (a test-sized
            model, not a published one) or a dict with ``embed_dims``,
            ``depths``, ``num_heads`` and ``mlp_ratio``. Defaults to 'b'.
        img_size (int): Input size of the position embedding and of the
            relative position bias windows. Defaults to 224.
        in_channels (int): Defaults to 3.
        out_indices (Sequence[int]): Maps :meth:`forward` returns: 0 stage 1
            (stride 4), 1 stage 2 (8), 2 the stage-3 tokens as a map (16,
            before the final norm), 3 a 3x3 stride-2 conv + norm + GELU of
            map 2 (32). Defaults to (0, 1, 2, 3).
        drop_path_rate (float): Stochastic depth, linear over all blocks.
            Defaults to 0.
        layer_scale_init_value (float, optional): Layer scale of the
            transformer blocks. Defaults to None (off; the release's
            segmentation uses 1.0).
        use_rel_pos_bias (bool): A zero-initialised relative position bias
            in every transformer block. Defaults to False.
        final_norm (bool): Keep the final LayerNorm (used by
            :meth:`forward_tokens`; the dense maps never use it).
            Defaults to True.
        norm_cfg (dict): Norm of the stride-32 branch. Defaults to
            ``dict(type='BN')``.
        frozen_stages (int): Freeze stages ``1..frozen_stages`` (stage 3
            includes the final norm). Defaults to 0.
        with_cp (bool): Activation checkpointing of the transformer blocks
            in training. Defaults to False.
        lora_cfg (dict, optional): Keyword arguments of ``peft.LoraConfig``
            over ``DEFAULT_LORA_CFG``; only LoRA weights then train.
            Defaults to None (no LoRA).
        init_cfg (dict, optional): ``dict(type='Pretrained',
            checkpoint=...)`` loads a ConvMAE release (``model``), a UNIV
            release (``student``) or a univ_mm export or training
            checkpoint (``state_dict``); see
            :data:`.pretrained.convmae.CONVMAE`. Defaults to None.
    """

    arch_zoo = {
        **dict.fromkeys(['b', 'base'], dict(
            embed_dims=(256, 384, 768), depths=(2, 2, 11), num_heads=12,
            mlp_ratio=4.)),
        'tiny': dict(embed_dims=(16, 24, 32), depths=(1, 1, 2),
                     num_heads=2, mlp_ratio=2.),
    }
    #: Kernel and stride of the three patch embeds.
    patch_strides = (4, 2, 2)
    block_lists = ('blocks1', 'blocks2', 'blocks3')
    #: What ``init_cfg=dict(type='Pretrained', ...)`` reads (its fresh
    #: keys, resized position embedding).
    pretrained_weights = CONVMAE
    default_lora_cfg = DEFAULT_LORA_CFG
    #: Per stage, the module name prefixes frozen by ``frozen_stages``.
    stage_modules = (('patch_embed1', 'blocks1'), ('patch_embed2', 'blocks2'),
                     ('patch_embed3', 'patch_embed4', 'pos_embed', 'blocks3',
                      'norm'))

    def __init__(self,
                 arch: str | dict = 'b',
                 img_size: int = 224,
                 in_channels: int = 3,
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 drop_path_rate: float = 0.,
                 layer_scale_init_value: float | None = None,
                 use_rel_pos_bias: bool = False,
                 final_norm: bool = True,
                 norm_cfg: dict = dict(type='BN'),
                 frozen_stages: int = 0,
                 with_cp: bool = False,
                 lora_cfg: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.arch_settings = self._arch_settings(arch)
        if not set(out_indices) <= {0, 1, 2, 3} or \
                frozen_stages not in range(4):
            raise ValueError(
                f'out_indices={out_indices!r} must be among 0-3 (strides '
                f'4/8/16/32) and frozen_stages={frozen_stages!r} in 0-3')
        self.out_indices = tuple(out_indices)
        self.frozen_stages = frozen_stages
        self.with_cp = with_cp
        self.patch_resolution = (img_size // self.token_stride, ) * 2
        self._build_convolution_stages(in_channels, drop_path_rate)
        self._build_transformer_stage(drop_path_rate, layer_scale_init_value,
                                      use_rel_pos_bias)
        dims = self.arch_settings['embed_dims'][2]
        if final_norm:
            self.norm = nn.LayerNorm(dims, eps=TRANSFORMER_LN_EPS)
        if 3 in self.out_indices:
            self.fpn = nn.Sequential(
                nn.Conv2d(dims, dims, 3, stride=2, padding=1),
                build_norm_layer(norm_cfg, dims)[1], nn.GELU())
        self.record_last_attention(self.blocks3[-1].attn)
        self.add_lora(lora_cfg, DEFAULT_LORA_CFG)
        self._freeze_stages()

    def _drop_path_rates(self, drop_path_rate: float) -> list[float]:
        """Stochastic depth of every block, linear over all of them."""
        return torch.linspace(0, drop_path_rate,
                              sum(self.arch_settings['depths']),
                              device='cpu').tolist()

    def _build_convolution_stages(self, in_channels: int,
                                  drop_path_rate: float) -> None:
        """``patch_embed1..3``, ``blocks1`` and ``blocks2``."""
        dims, depths = (self.arch_settings['embed_dims'],
                        self.arch_settings['depths'])
        rates = self._drop_path_rates(drop_path_rate)
        for stage, cin in enumerate((in_channels, *dims[:2]), 1):
            self.add_module(f'patch_embed{stage}', ConvPatchEmbed(
                cin, dims[stage - 1], self.patch_strides[stage - 1]))
        for stage in (1, 2):
            start = sum(depths[:stage - 1])
            self.add_module(f'blocks{stage}', nn.ModuleList(
                ConvBlock(dims[stage - 1], self.arch_settings['mlp_ratio'],
                          rates[start + i]) for i in range(depths[stage - 1])))

    def _build_transformer_stage(self, drop_path_rate: float,
                                 layer_scale_init_value: float | None,
                                 use_rel_pos_bias: bool) -> None:
        """``patch_embed4``, ``pos_embed`` and ``blocks3``."""
        dims, depths = (self.arch_settings['embed_dims'][2],
                        self.arch_settings['depths'])
        self.patch_embed4 = nn.Linear(dims, dims)
        self.pos_embed = nn.Parameter(build_2d_sincos_position_embedding(
            self.patch_resolution, dims))
        rates = self._drop_path_rates(drop_path_rate)[sum(depths[:2]):]
        window = self.patch_resolution if use_rel_pos_bias else None
        self.blocks3 = nn.ModuleList(
            TransformerBlock(dims, self.arch_settings['num_heads'],
                             self.arch_settings['mlp_ratio'], rate,
                             layer_scale_init_value, window)
            for rate in rates)

    def _arch_settings(self, arch: str | dict) -> dict:
        if isinstance(arch, dict):
            missing = {'embed_dims', 'depths', 'num_heads',
                       'mlp_ratio'} - set(arch)
            if missing:
                raise KeyError(f'arch dict lacks {sorted(missing)}')
            return dict(arch)
        if arch not in self.arch_zoo:
            raise KeyError(f'arch {arch!r} is not one of '
                           f'{sorted(self.arch_zoo)}; pass a dict instead')
        return self.arch_zoo[arch]

    @property
    def token_stride(self) -> int:
        """Input pixels per token side: 16, the three embeds' strides."""
        return math.prod(self.patch_strides)

    @property
    def num_layers(self) -> int:
        """Transformer blocks (11 in ConvMAE-B)."""
        return len(self.blocks3)

    def init_without_checkpoint(self) -> None:
        """Initialise like the release: linear weights truncated normal
        (std 0.02), zero bias (with LoRA hidden; see
        :class:`.pretrained.PretrainedWeightsMixin` for ``init_cfg``)."""
        for module in self.modules():
            if isinstance(module, nn.Linear):
                trunc_normal_(module.weight, std=.02)
                nn.init.zeros_(module.bias)
        self._is_init = True

    def _freeze_stages(self) -> None:
        for stage in self.stage_modules[:self.frozen_stages]:
            for name, param in self.named_parameters():
                if name.split('.')[0] in stage:
                    param.requires_grad = False

    def train(self, mode: bool = True) -> 'UNIVConvMAE':
        """Set the mode; stages frozen by ``frozen_stages`` stay in eval."""
        super().train(mode)
        for stage in self.stage_modules[:self.frozen_stages]:
            for name in stage:
                module = getattr(self, name, None)
                if isinstance(module, nn.Module):
                    module.eval()
        return self

    def get_layer_depth(self, param_name: str,
                        prefix: str = '') -> tuple[int, int]:
        """ConvMAE's layer-wise lr decay rule.

        Patch embeds, both convolution stages and the position embedding
        are depth 0, transformer block i is i + 1, everything else (final
        norm, stride-32 branch, neck, heads) the last depth
        ``num_layers + 1``.

        Returns:
            tuple[int, int]: The depth and the number of depths
            (``num_layers + 2``).
        """
        count = self.num_layers + 2
        if not param_name.startswith(prefix):
            return count - 1, count
        name = param_name[len(prefix):]
        head = name.split('.')[0]
        if head in ('patch_embed1', 'patch_embed2', 'patch_embed3',
                    'patch_embed4', 'pos_embed', 'blocks1', 'blocks2'):
            return 0, count
        if head == 'blocks3':
            return int(name.split('.')[1]) + 1, count
        return count - 1, count

    def _run_block(self, block: nn.Module, *args) -> Tensor:
        if self.with_cp and self.training and torch.is_grad_enabled():
            return checkpoint(block, *args, use_reentrant=False)
        return block(*args)

    def _encode(self, x: Tensor
                ) -> tuple[list[Tensor], Tensor, tuple[int, int]]:
        """Stage-1 and stage-2 maps and the stage-3 tokens (no final norm).

        Returns:
            tuple: ``[B, C1, H/4, W/4]`` and ``[B, C2, H/8, W/8]`` maps,
            tokens ``[B, N, C3]`` and their grid ``(H/16, W/16)``.
        """
        maps = []
        for stage in (1, 2):
            x = getattr(self, f'patch_embed{stage}')(x)
            for block in getattr(self, f'blocks{stage}'):
                x = block(x)
            maps.append(x)
        x = self.patch_embed3(x)
        grid = tuple(x.shape[-2:])
        x = self.patch_embed4(x.flatten(2).transpose(1, 2))
        x = x + resize_pos_embed(self.pos_embed, self.patch_resolution, grid,
                                 mode='bicubic', num_extra_tokens=0)
        for block in self.blocks3:
            x = self._run_block(block, x, grid)
        return maps, x, grid

    def forward(self, x: Tensor) -> tuple[Tensor, ...]:
        """The multi-scale maps of ``out_indices``.

        Returns:
            tuple[Tensor]: Contiguous NCHW maps at strides 4/8/16/32 for
            indices 0/1/2/3 (256/384/768/768 channels in ConvMAE-B). The
            convolutional stages' maps leave their norm channels-last, and
            a neck's convolutions keep that layout, which MMCV's CPU
            ``RoIAlign`` misreads.
        """
        maps, tokens, grid = self._encode(x)
        maps.append(tokens.transpose(1, 2).reshape(len(x), -1, *grid))
        if 3 in self.out_indices:
            maps.append(self.fpn(maps[2]))
        return tuple(maps[i].contiguous() for i in self.out_indices)

    def forward_tokens(self, x: Tensor, with_attention: bool = False
                       ) -> tuple[Tensor, Tensor | None]:
        """Final-norm stage-3 tokens and, on request, last-block attention.

        Args:
            x (Tensor): Images ``[B, 3, H, W]``.
            with_attention (bool): Also return the last block's softmax
                attention. Defaults to False.

        Returns:
            tuple[Tensor, Tensor | None]: Tokens ``[B, N, C]`` (no class
            token) and attention ``[B, heads, N, N]`` (rows sum to 1) or
            None.
        """
        if not hasattr(self, 'norm'):
            raise RuntimeError('forward_tokens returns final-norm tokens; '
                               'build UNIVConvMAE with final_norm=True')
        self.attention_recorder.record = with_attention
        try:
            _, tokens, _ = self._encode(x)
        finally:
            self.attention_recorder.record = False
        tokens = self.norm(tokens)
        if not with_attention:
            return tokens, None
        return tokens, self.attention_recorder.pop()
