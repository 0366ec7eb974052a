"""Export a trained UNIV segmentor or detector to ONNX and check it.

The graph takes float32 pixels (0-255, channels as the test pipeline loads
them, resized and padded to the exported size) and applies the model's own
normalisation. Segmentors: ``image [B, 3, H, W] -> logits [B, K, H, W]``,
any batch. Faster R-CNN: ``image [1, 3, H, W] -> boxes [N, 4], scores [N],
labels [N]``. ONNX Runtime's outputs are compared with PyTorch's on random
images; the figures go to the model card ``OUT.card.json``.

Example:
    python tools/deploy/export_onnx.py CONFIG work_dirs/x/iter_N.pth \\
        --out work_dirs/x/model.onnx --shape 512 512
"""
import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='fine-tuning config')
    parser.add_argument('checkpoint', help='its trained checkpoint')
    parser.add_argument('--out', required=True, help='the .onnx file')
    parser.add_argument('--shape', type=int, nargs=2, metavar=('H', 'W'),
                        help='input size (default: the config\'s crop '
                        'size, or its square padding)')
    parser.add_argument('--checks', type=int, default=3,
                        help='random images compared under ONNX Runtime')
    args = parser.parse_args()
    # torch and the stack load after the arguments parse: --help is instant
    import json

    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.deploy.onnx_export import default_image_size, export_onnx
    use_safe_checkpoints()
    shape = tuple(args.shape or default_image_size(args.config))
    card = export_onnx(args.config, args.checkpoint, args.out, shape,
                       args.checks)
    print(f'{args.out} written; largest ONNX Runtime - PyTorch '
          f'differences: {json.dumps(card["parity"])}')


if __name__ == '__main__':
    main()
