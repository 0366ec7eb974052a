"""Command-line arguments shared by the tools.

Only argparse and MMEngine's config module: a tool builds its parser from
these and answers ``--help`` before torch loads.
"""
import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from mmengine.config import DictAction

#: The flag of :func:`add_partial_load_argument`.
ALLOW_PARTIAL_FLAG = '--allow-partial-load'


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--cfg-options``, ``--launcher`` and rank."""
    parser.add_argument('--work-dir', help='where logs and outputs go')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. train_dataloader.batch_size=16')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def add_partial_load_argument(parser: argparse.ArgumentParser) -> None:
    """Add the flag that lets a tool run on a partially loaded model."""
    parser.add_argument(
        ALLOW_PARTIAL_FLAG, action='store_true',
        help='run even if the checkpoint does not fill the model (missing, '
        'unexpected or reshaped keys): only for a partial load on purpose')


def add_drop_modality_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--drop-modality`` (an RGB-T model evaluated with one camera)."""
    parser.add_argument(
        '--drop-modality', choices=['rgb', 'ir'],
        help='evaluate an RGB-T config (model.backbone of type '
        'RGBTFusionBackbone) as if that camera were lost; the work dir '
        'defaults to work_dirs/<config>_<modality>-lost')


def parse_converter_args(
        doc: str, default_out: str, argv: Sequence[str] | None = None,
        add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
) -> argparse.Namespace:
    """The command line of every dataset converter.

    ``[LEADING...] DATASET_PATH [-o OUT_DIR] [OPTIONS]``: the folder of the
    official download, and the output folder, by default where the
    configs read it (``default_out``).

    Args:
        doc (str): The converter's module docstring (first line = help).
        default_out (str): Output folder when ``-o`` is not given;
            ``{dataset_path}`` in it stands for ``DATASET_PATH``.
        argv (Sequence[str], optional): Arguments. Defaults to None
            (``sys.argv``).
        add_arguments (Callable, optional): Adds the converter's own
            arguments; its positionals come before ``DATASET_PATH``.
            Defaults to None.

    Returns:
        argparse.Namespace: ``dataset_path`` (an existing folder),
        ``out_dir`` (a Path) and the converter's own arguments.

    Raises:
        FileNotFoundError: ``DATASET_PATH`` does not exist.
    """
    parser = argparse.ArgumentParser(
        description=doc.splitlines()[0],
        epilog='\n'.join(doc.splitlines()[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    if add_arguments is not None:
        add_arguments(parser)
    parser.add_argument('dataset_path', type=Path,
                        help='folder of the official download')
    parser.add_argument('-o', '--out-dir', type=Path,
                        help=f'output folder (default: {default_out})')
    args = parser.parse_args(argv)
    if not args.dataset_path.exists():
        raise FileNotFoundError(
            f'dataset folder not found: {args.dataset_path}. Pass the folder '
            'of the official download.')
    args.out_dir = args.out_dir or Path(default_out.format(
        dataset_path=args.dataset_path))
    return args
