"""Convert a merged UNIV backbone to the formats other libraries read.

The input is a merged export: ``univ_backbone_iter_N.pth`` of pre-training
or the output of ``tools/export_backbone.py`` (a training checkpoint is
refused: merge it first). Formats: ``timm`` (one ``.safetensors``),
``hf`` (a ``transformers.ViTModel.save_pretrained`` folder), both for the
ViT; ``convmae-release`` (the ConvMAE release's ``dict(model=...)``). A
model card ``OUT.card.json`` (how to load it, run, sha256) is written next
to it.

Example:
    python tools/deploy/convert_backbone.py univ_backbone_iter_N.pth \\
        univ_vit-b.safetensors --format timm \\
        --config configs/pretrain/univ_vit-b_mvip.py
"""
import argparse

FORMATS = ('timm', 'hf', 'convmae-release')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('export', help='merged backbone export (.pth)')
    parser.add_argument('out', help='.safetensors (timm), folder (hf) or '
                        '.pth (convmae-release)')
    parser.add_argument('--format', required=True, choices=FORMATS)
    parser.add_argument('--config', help='pre-training config, for the '
                        'card\'s teacher, data and schedule')
    args = parser.parse_args()
    # torch and the stack load after the arguments parse: --help is instant
    from univ_mm.deploy.backbone_export import convert_backbone
    out, card = convert_backbone(args.export, args.out, args.format,
                                 args.config)
    print(f'{out} written ({args.format}); model card {card}')


if __name__ == '__main__':
    main()
