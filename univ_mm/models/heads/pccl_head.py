"""The PCCL head of UNIV pre-training.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
import torch
from mmengine.model import BaseModule
from torch import Tensor

from univ_mm.models.heads.pseudo_pair_statistics import pseudo_pair_statistics
from univ_mm.models.losses.pccl_loss import weighted
from univ_mm.registry import MODELS

#: What the RGB term scores the student's RGB tokens against (see
#: :class:`PCCLHead`).
RGB_TERMS = ('pseudo_pairs', 'soft_pairs', 'token_cosine')


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
        rgb_term (str): The RGB term. 'pseudo_pairs' (official): the
            contrastive loss against the teacher's pseudo pairs, as the IR
            term. Variants whose minimum is a student equal to the teacher:
            'soft_pairs', the contrastive loss against the teacher's own
            pair probabilities (``PCCLLoss.soft_pairs``); 'token_cosine',
            one minus the cosine with the teacher token of the same patch.
            Defaults to 'pseudo_pairs'.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 loss: dict = dict(type='PCCLLoss'),
                 ir_weight: float = 1.0,
                 rgb_weight: float = 1.0,
                 rgb_term: str = 'pseudo_pairs',
                 init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if rgb_term not in RGB_TERMS:
            raise ValueError(f'rgb_term must be one of {RGB_TERMS}, got '
                             f'{rgb_term!r}')
        self.loss_module = MODELS.build(loss)
        self.ir_weight = ir_weight
        self.rgb_weight = rgb_weight
        self.rgb_term = rgb_term

    def rgb_loss(self, student_rgb: Tensor, teacher_unit: Tensor,
                 pairs: Tensor) -> Tensor:
        """The RGB term of ``rgb_term``, unweighted by beta.

        Args:
            student_rgb (Tensor): Student tokens of the RGB view
                ``[B, N, C]``.
            teacher_unit (Tensor): ``PCCLLoss.unit_tokens`` of the teacher's
                RGB tokens ``[B, N, C]``.
            pairs (Tensor): The teacher's pseudo pairs ``[B, N, N]``.

        Returns:
            Tensor: Scalar loss.
        """
        loss = self.loss_module
        if self.rgb_term == 'token_cosine':
            return loss.token_cosine(student_rgb, teacher_unit)
        if self.rgb_term == 'soft_pairs':
            pairs = loss.soft_pairs(teacher_unit)
        return loss.contrastive(student_rgb, teacher_unit, pairs,
                                teacher_unit=teacher_unit)

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
        loss.init_bias(teacher_unit, pairs)
        losses = dict(
            loss_ir=weighted(self.ir_weight, loss.contrastive(
                student_ir, teacher_tokens, pairs,
                teacher_unit=teacher_unit)),
            loss_rgb=weighted(self.rgb_weight, self.rgb_loss(
                student_rgb, teacher_unit, pairs)))
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
            to the teacher, and ``rgb_loss_at_teacher``, the RGB term's
            (of ``rgb_term``, unweighted).
        """
        loss = self.loss_module
        pairs = loss.pseudo_pairs(teacher_attn, teacher_tokens)
        teacher_unit = loss.unit_tokens(teacher_tokens)
        loss.init_bias(teacher_unit, pairs)
        at_teacher = loss.contrastive(teacher_tokens, teacher_tokens, pairs,
                                      reduction='none',
                                      teacher_unit=teacher_unit)
        stats = pseudo_pair_statistics(pairs, labels, at_teacher)
        # the official RGB term is the loss at the teacher, already averaged
        stats['rgb_loss_at_teacher'] = stats['loss_at_teacher'] \
            if self.rgb_term == 'pseudo_pairs' else self.rgb_loss(
                teacher_tokens, teacher_unit, pairs)
        return {name: float(value) for name, value in stats.items()}
