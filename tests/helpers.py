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
