"""Tiny model configs that build in milliseconds on CPU."""
#: The backbone initialisations of the baseline twins.
BASELINE_INITS = 'configs/seg/_base_/baseline_inits.py'
#: A 2-layer ViT small enough for unit tests.
TINY_ARCH = dict(embed_dims=32, num_layers=2, num_heads=2,
                 feedforward_channels=64)


def tiny_vit(**overrides) -> dict:
    """Config of a tiny ``UNIVVisionTransformer`` on 32x32 inputs."""
    return dict(type='UNIVVisionTransformer', arch=TINY_ARCH, img_size=32,
                patch_size=8, out_type='featmap', **overrides)


def train_lora_by_hand(backbone) -> None:
    """Give every ``lora_B`` random weights (PEFT starts them at zero), as
    training would, so that merging LoRA changes the base weights."""
    import torch
    for name, param in backbone.named_parameters():
        if 'lora_B' in name:
            torch.nn.init.normal_(param, std=0.1)


def tiny_univ(**overrides) -> dict:
    """Config of a tiny UNIV model: LoRA student, random teacher."""
    cfg = dict(type='UNIV', backbone=tiny_vit(lora_cfg=dict(lora_dropout=0)),
               teacher=tiny_vit())
    cfg.update(overrides)
    return cfg


def assert_only_init_differs(twin_path, univ_path, init_key=None) -> None:
    """A baseline twin config equals its UNIV config but for the backbone's
    ``init_cfg``, which is the UNIV one updated with the twin's baseline
    (an entry of ``configs/seg/_base_/baseline_inits.py``).

    Args:
        twin_path (Path): The twin config.
        univ_path (Path): The UNIV config it mirrors.
        init_key (str, optional): Its entry of ``baseline_inits.py``.
            Defaults to ``<init>_vit_b``, ``<init>`` read from the twin's
            name.
    """
    from mmengine.config import Config
    twin, univ = Config.fromfile(twin_path), Config.fromfile(univ_path)
    init = twin_path.name.split('_')[1].split('-')[0]
    init_key = init_key or f'{init}_vit_b'
    assert twin.model.backbone.init_cfg == dict(
        univ.model.backbone.init_cfg, **twin[init_key])
    inits = Config.fromfile(BASELINE_INITS).keys()
    twin, univ = twin.to_dict(), univ.to_dict()
    twin['model']['backbone'].pop('init_cfg')
    univ['model']['backbone'].pop('init_cfg')
    assert {k: v for k, v in twin.items() if k not in inits} == univ


def one_camera_configs(folder, pattern: str) -> list:
    """The configs in ``folder`` matching ``pattern``, but the RGB-T ones
    (``*-rgbt-*``: tests/test_*/test_rgbt_*_configs.py)."""
    from pathlib import Path
    return sorted(p for p in Path(folder).glob(pattern)
                  if '-rgbt-' not in p.name)
