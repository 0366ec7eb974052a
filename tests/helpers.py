"""Tiny model configs that build in milliseconds on CPU."""
#: A 2-layer ViT small enough for unit tests.
TINY_ARCH = dict(embed_dims=32, num_layers=2, num_heads=2,
                 feedforward_channels=64)


def tiny_vit(**overrides) -> dict:
    """Config of a tiny ``UNIVVisionTransformer`` on 32x32 inputs."""
    return dict(type='UNIVVisionTransformer', arch=TINY_ARCH, img_size=32,
                patch_size=8, out_type='featmap', **overrides)


def tiny_univ(**overrides) -> dict:
    """Config of a tiny UNIV model: LoRA student, random teacher."""
    cfg = dict(type='UNIV', backbone=tiny_vit(lora_cfg=dict(lora_dropout=0)),
               teacher=tiny_vit())
    cfg.update(overrides)
    return cfg


def assert_only_init_differs(twin_path, univ_path) -> None:
    """A baseline twin config equals its UNIV config but for the backbone's
    ``init_cfg``, which is the UNIV one updated with the twin's baseline
    (``<init>_vit_b`` of ``configs/seg/_base_/baseline_inits.py``)."""
    from mmengine.config import Config
    twin, univ = Config.fromfile(twin_path), Config.fromfile(univ_path)
    init = twin_path.name.split('_')[1].split('-')[0]
    assert twin.model.backbone.init_cfg == dict(
        univ.model.backbone.init_cfg, **twin[f'{init}_vit_b'])
    twin, univ = twin.to_dict(), univ.to_dict()
    twin['model']['backbone'].pop('init_cfg')
    univ['model']['backbone'].pop('init_cfg')
    assert {k: v for k, v in twin.items() if not k.endswith('_vit_b')} == univ
