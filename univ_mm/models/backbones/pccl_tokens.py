"""What UNIV's PCCL asks of a student backbone: the attention its last block
records, its tokens (``forward_tokens``) and its repeated blocks.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
import torch.nn.functional as F
from torch import Tensor, nn


def split_qkv(qkv: Tensor, num_heads: int) -> tuple[Tensor, Tensor, Tensor]:
    """Queries, keys and values ``[B, H, N, d]`` as views of ``qkv``.

    ``qkv`` is a fused projection ``[B, N, 3 * H * d]``. Unbinding its
    ``3`` axis in place (rather than permuting it first and indexing
    ``[0]``, ``[1]``, ``[2]``) lets autograd stack the three gradients
    straight into ``qkv``'s layout: no zero-filled full-size gradient per
    slice, no adds, no copy back out of a permuted layout.
    """
    q, k, v = qkv.unflatten(-1, (3, num_heads, -1)).unbind(2)
    return q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)


class RecordingAttention:
    """Scaled dot-product attention that can return its softmax weights.

    Installed in the last block only. While ``record`` is False it calls
    PyTorch's fused kernel; while True it computes the attention explicitly
    and keeps the weights ``[B, H, N, N]`` in ``weights``.
    """

    def __init__(self) -> None:
        self.record = False
        self.weights: Tensor | None = None

    def __call__(self, q: Tensor, k: Tensor, v: Tensor,
                 dropout_p: float = 0.,
                 attn_mask: Tensor | None = None) -> Tensor:
        if not self.record:
            return F.scaled_dot_product_attention(
                q, k, v, attn_mask=attn_mask, dropout_p=dropout_p)
        logits = q @ k.transpose(-2, -1) * q.shape[-1]**-0.5
        if attn_mask is not None:
            logits = logits + attn_mask
        self.weights = logits.softmax(dim=-1)
        return F.dropout(self.weights, dropout_p) @ v

    def pop(self) -> Tensor:
        """Return the recorded weights and forget them."""
        weights, self.weights = self.weights, None
        if weights is None:
            raise RuntimeError('no attention was recorded in this forward')
        return weights


class PCCLTokensMixin:
    """The PCCL token interface of a backbone.

    A backbone names its repeated blocks in ``block_lists`` (its
    ``nn.ModuleList`` attributes, in forward order; see
    :meth:`repeated_blocks`), says in a ``token_stride`` property how many
    input pixels one token of its ``forward_tokens`` spans, and installs
    the recorder in its last block (:meth:`record_last_attention`).
    """

    #: The ``nn.ModuleList`` attributes holding the repeated blocks.
    block_lists: tuple[str, ...]

    def record_last_attention(self, last_attention: nn.Module) -> None:
        """Make ``last_attention`` able to return its softmax weights.

        Its ``scaled_dot_product_attention`` becomes
        ``self.attention_recorder`` (a :class:`RecordingAttention`).
        """
        self.attention_recorder = RecordingAttention()
        last_attention.scaled_dot_product_attention = self.attention_recorder

    def repeated_blocks(self) -> list[nn.Module]:
        """Every repeated block, in forward order.

        The units that ``UNIV(compile_student=True)`` compiles one by one.

        Returns:
            list[nn.Module]: The blocks of every list in ``block_lists``.
        """
        return [block for name in self.block_lists
                for block in getattr(self, name)]
