"""MVIP-sized JPEG pairs with natural-image texture, for input benchmarks.

JPEG decoding cost grows with what the entropy coder has to read, so flat
synthetic scenes would flatter a decoder. These pairs are 1/f noise (the
power spectrum of natural images) with a little sensor grain, saved as
JPEG at quality 90 with 4:2:0 chroma: about 115 KB per 640x512 RGB image
and 60 KB per IR image, stored as 3-channel grey JPEG as FLIR's are.
"""
import os
import os.path as osp

import numpy as np
from PIL import Image

#: Source folder name of the generated pairs inside the data root.
SOURCE = 'TEXTURED'


def pink_noise(rng: np.random.Generator, shape: tuple[int, int],
               channels: int, exponent: float, grain: float) -> np.ndarray:
    """uint8 ``(H, W, channels)`` noise whose spectrum falls as 1/f^e.

    The channels share most of their noise, as the colour channels of a
    photograph do.
    """
    height, width = shape
    freq = np.hypot(np.fft.fftfreq(height)[:, None],
                    np.fft.rfftfreq(width)[None, :])
    freq[0, 0] = 1.0
    shared = rng.standard_normal(shape)
    layers = []
    for _ in range(channels):
        white = 0.7 * shared + 0.3 * rng.standard_normal(shape)
        layer = np.fft.irfft2(np.fft.rfft2(white) / freq**exponent, s=shape)
        layers.append((layer - layer.mean()) / layer.std())
    image = np.stack(layers, -1) * 40 + 128
    image += rng.normal(0, grain, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def write_textured_pairs(data_root: str, num_pairs: int,
                         shape: tuple[int, int] = (512, 640),
                         seed: int = 0) -> list[dict]:
    """Write JPEG pairs in the MVIP layout under ``data_root/TEXTURED``.

    Args:
        data_root (str): Folder to write into.
        num_pairs (int): Pairs to write.
        shape (tuple[int, int]): ``(H, W)``. Defaults to (512, 640).
        seed (int): Seed of the textures. Defaults to 0.

    Returns:
        list[dict]: ``dict(rgb_path, ir_path)`` per pair.
    """
    rng = np.random.default_rng(seed)
    pairs = []
    for index in range(num_pairs):
        paths = {key: osp.join(data_root, SOURCE, folder, 'training',
                               f'{index:06d}.jpg')
                 for key, folder in (('rgb_path', 'vi_images'),
                                     ('ir_path', 'images'))}
        rgb = pink_noise(rng, shape, 3, exponent=1.3, grain=2.0)
        ir = np.repeat(pink_noise(rng, shape, 1, exponent=1.5, grain=1.0),
                       3, axis=-1)
        for key, image in (('rgb_path', rgb), ('ir_path', ir)):
            os.makedirs(osp.dirname(paths[key]), exist_ok=True)
            Image.fromarray(image).save(paths[key], quality=90)
        pairs.append(paths)
    return pairs
