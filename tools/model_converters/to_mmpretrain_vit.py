"""Convert a ViT checkpoint of timm, Hugging Face or a release to MMPretrain.

The same conversion that ``UNIVVisionTransformer`` runs when its
``init_cfg.checkpoint`` points at such a file, written to disk: a
``dict(state_dict=..., meta=...)`` with MMPretrain ``VisionTransformer``
names and no prefix. The position embedding keeps the source's grid (the
model resizes it when loading).

Example:
    python tools/model_converters/to_mmpretrain_vit.py \
        dinov2_vitb14_pretrain.pth dinov2-b_mmpretrain.pth
"""
import argparse


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='.pth/.bin/.safetensors file, '
                        'save_pretrained folder or URL')
    parser.add_argument('dst', help='output .pth')
    parser.add_argument('--prefix', help='which ViT to take when SRC holds '
                        "several (e.g. 'teacher.')")
    args = parser.parse_args(argv)
    # torch loads after the arguments parse: --help is instant
    from univ_mm.checkpoint import save_merged_backbone
    from univ_mm.models.backbones.pretrained import (
        convert_vit,
        read_checkpoint,
        summarise_keys,
    )
    vit = convert_vit(read_checkpoint(args.src), args.src, args.prefix)
    path = save_merged_backbone(
        vit.state_dict, args.dst,
        meta=dict(source=args.src, source_format=vit.format.name))
    print(f'{args.src}: {vit.description}')
    print(f'left out {len(vit.dropped)} keys: {summarise_keys(vit.dropped)}')
    print(f'{len(vit.state_dict)} weights written to {path}')
    return vit.state_dict


if __name__ == '__main__':
    main()
