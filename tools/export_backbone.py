"""Merge the LoRA student of a UNIV checkpoint into a plain ViT checkpoint.

ConvMAE students are written under the ConvMAE release's names
(``patch_embed1.proj.weight``, ``blocks3.10.attn.qkv.weight``, ...).

Example:
    python tools/export_backbone.py work_dirs/x/epoch_400.pth univ_vit-b.pth
"""
import argparse

from univ_mm.utils.checkpoint import use_safe_checkpoints
from univ_mm.utils.export import export_backbone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint', help='UNIV training checkpoint')
    parser.add_argument('out', help='output plain backbone checkpoint')
    parser.add_argument('--config', help='training config (default: the '
                        'one stored in the checkpoint)')
    args = parser.parse_args()
    use_safe_checkpoints()
    path = export_backbone(args.checkpoint, args.out, args.config)
    print(f'merged backbone written to {path}')


if __name__ == '__main__':
    main()
