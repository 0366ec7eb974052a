"""PCCL: Patch Cross-modal Contrastive Learning loss of UNIV.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
import torch
import torch.nn.functional as F
from mmengine.dist import all_reduce
from torch import Tensor, nn

from univ_mm.registry import MODELS

PAIR_SOURCES = ('attention', 'similarity')


def cosine_matrix(a: Tensor, b: Tensor, eps: float = 1e-12) -> Tensor:
    """Cosines of every token of ``a`` with every token of ``b``, float32.

    Args:
        a (Tensor): ``[B, N, C]``.
        b (Tensor): ``[B, M, C]``.
        eps (float): Epsilon of the L2 normalisation. Defaults to 1e-12
            (``F.normalize``'s).

    Returns:
        Tensor: ``[B, N, M]``, computed with autocast off.
    """
    with torch.autocast(a.device.type, enabled=False):
        return F.normalize(a.float(), dim=-1, eps=eps) @ F.normalize(
            b.float(), dim=-1, eps=eps).transpose(1, 2)


def weighted(weight: float, loss: Tensor) -> Tensor:
    """``weight * loss``, without an op (forward and backward) for 1."""
    return loss if weight == 1 else weight * loss


@MODELS.register_module()
class PCCLLoss(nn.Module):
    """Patch-level contrastive loss against attention-derived pseudo pairs.

    For every query patch of an image, the teacher's last-block attention
    (averaged over heads) picks its positive keys: sorted descending, key j
    is positive iff the cumulative weight up to and including j is
    ``<= threshold``. Student and teacher tokens are L2-normalised, their
    cosine logits divided by ``temperature`` and scored with BCE-with-logits
    against the pairs, averaged over ``B * N * N``. Negatives are the other
    patches of the same image, so no matrix grows beyond ``[B, N, N]``.

    The loss runs in float32 with autocast off, so it is the same under fp32,
    bf16 and fp16 training.

    Args:
        threshold (float): Cumulative attention mass of the positives (tau).
            Defaults to 0.6.
        temperature (float): Logit temperature. Defaults to 0.04.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        eps (float): Epsilon of the L2 normalisation. Defaults to 1e-6.
        keep_top1 (bool): Variant: always keep each row's top key, even
            when its weight alone exceeds ``threshold``. The official
            behaviour (False) leaves such rows without positives.
            Defaults to False.
        pair_source (str): Where the pair weights come from. 'attention'
            (official): the teacher's last-block attention averaged over
            heads. 'similarity' (the "semantic similarity" of the paper's
            v2, a variant): a softmax over keys of the teacher tokens'
            cosine similarities divided by ``pair_temperature``; the same
            cumulative rule then picks the positives. Defaults to
            'attention'.
        pair_temperature (float): Softmax temperature of the 'similarity'
            source. Defaults to 0.1.
        learnable_bias (bool): Variant (SigLIP's pairwise sigmoid loss): a
            learnable scalar ``logit_bias`` b added to every logit,
            ``sigmoid(cos / temperature + b)``. It is set on the first batch
            (:meth:`init_bias`) so that the mean negative logit of a student
            equal to the teacher is zero. The official loss (False) has no
            bias. Defaults to False.
    """

    def __init__(self,
                 threshold: float = 0.6,
                 temperature: float = 0.04,
                 loss_weight: float = 1.0,
                 eps: float = 1e-6,
                 keep_top1: bool = False,
                 pair_source: str = 'attention',
                 pair_temperature: float = 0.1,
                 learnable_bias: bool = False) -> None:
        super().__init__()
        if pair_source not in PAIR_SOURCES:
            raise ValueError(f'pair_source must be one of {PAIR_SOURCES}, '
                             f'got {pair_source!r}')
        if pair_temperature <= 0:
            raise ValueError(
                f'pair_temperature must be > 0, got {pair_temperature}')
        if not 0 < threshold <= 1:
            raise ValueError(f'threshold must be in (0, 1], got {threshold}')
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.threshold = threshold
        self.temperature = temperature
        self.loss_weight = loss_weight
        self.eps = eps
        self.keep_top1 = keep_top1
        self.pair_source = pair_source
        self.pair_temperature = pair_temperature
        self.register_parameter(
            'logit_bias',
            nn.Parameter(torch.zeros(())) if learnable_bias else None)
        if learnable_bias:  # persistent: a resumed run keeps its bias
            self.register_buffer('bias_initialised', torch.tensor(False))
        #: The buffer's value once read: not read again every step.
        self._bias_ready = False

    def pair_weights(self, attn: Tensor, teacher_tokens: Tensor) -> Tensor:
        """Row-stochastic weights ``[B, N, N]`` of ``pair_source``."""
        if self.pair_source == 'attention':
            return attn.float().mean(dim=1)
        cosine = cosine_matrix(teacher_tokens, teacher_tokens, self.eps)
        return (cosine / self.pair_temperature).softmax(dim=-1)

    @torch.no_grad()
    def pseudo_pairs(self, attn: Tensor,
                     teacher_tokens: Tensor | None = None) -> Tensor:
        """Binary positive mask from the teacher.

        Args:
            attn (Tensor): Softmax attention ``[B, H, N, N]``, row = query.
            teacher_tokens (Tensor, optional): ``[B, N, C]``; needed by the
                'similarity' pair source.

        Returns:
            Tensor: Float 0/1 mask ``[B, N, N]``; ``[b, i, j] = 1`` when key
            patch j is a positive of query patch i.
        """
        if teacher_tokens is None and self.pair_source != 'attention':
            raise ValueError(f'pair_source={self.pair_source!r} needs the '
                             'teacher tokens')
        weights = self.pair_weights(attn, teacher_tokens)
        ranked, order = weights.sort(dim=-1, descending=True)
        positive = ranked.cumsum(dim=-1) <= self.threshold
        if self.keep_top1:
            positive[..., 0] = True
        return torch.zeros_like(weights).scatter_(-1, order,
                                                  positive.float())

    def unit_tokens(self, tokens: Tensor) -> Tensor:
        """Tokens L2-normalised (eps ``self.eps``) in float32, autocast off.

        Returns:
            Tensor: ``[B, N, C]``.
        """
        with torch.autocast(tokens.device.type, enabled=False):
            return F.normalize(tokens.float(), dim=-1, eps=self.eps)

    def cosine_logits(self, student_tokens: Tensor, teacher_tokens: Tensor,
                      teacher_unit: Tensor | None = None) -> Tensor:
        """Cosines of L2-normalised tokens over the temperature, float32.

        Args:
            student_tokens (Tensor): ``[B, N, C]``.
            teacher_tokens (Tensor): ``[B, N, C]``.
            teacher_unit (Tensor, optional): ``unit_tokens(teacher_tokens)``
                when the caller has it already (both PCCL terms share it).
                Defaults to None.

        Returns:
            Tensor: ``[B, N, N]``; row i = student patch i.
        """
        if teacher_unit is None:
            teacher_unit = self.unit_tokens(teacher_tokens)
        with torch.autocast(student_tokens.device.type, enabled=False):
            return self.unit_tokens(student_tokens) @ teacher_unit.transpose(
                1, 2) / self.temperature

    def teacher_logits(self, teacher_unit: Tensor) -> Tensor:
        """Cosine logits (with the bias, if any) of a student equal to the
        teacher, float32, autocast off.

        Args:
            teacher_unit (Tensor): :meth:`unit_tokens` of the teacher tokens
                ``[B, N, C]``.

        Returns:
            Tensor: ``[B, N, N]``.
        """
        with torch.autocast(teacher_unit.device.type, enabled=False):
            return self.biased(
                teacher_unit @ teacher_unit.transpose(1, 2) /
                self.temperature)

    def biased(self, logits: Tensor) -> Tensor:
        """``logits`` plus the learnable bias; unchanged without one."""
        return logits if self.logit_bias is None else logits + self.logit_bias

    @torch.no_grad()
    def init_bias(self, teacher_unit: Tensor, pairs: Tensor) -> None:
        """Set the learnable bias, once: minus the mean logit of the
        negatives (``pairs == 0``) of a student equal to the teacher, over
        this batch of every rank. Does nothing without ``learnable_bias`` or
        once set (a resumed run keeps its bias).

        Args:
            teacher_unit (Tensor): :meth:`unit_tokens` of the teacher tokens
                ``[B, N, C]``.
            pairs (Tensor): ``[B, N, N]`` from :meth:`pseudo_pairs`.
        """
        if self.logit_bias is None or self._bias_ready:
            return
        if self.bias_initialised:  # read once: a device sync on a GPU
            self._bias_ready = True
            return
        self.logit_bias.zero_()
        negatives = (pairs == 0).float()
        sums = torch.stack([(self.teacher_logits(teacher_unit) *
                             negatives).sum(), negatives.sum()])
        all_reduce(sums)
        self.logit_bias.fill_(-sums[0] / sums[1].clamp(min=1))
        self.bias_initialised.fill_(True)
        self._bias_ready = True

    @torch.no_grad()
    def soft_pairs(self, teacher_unit: Tensor) -> Tensor:
        """Variant targets: the teacher's own pair probabilities, the
        sigmoid of :meth:`teacher_logits`. Scored against them,
        :meth:`contrastive` is smallest (its gradient zero) for a student
        equal to the teacher.

        Returns:
            Tensor: ``[B, N, N]`` in (0, 1), no gradient.
        """
        return self.teacher_logits(teacher_unit).sigmoid()

    def token_cosine(self, student_tokens: Tensor,
                     teacher_unit: Tensor) -> Tensor:
        """Variant term: one minus the cosine of each student token with
        the teacher token of the same patch, averaged, times
        ``loss_weight``; zero (with zero gradient) for a student equal to
        the teacher.

        Args:
            student_tokens (Tensor): ``[B, N, C]``.
            teacher_unit (Tensor): :meth:`unit_tokens` of the teacher tokens
                ``[B, N, C]``.

        Returns:
            Tensor: Scalar loss, float32.
        """
        cosine = (self.unit_tokens(student_tokens) * teacher_unit).sum(dim=-1)
        return weighted(self.loss_weight, (1 - cosine).mean())

    def contrastive(self, student_tokens: Tensor, teacher_tokens: Tensor,
                    pairs: Tensor, reduction: str = 'mean',
                    teacher_unit: Tensor | None = None) -> Tensor:
        """Weighted BCE of student-teacher cosine logits against ``pairs``.

        Args:
            student_tokens (Tensor): ``[B, N, C]``.
            teacher_tokens (Tensor): ``[B, N, C]`` of the RGB view.
            pairs (Tensor): ``[B, N, N]`` targets: :meth:`pseudo_pairs`
                (or :meth:`soft_pairs`).
            reduction (str): As in ``F.binary_cross_entropy_with_logits``;
                'none' gives the loss of every pair. Defaults to 'mean'.
            teacher_unit (Tensor, optional): See :meth:`cosine_logits`.
                Defaults to None.

        Returns:
            Tensor: Scalar loss, or ``[B, N, N]`` for 'none'.
        """
        logits = self.biased(self.cosine_logits(student_tokens,
                                                teacher_tokens, teacher_unit))
        loss = F.binary_cross_entropy_with_logits(logits, pairs,
                                                  reduction=reduction)
        return weighted(self.loss_weight, loss)

    def forward(self, student_tokens: Tensor, teacher_tokens: Tensor,
                teacher_attn: Tensor) -> Tensor:
        """PCCL loss of student tokens against the teacher's tokens and pairs.

        Args:
            student_tokens (Tensor): ``[B, N, C]``.
            teacher_tokens (Tensor): ``[B, N, C]``.
            teacher_attn (Tensor): ``[B, H, N, N]`` last-block attention.

        Returns:
            Tensor: Scalar loss.
        """
        pairs = self.pseudo_pairs(teacher_attn, teacher_tokens)
        self.init_bias(self.unit_tokens(teacher_tokens), pairs)
        return self.contrastive(student_tokens, teacher_tokens, pairs)
