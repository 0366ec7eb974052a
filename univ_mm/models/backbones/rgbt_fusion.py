"""One UNIV backbone for both cameras, its RGB and thermal maps fused per
level.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from univ_mm.datasets.transforms.rgbt import MODALITIES
from univ_mm.registry import MODELS

from .rgbt_fusers import FUSERS

#: Channels of the input: normalised RGB, then normalised thermal.
INPUT_CHANNELS = 6
#: How a lost modality is represented (see ``RGBTFusionBackbone``).
MISSING = ('zeros', 'token')


def _choose(name: str, value: object, choices: Sequence) -> None:
    """Raise a ``ValueError`` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f'{name}={value!r} must be one of {list(choices)}')


@MODELS.register_module()
class RGBTFusionBackbone(BaseModule):
    """A UNIV backbone run on RGB and thermal images, its maps fused.

    The input is ``[N, 6, H, W]``: normalised RGB in channels 0-2,
    normalised thermal in 3-5. Both go through the same backbone in one
    batch of ``2N`` images; each output level's RGB and thermal maps are
    then fused, so the output is what the backbone returns for one
    modality (same number of levels, shapes and channels), as MMSeg's and
    MMDet's necks read it.

    A lost modality (``modality_dropout`` in training, ``drop_modality``
    always) is represented as ``missing`` says: ``'zeros'`` zeroes its
    normalised input (the dataset mean), ``'token'`` replaces its map of
    every level by a learned per-level, per-channel vector (one per
    modality, zero-initialised) broadcast over the map, and does not run
    the backbone on the lost images.

    Args:
        backbone (dict): Config of the shared backbone, e.g.
            ``univ_mm.UNIVVisionTransformer`` (with ``out_type='featmap'``)
            or ``univ_mm.UNIVConvMAE``, with its own ``init_cfg``.
        channels (Sequence[int]): Channels of each output level of the
            backbone, e.g. ``(768, ) * 4`` for ViT-B; checked at forward.
        fusion (str): ``'sum'`` (``rgb + ir``), ``'concat'`` (channel
            concatenation and a 1x1 conv) or ``'gate'`` (a learned
            per-channel convex mix); see :mod:`.rgbt_fusers`.
            Defaults to 'sum'.
        modality_dropout (float): In training, the probability that a
            sample loses one modality, RGB or thermal with equal chance
            (never both). Defaults to 0.
        missing (str): ``'zeros'`` or ``'token'``, as above.
            Defaults to 'zeros'.
        drop_modality (str, optional): ``'rgb'`` or ``'ir'``: that modality
            is lost for every sample, in evaluation and training (it
            overrides ``modality_dropout``); may be set after construction.
            Defaults to None (both modalities).
    """

    def __init__(self,
                 backbone: dict,
                 channels: Sequence[int],
                 fusion: str = 'sum',
                 modality_dropout: float = 0.,
                 missing: str = 'zeros',
                 drop_modality: str | None = None) -> None:
        super().__init__()
        _choose('fusion', fusion, list(FUSERS))
        _choose('missing', missing, MISSING)
        if not 0 <= modality_dropout <= 1:
            raise ValueError(f'modality_dropout={modality_dropout!r} must '
                             'be a probability in [0, 1]')
        self.drop_modality = drop_modality
        self.channels = tuple(channels)
        self.modality_dropout = modality_dropout
        self.missing = missing
        self.backbone = MODELS.build(backbone)
        self.fusers = nn.ModuleList(FUSERS[fusion](c) for c in self.channels)
        if missing == 'token':
            self.missing_tokens = nn.ParameterList(
                torch.zeros(len(MODALITIES), c) for c in self.channels)

    @property
    def drop_modality(self) -> str | None:
        """The modality lost for every sample, or None."""
        return self._drop_modality

    @drop_modality.setter
    def drop_modality(self, value: str | None) -> None:
        _choose('drop_modality', value, (None, *MODALITIES))
        self._drop_modality = value

    def init_weights(self) -> None:
        """Initialise the backbone through its ``init_cfg`` (a merged UNIV
        export or a teacher checkpoint loads unchanged), each fuser to its
        average of the two maps and the missing tokens to zero."""
        self.backbone.init_weights()
        for fuser in self.fusers:
            fuser.reset_parameters()
        for token in getattr(self, 'missing_tokens', []):
            nn.init.zeros_(token)
        self._is_init = True

    def get_layer_depth(self, param_name: str,
                        prefix: str = '') -> tuple[int, int]:
        """The backbone's layer-wise lr decay rule under ``backbone.``.

        Fusers and missing tokens get the last depth (no decay), as every
        module after the backbone does.

        Returns:
            tuple[int, int]: The depth and the number of depths.
        """
        return self.backbone.get_layer_depth(param_name, f'{prefix}backbone.')

    def lost_modalities(self, num_samples: int,
                        device: torch.device | None = None) -> Tensor:
        """Which modality each sample loses this forward.

        Returns:
            Tensor: ``[N, 2]`` booleans, columns RGB and thermal; at most
            one True per row.
        """
        if self.drop_modality is not None:
            which = torch.full((num_samples, ), MODALITIES.index(
                self.drop_modality), device=device)
            return F.one_hot(which, len(MODALITIES)).bool()
        if not self.training or self.modality_dropout == 0:
            return torch.zeros(num_samples, len(MODALITIES), dtype=torch.bool,
                               device=device)
        dropped = torch.rand(num_samples, device=device) < \
            self.modality_dropout
        which = torch.randint(len(MODALITIES), (num_samples, ), device=device)
        return F.one_hot(which, len(MODALITIES)).bool() & dropped[:, None]

    def forward(self, x: Tensor) -> tuple[Tensor, ...]:
        """Fused maps of every level the backbone returns.

        Args:
            x (Tensor): ``[N, 6, H, W]``: RGB, then thermal.

        Returns:
            tuple[Tensor]: One ``[N, C_i, h_i, w_i]`` map per level, as the
            backbone returns for one modality.
        """
        if x.dim() != 4 or x.shape[1] != INPUT_CHANNELS:
            raise ValueError(f'RGBTFusionBackbone takes [N, {INPUT_CHANNELS}'
                             f', H, W] (RGB then thermal), got '
                             f'{list(x.shape)}')
        images = torch.cat(x.chunk(len(MODALITIES), dim=1))
        if self.drop_modality is None and not (
                self.training and self.modality_dropout > 0):
            maps = self.backbone(images)  # nothing can be lost: no masking
            self._check_channels(maps)
        else:
            lost = self.lost_modalities(len(x), x.device).T.flatten()
            maps = self._encode(images, lost)
        return tuple(fuser(*level.chunk(len(MODALITIES)))
                     for fuser, level in zip(self.fusers, maps, strict=True))

    def _encode(self, images: Tensor, lost: Tensor) -> tuple[Tensor, ...]:
        """Backbone maps of ``images`` (``[2N, 3, H, W]``, RGB then
        thermal), the ``lost`` ones (``[2N]``) represented as ``missing``
        says."""
        zeros = self.missing == 'zeros'
        maps = self.backbone(images.masked_fill(lost.view(-1, 1, 1, 1), 0)
                             if zeros else images[~lost])
        self._check_channels(maps)
        if zeros:
            return maps
        return tuple(self._fill_lost(level, lost, token)
                     for level, token in zip(maps, self.missing_tokens,
                                             strict=True))

    def _check_channels(self, maps: Sequence[Tensor]) -> None:
        """Raise unless ``maps`` has the levels and channels of
        ``channels``."""
        if len(maps) != len(self.channels):
            raise ValueError(
                f'channels={self.channels} names {len(self.channels)} '
                f'levels, but the backbone returns {len(maps)}')
        got = [level.shape[1] for level in maps]
        for level, expected in enumerate(self.channels):
            if expected != got[level]:
                raise ValueError(
                    f'level {level}: channels[{level}]={expected}, but the '
                    f'backbone returns {got[level]} channels there')

    @staticmethod
    def _fill_lost(level: Tensor, lost: Tensor, token: Tensor) -> Tensor:
        """Put the maps of the kept images (``level``) in a ``[2N, ...]``
        batch whose lost entries are their modality's ``token``
        (``[2, C]``) over the whole map."""
        kept = (~lost).nonzero().squeeze(1)
        per_image = token.to(level.dtype).repeat_interleave(len(lost) // 2, 0)
        return per_image[..., None, None].expand(
            len(lost), *level.shape[1:]).index_copy(0, kept, level)
