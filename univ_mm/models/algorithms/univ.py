"""UNIV pre-training: a frozen RGB teacher distilled into a LoRA student.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
from collections import OrderedDict

import torch
from mmengine.dist import all_reduce
from mmengine.logging import print_log
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor

from univ_mm.models.backbones.lora_layers import cast_frozen_layers_once_
from univ_mm.registry import MODELS


@MODELS.register_module()
class UNIV(BaseModel):
    """PCCL pre-training with synchronous RGB distillation.

    Shaped like MMPretrain's self-supervised algorithms: the frozen teacher
    generates the targets (tokens and attention of the RGB view, under
    no-grad, as MILAN's ``target_generator``); the student (LoRA on the
    teacher's weights) encodes RGB and IR in one forward; the head
    (``PCCLHead``) owns the loss. The model is the one place that keeps the
    teacher frozen: no gradients, eval mode whatever ``train()`` is called
    with, no-grad forward.

    It is not a ``BaseSelfSupervisor``: that base takes one image tensor
    (``SelfSupDataPreprocessor``, ``forward(inputs: Tensor)``) where UNIV
    takes a pair, and its ``target_generator`` would rename the
    ``teacher.`` keys that checkpoints, the exports, the authors' format
    and the resume check read, for no behaviour gained.

    Args:
        backbone (dict): The student, a ``UNIVVisionTransformer`` or
            ``UNIVConvMAE`` config with ``lora_cfg``.
        teacher (dict): The teacher, same architecture without LoRA; its
            ``init_cfg`` loads the RGB-pretrained checkpoint, and the
            student's base weights are copied from it.
        head (dict): The pre-training head. Defaults to
            ``dict(type='PCCLHead')``.
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
                 head: dict = dict(type='PCCLHead'),
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
        cast_frozen_layers_once_(self.teacher)  # no recast per AMP forward
        self.head = MODELS.build(head)
        if compile_student:
            options = {} if compile_student is True else compile_student
            for block in self.backbone.repeated_blocks():
                block.compile(**options)

    def init_weights(self) -> None:
        """Initialise the teacher, then start the student from its weights.

        Logs what is frozen and what trains in one line (MMEngine's
        optimizer constructor would warn once per frozen weight).
        """
        super().init_weights()
        with self.backbone.plain_view():
            self.backbone.load_state_dict(self.teacher.state_dict())
        student = list(self.backbone.parameters())
        print_log(
            f'teacher: {len(list(self.teacher.parameters()))} frozen '
            f'weights; student: {sum(p.requires_grad for p in student)} of '
            f'{len(student)} weights train (LoRA)', logger='current')

    def train(self, mode: bool = True) -> 'UNIV':
        """Switch the student's mode; the teacher always stays in eval."""
        super().train(mode)
        self.teacher.eval()
        return self

    @torch.no_grad()
    def teacher_forward(self, rgb: Tensor, with_attention: bool = True
                        ) -> tuple[Tensor, Tensor | None]:
        """The targets: the frozen teacher's tokens of the RGB view.

        Args:
            rgb (Tensor): RGB images ``[B, 3, H, W]``.
            with_attention (bool): Also return the teacher's last-block
                attention. Defaults to True.

        Returns:
            tuple[Tensor, Tensor | None]: Tokens ``[B, N, C]`` and attention
            ``[B, H, N, N]`` (None without ``with_attention``).
        """
        return self.teacher.forward_tokens(rgb, with_attention=with_attention)

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
            dict[str, Tensor]: See ``PCCLHead.loss``.
        """
        teacher_tokens, teacher_attn = self.teacher_forward(inputs['rgb'])
        student = self.extract_feat(inputs)
        return self.head.loss(student['rgb'], student['ir'], teacher_tokens,
                              teacher_attn)

    @torch.no_grad()
    def predict(self, inputs: dict[str, Tensor],
                data_samples: list | None = None) -> list[BaseDataElement]:
        """Teacher RGB tokens and student tokens of every pair.

        UNIV makes no task predictions: validation scores how well these
        tokens align (``PatchRetrievalMetric``).

        Returns:
            list[BaseDataElement]: One per pair (``data_samples`` when
            given, with fields added): ``teacher_tokens``, ``rgb_tokens``
            and ``ir_tokens``, float32 ``[N, C]`` each.
        """
        teacher_tokens, _ = self.teacher_forward(inputs['rgb'],
                                                 with_attention=False)
        student = self.extract_feat(inputs)
        samples = data_samples or [
            BaseDataElement() for _ in range(len(teacher_tokens))]
        for i, sample in enumerate(samples):
            sample.set_data(dict(teacher_tokens=teacher_tokens[i].float(),
                                 rgb_tokens=student['rgb'][i].float(),
                                 ir_tokens=student['ir'][i].float()))
        return samples

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
                mode: str = 'tensor') -> dict | list:
        """``'loss'``: the losses; ``'predict'``: :meth:`predict`;
        ``'tensor'``: the student's tokens."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.extract_feat(inputs)
        raise RuntimeError(f'Invalid mode "{mode}": UNIV supports "loss", '
                           '"predict" and "tensor"')
