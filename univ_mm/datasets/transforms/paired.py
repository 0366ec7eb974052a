"""Geometric transforms that move several aligned images together."""
import bisect
from collections.abc import Sequence

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform, RandomFlip
from mmcv.transforms.utils import cache_randomness

from univ_mm.image_codecs.decoding import decode_box, resample_box
from univ_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PairedRandomResizedCrop(BaseTransform):
    """Crop one random box out of every aligned image, then resize it.

    This is the paired augmentation of the UNIV release: draw one side
    fraction ``s ~ U(side_range)``, take a box of ``round(s * H)`` by
    ``round(s * W)`` pixels (the aspect ratio of the image is kept), place
    it uniformly at random, cut the *same* box out of every key and resize
    it to ``scale`` (output pixel centres spread evenly over the box, see
    :func:`~univ_mm.image_codecs.decoding.resample_box`). Random
    numbers come from NumPy's global generator, so MMEngine's seeding makes
    them reproducible.

    The images are either decoded already or still ``encoded``
    (``LoadPairedImages(decode='crop')``): then the box is drawn from the
    header's ``ori_shape`` with the same random numbers, and each image is
    decoded around the box only, at the smallest JPEG scale (1, 1/2, 1/4,
    1/8) at which the box is still at least ``scale``. With
    ``decode_on_device`` set, only the box is drawn; the data preprocessor
    decodes and resamples it.

    Required keys: ``keys`` (or ``encoded`` and ``ori_shape``). Modified
    keys: ``keys``, ``img_shape``. Added keys: ``crop_bbox`` (``x1, y1, x2,
    y2`` in pixels of the input, ``x2`` and ``y2`` exclusive: the crop is
    ``img[y1:y2, x1:x2]``).

    Args:
        scale (int | tuple[int, int]): Output size, an int for a square or
            ``(w, h)`` as in :func:`mmcv.imresize`. Defaults to 224.
        side_range (tuple[float, float]): Range of the side fraction ``s``.
            Defaults to (0.4, 1.0).
        keys (Sequence[str]): Images to crop with the same box. They must
            share height and width. Defaults to ('img', 'ir_img').
        interpolation (str): Interpolation of :func:`mmcv.imresize`.
            Defaults to 'bilinear'.
    """

    def __init__(self,
                 scale: int | tuple[int, int] = 224,
                 side_range: tuple[float, float] = (0.4, 1.0),
                 keys: Sequence[str] = ('img', 'ir_img'),
                 interpolation: str = 'bilinear') -> None:
        self.scale = (scale, scale) if isinstance(scale, int) else tuple(
            scale)
        if len(self.scale) != 2 or min(self.scale) < 1:
            raise ValueError(f'scale must be a positive int or (w, h), '
                             f'got {scale!r}')
        low, high = side_range
        if not 0 < low <= high <= 1:
            raise ValueError(f'side_range must satisfy 0 < low <= high <= 1, '
                             f'got {side_range!r}')
        self.side_range = (float(low), float(high))
        self.keys = tuple(keys)
        self.interpolation = interpolation

    @cache_randomness
    def _random_box(self, height: int, width: int) -> tuple[int, ...]:
        """Draw a crop box ``(x1, y1, x2, y2)`` for an image of this size."""
        side = np.random.uniform(*self.side_range)
        crop_h = min(height, max(1, round(float(side) * height)))
        crop_w = min(width, max(1, round(float(side) * width)))
        y1 = np.random.randint(0, height - crop_h + 1)
        x1 = np.random.randint(0, width - crop_w + 1)
        return x1, y1, x1 + crop_w, y1 + crop_h

    def _common_size(self, results: dict) -> tuple[int, int]:
        """Height and width shared by all keys; raise when they differ."""
        if 'encoded' in results:  # LoadPairedImages checked the headers
            return results['ori_shape']
        missing = [k for k in self.keys if k not in results]
        if missing:
            raise KeyError(f'{self.__class__.__name__}: keys {missing} are '
                           f'not in the results; set `keys` accordingly.')
        sizes = {k: results[k].shape[:2] for k in self.keys}
        if len(set(sizes.values())) > 1:
            raise ValueError(f'{self.__class__.__name__}: images must be '
                             f'aligned but have sizes (H, W) {sizes}.')
        return sizes[self.keys[0]]

    def transform(self, results: dict) -> dict:
        """Crop and resize every key with one shared random box.

        Args:
            results (dict): Holds the images named by ``keys``, or their
                ``encoded`` bytes.

        Returns:
            dict: ``results`` with the images replaced (with
            ``decode_on_device``: still encoded), ``img_shape`` set to
            ``(h, w)`` of the output and ``crop_bbox`` added.
        """
        box = self._random_box(*self._common_size(results))
        results['img_shape'] = self.scale[::-1]
        results['crop_bbox'] = box
        if results.get('decode_on_device'):
            return results
        encoded = results.pop('encoded', None)
        for key in self.keys:
            if encoded is None:
                results[key] = resample_box(results[key], box, self.scale,
                                            interpolation=self.interpolation)
            else:
                results[key] = decode_box(encoded[key], box, self.scale,
                                          self.interpolation)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.scale}, '
                f'side_range={self.side_range}, keys={self.keys}, '
                f'interpolation={self.interpolation!r})')


