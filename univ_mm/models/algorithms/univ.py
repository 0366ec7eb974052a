"""UNIV pre-training: a frozen RGB teacher distilled into a LoRA student.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
from collections import OrderedDict

import torch
from mmengine.dist import all_reduce
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor

from univ_mm.registry import MODELS


@MODELS.register_module()
class UNIV(BaseModel):
    """PCCL pre-training with synchronous RGB distillation.

    The teacher sees the RGB view under no-grad; the student (LoRA on the
    teacher's weights) sees RGB and IR in one forward. Both student outputs
    are pulled towards the teacher's RGB tokens with the same pseudo pairs.

    Args:
        backbone (dict): The student, a ``UNIVVisionTransformer`` or
            ``UNIVConvMAE`` config with ``lora_cfg``.
        teacher (dict): The teacher, same architecture without LoRA; its
            ``init_cfg`` loads the RGB-pretrained checkpoint, and the
            student's base weights are copied from it.
        loss (dict): The PCCL loss config. Defaults to
            ``dict(type='PCCLLoss')``.
        ir_weight (float): alpha, weight of the IR term. Defaults to 1.0.
        rgb_weight (float): beta, weight of the RGB term. Defaults to 1.0.
        autocast_dtype (str, optional): Run teacher and student under
            ``torch.autocast`` with this dtype (e.g. ``'bfloat16'``), on any
            device; the loss stays float32. Defaults to None (off).
        compile_student (bool | dict): ``torch.compile`` every student block
            (its ``repeated_blocks()``; ``True`` or ``torch.compile``
            keyword arguments). Parameter names and checkpoints are
            unchanged. Defaults to False.
        data_preprocessor (dict): Built by MMEngine's root registry, hence
            the scope prefix. Defaults to
            ``dict(type='univ_mm.PairedDataPreprocessor')``.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 teacher: dict,
                 loss: dict = dict(type='PCCLLoss'),
                 ir_weight: float = 1.0,
                 rgb_weight: float = 1.0,
                 autocast_dtype: str | None = None,
                 compile_student: bool | dict = False,
                 data_preprocessor: dict = dict(
                     type='univ_mm.PairedDataPreprocessor'),
                 init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.teacher = MODELS.build(teacher)
        self.teacher.requires_grad_(False)
        self.teacher.eval()
        self.loss_module = MODELS.build(loss)
        self.ir_weight = ir_weight
        self.rgb_weight = rgb_weight
        self.autocast_dtype = autocast_dtype
        if compile_student:
            options = {} if compile_student is True else compile_student
            for block in self.backbone.repeated_blocks():
                block.compile(**options)

    def _autocast(self, device: torch.device) -> torch.autocast:
        dtype = getattr(torch, self.autocast_dtype or 'float32')
        return torch.autocast(device.type, dtype=dtype,
                              enabled=self.autocast_dtype is not None)

    def init_weights(self) -> None:
        """Initialise the teacher, then start the student from its weights."""
        super().init_weights()
        with self.backbone.plain_view():
            self.backbone.load_state_dict(self.teacher.state_dict())

    def train(self, mode: bool = True) -> 'UNIV':
        """Switch the student's mode; the teacher always stays in eval."""
        super().train(mode)
        self.teacher.eval()
        return self

    @torch.no_grad()
    def teacher_forward(self, rgb: Tensor) -> tuple[Tensor, Tensor]:
        """Teacher tokens ``[B, N, C]`` and attention ``[B, H, N, N]``."""
        return self.teacher.forward_tokens(rgb, with_attention=True)

    def extract_feat(self, inputs: dict[str, Tensor]) -> dict[str, Tensor]:
        """Student tokens of both modalities from one forward.

        Returns:
            dict[str, Tensor]: ``rgb`` and ``ir`` tokens, ``[B, N, C]`` each.
        """
        tokens, _ = self.backbone.forward_tokens(
            torch.cat([inputs['rgb'], inputs['ir']]))
        rgb, ir = tokens.chunk(2)
        return dict(rgb=rgb, ir=ir)

    def loss(self, inputs: dict[str, Tensor],
             data_samples: list | None = None) -> dict[str, Tensor]:
        """PCCL losses of one batch of pairs.

        Returns:
            dict[str, Tensor]: See :meth:`pccl_losses`.
        """
        with self._autocast(inputs['rgb'].device):
            teacher_tokens, teacher_attn = self.teacher_forward(inputs['rgb'])
            student = self.extract_feat(inputs)
        return self.pccl_losses(teacher_tokens, teacher_attn, student)

    @torch.no_grad()
    def alignment_outputs(self, inputs: dict[str, Tensor],
                          data_samples: list | None = None
                          ) -> list[BaseDataElement]:
        """Teacher RGB tokens and student tokens of every pair, for metrics.

        Returns:
            list[BaseDataElement]: One per pair (``data_samples`` when
            given, with fields added): ``teacher_tokens``, ``rgb_tokens``
            and ``ir_tokens``, float32 ``[N, C]`` each.
        """
        with self._autocast(inputs['rgb'].device):
            teacher_tokens, _ = self.teacher.forward_tokens(inputs['rgb'])
            student = self.extract_feat(inputs)
        samples = data_samples or [
            BaseDataElement() for _ in range(len(teacher_tokens))]
        for i, sample in enumerate(samples):
            sample.set_data(dict(teacher_tokens=teacher_tokens[i].float(),
                                 rgb_tokens=student['rgb'][i].float(),
                                 ir_tokens=student['ir'][i].float()))
        return samples

    def val_step(self, data: dict) -> list[BaseDataElement]:
        """Validation on held-out pairs: :meth:`alignment_outputs`.

        UNIV has no ``'predict'`` forward mode (it makes no task
        predictions); validation scores how well its tokens align, e.g.
        with ``PatchRetrievalMetric``.
        """
        return self.alignment_outputs(**self.data_preprocessor(data, False))

    def test_step(self, data: dict) -> list[BaseDataElement]:
        """Same as :meth:`val_step`."""
        return self.val_step(data)

    def pccl_losses(self, teacher_tokens: Tensor, teacher_attn: Tensor,
                    student: dict[str, Tensor]) -> dict[str, Tensor]:
        """Both PCCL terms against one set of pseudo pairs.

        Args:
            teacher_tokens (Tensor): ``[B, N, C]`` of the RGB view.
            teacher_attn (Tensor): ``[B, H, N, N]``.
            student (dict[str, Tensor]): ``rgb`` and ``ir`` tokens.

        Returns:
            dict[str, Tensor]: ``loss_ir`` (alpha-weighted), ``loss_rgb``
            (beta-weighted) and the pseudo-pair statistics.
        """
        pairs = self.loss_module.pseudo_pairs(teacher_attn, teacher_tokens)
        losses = dict(
            loss_ir=self.ir_weight * self.loss_module.contrastive(
                student['ir'], teacher_tokens, pairs),
            loss_rgb=self.rgb_weight * self.loss_module.contrastive(
                student['rgb'], teacher_tokens, pairs))
        losses.update(self.loss_module.pair_statistics(pairs))
        return losses

    def parse_losses(self, losses: dict) -> tuple[Tensor, OrderedDict]:
        """Sum the ``loss_*`` terms; log every value averaged over ranks.

        The returned loss is this rank's (DDP averages the gradients); the
        logged values are all-reduced in one collective, so the log shows
        the global batch, not rank 0's share. No-op without distribution.
        """
        loss, log_vars = super().parse_losses(losses)
        values = torch.stack([v.detach().float() for v in log_vars.values()])
        all_reduce(values, op='mean')
        return loss, OrderedDict(zip(log_vars, values, strict=True))

    def forward(self,
                inputs: dict[str, Tensor],
                data_samples: list | None = None,
                mode: str = 'tensor') -> dict[str, Tensor]:
        """``'loss'``: the losses; ``'tensor'``: the student's tokens."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            return self.extract_feat(inputs)
        raise RuntimeError(
            f'UNIV is a pre-training model and has no mode {mode!r}; use '
            '"loss" or "tensor", and export the backbone for predictions.')
