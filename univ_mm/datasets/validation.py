"""Check image files when a dataset is built, not mid-epoch.

Used by datasets whose items are groups of pixel-aligned files (an RGB/IR
pair, an image and its label map): each file must be readable and complete,
and all files of a group must have the same size.
"""
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar

from univ_mm.image_codecs.inspection import (
    CHECK_MODES,
    DECODERS,
    group_problem,
)

T = TypeVar('T')


def find_bad_groups(groups: Sequence[Sequence[str]], mode: str = 'header',
                    expected_sizes: Sequence[tuple[int, int]] | None = None,
                    num_threads: int = 8,
                    decoder: str = 'cv2') -> dict[int, str]:
    """Check every group (threads, since this is I/O bound).

    Args:
        groups: File paths that must be readable and of one size.
        mode (str): ``'header'``, ``'full'`` or ``'none'`` (see
            :func:`~univ_mm.image_codecs.inspection.inspect_image`).
            Defaults to 'header'.
        expected_sizes: ``(h, w)`` per group stated by annotations.
            Defaults to None.
        num_threads (int): Parallel readers. Defaults to 8.
        decoder (str): How training decodes the files, one of
            :data:`DECODERS`. Defaults to 'cv2'.

    Returns:
        dict[int, str]: Index of each bad group and why it is bad.
    """
    if mode not in CHECK_MODES:
        raise ValueError(f'check mode must be one of {CHECK_MODES}, got '
                         f'{mode!r}')
    if decoder not in DECODERS:
        raise ValueError(f'decoder must be one of {DECODERS}, got '
                         f'{decoder!r}')
    if mode == 'none':
        return {}
    sizes = expected_sizes or [None] * len(groups)
    with ThreadPoolExecutor(num_threads) as pool:
        reasons = pool.map(lambda paths, size: group_problem(
            paths, mode, size, decoder), groups, sizes)
        return {i: r for i, r in enumerate(reasons) if r}


def find_bad_items(groups: Sequence[Sequence[str]], mode: str, dataset: str,
                   expected_sizes: Sequence[tuple[int, int]] | None = None,
                   chunk: int = 1000, decoder: str = 'cv2') -> dict[int, str]:
    """:func:`find_bad_groups` with a log line and a progress bar.

    Args:
        groups: File paths of each item.
        mode (str): ``'header'``, ``'full'`` or ``'none'``.
        dataset (str): Name used in the log line.
        expected_sizes: ``(h, w)`` per item stated by annotations.
            Defaults to None.
        chunk (int): Items checked between progress updates.
            Defaults to 1000.
        decoder (str): One of :data:`DECODERS`. Defaults to 'cv2'.

    Returns:
        dict[int, str]: Index of each bad item and why it is bad.
    """
    if mode == 'none' or not groups:
        return find_bad_groups(groups, mode)
    MMLogger.get_current_instance().info(
        f'{dataset}: checking the images of {len(groups)} items ({mode!r}; '
        'check_images=\'none\' skips this)')
    sizes = expected_sizes or [None] * len(groups)
    progress = ProgressBar(len(groups), file=sys.stdout)
    bad = {}
    for start in range(0, len(groups), chunk):
        part = slice(start, start + chunk)
        bad.update({start + i: reason for i, reason in find_bad_groups(
            groups[part], mode, sizes[part], decoder=decoder).items()})
        progress.update(len(groups[part]))
    print()
    return bad


def on_rank_zero(fn: Callable[[], T]) -> T:
    """Run ``fn`` on rank 0 only and give every rank its result.

    Outside distributed runs this is ``fn()``. An error raised on rank 0 is
    raised on every rank, so none waits forever.
    """
    outcome: list = [None]
    if is_main_process():
        try:
            outcome = [fn()]
        except Exception as err:  # re-raised on every rank below
            outcome = [err]
    broadcast_object_list(outcome)
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


def drop_or_raise(items: list, bad: dict[int, str], skip: bool,
                  dataset: str, fix: str) -> list:
    """Raise on bad items, or drop them and log how many and which.

    Args:
        items (list): The data list.
        bad (dict[int, str]): From :func:`find_bad_groups`.
        skip (bool): Drop instead of raising.
        dataset (str): Name used in messages.
        fix (str): What the user can do, appended to the error.
    """
    if not bad:
        return items
    listing = '\n  '.join(bad[i] for i in sorted(bad)[:50])
    more = f'\n  ... and {len(bad) - 50} more' if len(bad) > 50 else ''
    summary = (f'{dataset}: {len(bad)} of {len(items)} items are unusable:'
               f'\n  {listing}{more}')
    if not skip:
        raise ValueError(f'{summary}\n{fix}')
    MMLogger.get_current_instance().warning(f'{summary}\nskipped them.')
    return [item for i, item in enumerate(items) if i not in bad]


class CheckedDatasetMixin:
    """Adds build-time file checks to an MMEngine dataset class.

    Put it first among the bases; the dataset's ``load_data_list`` passes
    its list through :meth:`_checked`; :attr:`IMAGE_DECODER` says how its
    pipelines decode the files (one of :data:`DECODERS`). Rank 0 checks,
    with a progress bar, and shares what it found with the other ranks.
    Remote files (``data_root`` with ``://``) are not checked.

    Args:
        check_images (str): ``'header'`` (readable, complete, the files of
            an item of one size, and decodable by :attr:`IMAGE_DECODER` as
            far as the header tells), ``'full'`` (also decoded by it) or
            ``'none'``. Defaults to 'header'.
        skip_bad_items (bool): Drop bad items and log how many and which,
            instead of raising. Defaults to False.
        **kwargs: Arguments of the dataset class.
    """

    IMAGE_DECODER = 'cv2'

    def __init__(self, *args, check_images: str = 'header',
                 skip_bad_items: bool = False, **kwargs) -> None:
        self.check_images = check_images
        self.skip_bad_items = skip_bad_items
        super().__init__(*args, **kwargs)

    def _checked(self, data_list: list, groups: Sequence[Sequence[str]],
                 fix: str, expected_sizes=None) -> list:
        """``data_list`` without its bad items, or an error naming them.

        An item's ``ir_path`` (the thermal twin of an RGB-T pair) is
        checked with the item's files, in the same pass.

        Args:
            data_list (list): The data list.
            groups: The files of each item.
            fix (str): What the user can do, appended to the error.
            expected_sizes: ``(h, w)`` per item stated by annotations.
                Defaults to None.

        Returns:
            list: The good items.
        """
        name = type(self).__name__
        groups = [(*files, item['ir_path']) if 'ir_path' in item else files
                  for files, item in zip(groups, data_list, strict=True)]
        remote = '://' in str(getattr(self, 'data_root', None) or '')
        mode = 'none' if remote else self.check_images
        bad = on_rank_zero(lambda: find_bad_items(
            groups, mode, name, expected_sizes, decoder=self.IMAGE_DECODER))
        return drop_or_raise(data_list, bad, self.skip_bad_items, name, fix)
