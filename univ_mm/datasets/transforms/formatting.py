"""Packing of RGB-infrared pairs into model inputs."""
from collections.abc import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement

from univ_mm.registry import TRANSFORMS

#: What the data preprocessor needs to decode a pair on the device.
DEVICE_META_KEYS = {'crop_bbox', 'img_shape'}


def image_to_tensor(img: np.ndarray) -> torch.Tensor:
    """Turn an ``(H, W)`` or ``(H, W, C)`` array into a ``(C, H, W)`` tensor.

    Exactly one copy is made (the transposition to channels-first, which
    also resolves the negative strides of a flipped view); the result is
    wrapped by ``torch.from_numpy`` (mmcv's ``to_tensor`` is over 20x slower
    here).

    Args:
        img (np.ndarray): The image.

    Returns:
        torch.Tensor: Contiguous tensor of shape ``(C, H, W)``, same dtype.
    """
    if img.ndim == 2:
        img = img[..., None]
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))


@TRANSFORMS.register_module()
class PackPairedInputs(BaseTransform):
    """Pack an RGB-infrared pair for the UNIV data preprocessor.

    Required keys: ``img``, ``ir_img``. The output is
    ``dict(inputs=dict(rgb=..., ir=...), data_samples=...)`` where ``rgb``
    is a ``(3, H, W)`` and ``ir`` a ``(C, H, W)`` tensor in the loaded dtype
    (uint8) and channel order (BGR; the data preprocessor converts and
    normalises), and ``data_samples`` is a
    :class:`mmengine.structures.BaseDataElement` whose metainfo holds those
    of ``meta_keys`` that are present in the results. With
    ``decode_on_device`` set, ``rgb`` and ``ir`` are the JPEG files' bytes
    instead, and the metainfo must hold ``crop_bbox`` and ``img_shape``
    for the data preprocessor (and ``flip_direction`` to flip).

    Args:
        meta_keys (Sequence[str]): Keys copied into the metainfo. Defaults
            to ('sample_idx', 'rgb_path', 'ir_path', 'source', 'pair_name',
            'ori_shape', 'img_shape', 'crop_bbox', 'flip',
            'flip_direction').
    """

    def __init__(self,
                 meta_keys: Sequence[str] = (
                     'sample_idx', 'rgb_path', 'ir_path', 'source',
                     'pair_name', 'ori_shape', 'img_shape', 'crop_bbox',
                     'flip', 'flip_direction')) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        """Pack the images into tensors and the metadata into a sample.

        Args:
            results (dict): Holds ``img``, ``ir_img`` and metadata.

        Returns:
            dict: ``inputs`` (``rgb``, ``ir`` tensors) and ``data_samples``.
        """
        sample = self._sample(results)
        if results.get('decode_on_device'):
            missing = DEVICE_META_KEYS - set(sample.metainfo_keys())
            if missing:
                raise KeyError(
                    f'{self.__class__.__name__}: decoding on the device needs '
                    f'{sorted(missing)} in the metainfo; add them to '
                    f'meta_keys, and PairedRandomResizedCrop to the '
                    f'pipeline.')
            encoded = results['encoded']
            return {'inputs': {'rgb': encoded['img'].data,
                               'ir': encoded['ir_img'].data},
                    'data_samples': sample}
        missing = [k for k in ('img', 'ir_img') if k not in results]
        if missing:
            raise KeyError(f'{self.__class__.__name__} needs {missing}; '
                           f'put LoadPairedImages earlier in the pipeline.')
        inputs = {'rgb': image_to_tensor(results['img']),
                  'ir': image_to_tensor(results['ir_img'])}
        return {'inputs': inputs, 'data_samples': sample}

    def _sample(self, results: dict) -> BaseDataElement:
        """A data sample whose metainfo holds the ``meta_keys`` present.

        The values are set as they are: ``BaseDataElement(metainfo=...)``
        would deep-copy them (20-30 us per pair), but they are the
        pipeline's own and unused after packing.
        """
        sample = BaseDataElement()
        for key in self.meta_keys:
            if key in results:
                sample.set_field(results[key], key, field_type='metainfo')
        return sample

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
