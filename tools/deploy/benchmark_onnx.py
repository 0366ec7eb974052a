"""CPU latency of an exported model: PyTorch eager against ONNX Runtime.

Prints a Markdown table (median and fastest of the timed runs, per engine
and thread count) for one random input of the exported size.

Example:
    python tools/deploy/benchmark_onnx.py CONFIG CKPT model.onnx \\
        --threads 1 2
"""
import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='fine-tuning config')
    parser.add_argument('checkpoint', help='its trained checkpoint')
    parser.add_argument('onnx', help='the file export_onnx.py wrote')
    parser.add_argument('--shape', type=int, nargs=2, metavar=('H', 'W'),
                        help='the exported input size (default: as '
                        'export_onnx.py chooses it)')
    parser.add_argument('--batch', type=int, default=1,
                        help='images per call (segmentors only)')
    parser.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--runs', type=int, default=10)
    args = parser.parse_args()
    # torch and the stack load after the arguments parse: --help is instant
    import torch

    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.deploy.benchmark import format_table, latency
    from univ_mm.deploy.onnx_export import (
        build_graph,
        default_image_size,
        load_model,
    )
    use_safe_checkpoints()
    shape = tuple(args.shape or default_image_size(args.config))
    graph = build_graph(load_model(args.config, args.checkpoint), shape)
    image = torch.rand(args.batch, 3, *shape) * 255
    rows = latency(graph, args.onnx, image, args.threads, args.warmup,
                   args.runs)
    print(f'input {list(image.shape)}, {args.runs} runs after '
          f'{args.warmup} warm-up, torch {torch.__version__}')
    print(format_table(rows))


if __name__ == '__main__':
    main()
