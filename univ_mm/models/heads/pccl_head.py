"""The PCCL head of UNIV pre-training.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
import torch
from mmengine.model import BaseModule
from torch import Tensor

from univ_mm.evaluation.pseudo_pair_statistics import pseudo_pair_statistics
from univ_mm.models.losses.pccl_loss import weighted
from univ_mm.registry import MODELS


@MODELS.register_module()
class PCCLHead(BaseModule):
    """Both PCCL terms of UNIV against one set of pseudo pairs.

    The teacher's pseudo pairs are formed once per batch; the student's IR
    and RGB tokens are each pulled towards the teacher's RGB tokens with
    them (synchronous RGB distillation keeps the RGB ability).

    Args:
        loss (dict): Config of the loss, which forms the pairs and scores
            each modality. Defaults to ``dict(type='PCCLLoss')``.
        ir_weight (float): alpha, weight of the IR term. Defaults to 1.0.
        rgb_weight (float): beta, weight of the RGB term. Defaults to 1.0.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 loss: dict = dict(type='PCCLLoss'),
                 ir_weight: float = 1.0,
                 rgb_weight: float = 1.0,
                 init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.loss_module = MODELS.build(loss)
        self.ir_weight = ir_weight
        self.rgb_weight = rgb_weight

    def loss(self, student_rgb: Tensor, student_ir: Tensor,
             teacher_tokens: Tensor, teacher_attn: Tensor
             ) -> dict[str, Tensor]:
        """The weighted PCCL terms and the statistics of their pairs.

        Args:
            student_rgb (Tensor): Student tokens of the RGB view
                ``[B, N, C]``.
            student_ir (Tensor): Student tokens of the IR view ``[B, N, C]``.
            teacher_tokens (Tensor): Teacher tokens of the RGB view
                ``[B, N, C]``.
            teacher_attn (Tensor): The teacher's last-block attention
                ``[B, H, N, N]``.

        Returns:
            dict[str, Tensor]: ``loss_ir`` (alpha-weighted), ``loss_rgb``
            (beta-weighted), ``positives_per_row`` and ``empty_row_ratio``
            (see :func:`pseudo_pair_statistics`).
        """
        loss = self.loss_module
        pairs = loss.pseudo_pairs(teacher_attn, teacher_tokens)
        teacher_unit = loss.unit_tokens(teacher_tokens)  # shared by both
        losses = dict(
            loss_ir=weighted(self.ir_weight, loss.contrastive(
                student_ir, teacher_tokens, pairs,
                teacher_unit=teacher_unit)),
            loss_rgb=weighted(self.rgb_weight, loss.contrastive(
                student_rgb, teacher_tokens, pairs,
                teacher_unit=teacher_unit)))
        losses.update(pseudo_pair_statistics(pairs))
        return losses

    @torch.no_grad()
    def pair_statistics(self, teacher_tokens: Tensor, teacher_attn: Tensor,
                        labels: Tensor) -> dict[str, float]:
        """Score a teacher's pseudo pairs against patch classes.

        Args:
            teacher_tokens (Tensor): Teacher tokens ``[B, N, C]`` of
                labelled images.
            teacher_attn (Tensor): Its last-block attention ``[B, H, N, N]``.
            labels (Tensor): Class of every patch ``[B, N]``.

        Returns:
            dict[str, float]: Every statistic of
            :func:`pseudo_pair_statistics`, with the loss of a student equal
            to the teacher.
        """
        pairs = self.loss_module.pseudo_pairs(teacher_attn, teacher_tokens)
        at_teacher = self.loss_module.contrastive(
            teacher_tokens, teacher_tokens, pairs, reduction='none')
        stats = pseudo_pair_statistics(pairs, labels, at_teacher)
        return {name: float(value) for name, value in stats.items()}
