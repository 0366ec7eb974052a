"""Convert a merged UNIV backbone export to timm, Hugging Face or the
ConvMAE release's format, with a model card (``tools/deploy/
convert_backbone.py``).
"""
from pathlib import Path

import safetensors.torch
from torch import Tensor

from univ_mm.checkpoint.atomic_io import write_atomically
from univ_mm.checkpoint.safe_io import save_atomically

from .backbone_formats import (
    check_format,
    read_merged_export,
    timm_model_args,
    to_convmae_release,
    to_timm,
    vit_shape,
    write_hf_folder,
)
from .model_card import training_summary, write_card


def _write_timm(state: dict[str, Tensor], meta: dict, out: Path) -> dict:
    """Write the timm ``.safetensors``; return how to load it."""
    name, kwargs = timm_model_args(vit_shape(state, meta))
    data = safetensors.torch.save(to_timm(state))
    write_atomically(out, lambda file: file.write(data))
    call = (f'timm.create_model({name!r}, pretrained=True, '
            f'pretrained_cfg_overlay=dict(file={str(out)!r}), '
            + ', '.join(f'{k}={v!r}' for k, v in kwargs.items()) + ')')
    return dict(library='timm', model_name=name, create_model_kwargs=kwargs,
                load=call)


def _write_hf(state: dict[str, Tensor], meta: dict, out: Path) -> dict:
    """Write the ``save_pretrained`` folder; return how to load it."""
    write_hf_folder(state, vit_shape(state, meta), out)
    return dict(library='transformers', model_class='ViTModel',
                load=f'transformers.ViTModel.from_pretrained({str(out)!r}, '
                'add_pooling_layer=False)')


def _write_release(state: dict[str, Tensor], meta: dict, out: Path) -> dict:
    """Write ``dict(model=...)``; return how to load it."""
    save_atomically(to_convmae_release(state), out)
    return dict(library='univ_mm / ConvMAE release', load=(
        "UNIVConvMAE(arch=..., init_cfg=dict(type='Pretrained', "
        f'checkpoint={str(out)!r}))'))


WRITERS = {'timm': _write_timm, 'hf': _write_hf,
           'convmae-release': _write_release}


def convert_backbone(export: str | Path, out: str | Path, fmt: str,
                     config: str | None = None) -> tuple[Path, Path]:
    """Write the merged backbone ``export`` in format ``fmt`` and its card.

    Args:
        export (str | Path): A merged export (``univ_backbone_iter_N.pth``
            or ``tools/export_backbone.py``'s output).
        out (str | Path): The ``.safetensors`` file (``timm``), folder
            (``hf``) or ``.pth`` file (``convmae-release``) to write.
        fmt (str): ``'timm'``, ``'hf'`` or ``'convmae-release'``.
        config (str, optional): The pre-training config, for the card's
            teacher, data and schedule. Defaults to None (not recorded).

    Returns:
        tuple[Path, Path]: ``out`` and its model card.

    Raises:
        ValueError: ``export`` is not a merged export, or ``fmt`` cannot
            hold its architecture (e.g. timm for a ConvMAE).
    """
    export, out = Path(export), Path(out)
    state, meta = read_merged_export(export)
    check_format(fmt, meta['architecture'], export)
    loading = WRITERS[fmt](state, meta, out)
    card = write_card(
        out, format=fmt, architecture=meta['architecture'],
        arch=meta.get('arch'), source=str(export),
        trained_from=meta.get('source'), iter=meta.get('iter'),
        epoch=meta.get('epoch'), **loading, **training_summary(config))
    return out, card
