"""Merge the LoRA student of a UNIV checkpoint into a plain ViT checkpoint.

ConvMAE students are written under the ConvMAE release's names
(``patch_embed1.proj.weight``, ``blocks3.10.attn.qkv.weight``, ...).

The adapters are merged on the checkpoint's tensors; nothing is built. Of
the training config (``--config``, or the text the checkpoint stores, read
as literals and never executed) only data is used: the backbone type, which
must be one of the project's (``UNIVVisionTransformer``, ``UNIVConvMAE``),
its ``arch`` and the ``lora_cfg`` numbers.

Example:
    python tools/export_backbone.py work_dirs/x/epoch_400.pth univ_vit-b.pth
"""
import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint', help='UNIV training checkpoint')
    parser.add_argument('out', help='output plain backbone checkpoint')
    parser.add_argument('--config', help='training config (default: the '
                        'one stored in the checkpoint, read as literals)')
    args = parser.parse_args()
    # torch and the stack load after the arguments parse: --help is instant
    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.utils.export import export_backbone
    use_safe_checkpoints()
    path = export_backbone(args.checkpoint, args.out, args.config)
    print(f'merged backbone written to {path}')


if __name__ == '__main__':
    main()