@TRANSFORMS.register_module()
class PairedRandomFlip(RandomFlip):
    """:class:`mmcv.transforms.RandomFlip` that also flips aligned images.

    The flip decision and direction are drawn once, as ``RandomFlip``
    draws them, and applied to ``img`` (and boxes, maps... as
    ``RandomFlip`` does) and to every key of ``extra_keys``. With
    ``decode_on_device`` set, only the decision is recorded (``flip``,
    ``flip_direction``); the data preprocessor flips the decoded images.

    Args:
        prob (float | list[float]): Flip probability, as in ``RandomFlip``.
            Defaults to 0.5.
        direction (str | list[str]): Flip direction(s), as in
            ``RandomFlip``. Defaults to 'horizontal'.
        extra_keys (Sequence[str]): Images flipped together with ``img``.
            Defaults to ('ir_img',).
        **kwargs: Other arguments of ``RandomFlip``.
    """

    def __init__(self,
                 prob: float | Sequence[float] = 0.5,
                 direction: str | Sequence[str] = 'horizontal',
                 extra_keys: Sequence[str] = ('ir_img',),
                 **kwargs) -> None:
        super().__init__(prob=prob, direction=direction, **kwargs)
        if 'img' in extra_keys:
            raise ValueError("extra_keys must not hold 'img': RandomFlip "
                             "already flips it.")
        self.extra_keys = tuple(extra_keys)
        # RandomFlip's choices (None: no flip) and their probabilities
        choices = ([self.direction] if isinstance(self.direction, str) else
                   list(self.direction)) + [None]
        if isinstance(self.prob, list):
            probs = self.prob + [1 - sum(self.prob)]
        else:
            probs = [self.prob / (len(choices) - 1)] * (len(choices) - 1) + [
                1 - self.prob]
        cdf = np.cumsum(probs)
        self._choices, self._cdf = choices, (cdf / cdf[-1]).tolist()

    @cache_randomness
    def _choose_direction(self) -> str | None:
        """``RandomFlip._choose_direction`` without the 15 us of
        ``np.random.choice``: the same single uniform draw from NumPy's
        global generator, found in the same cumulative distribution (as
        ``searchsorted(side='right')``), so the same direction."""
        return self._choices[bisect.bisect_right(self._cdf,
                                                 np.random.random_sample())]

    def _flip(self, results: dict) -> None:
        """Flip ``img`` (and annotations), then every extra key."""
        if results.get('decode_on_device'):
            return
        super()._flip(results)
        for key in self.extra_keys:
            results[key] = mmcv.imflip(
                results[key], direction=results['flip_direction'])

    def __repr__(self) -> str:
        return f'{super().__repr__()[:-1]}, extra_keys={self.extra_keys})'
