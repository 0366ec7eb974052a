"""Pictures of PCCL: a pair, a query patch's pseudo pairs, PCA colours.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmengine.visualization import Visualizer
from torch import Tensor

from univ_mm.registry import VISUALIZERS


def pca_colours(reference: Tensor, *others: Tensor,
                grid: tuple[int, int]) -> list[np.ndarray]:
    """Colour patch tokens by the top-3 principal components of a reference.

    Tokens are L2-normalised (PCCL compares cosines), centred on the
    reference mean and projected on the reference's first three principal
    axes; each axis is mapped to a colour channel with the reference's 1st
    and 99th percentiles as black and full. Tokens that land where the
    reference tokens of the same place are therefore get the same colour.

    Args:
        reference (Tensor): Reference tokens ``[N, C]``, e.g. teacher RGB.
        *others (Tensor): Tokens ``[N, C]`` coloured in the same basis.
        grid (tuple[int, int]): Patch grid ``(h, w)``, ``h * w = N``.

    Returns:
        list[np.ndarray]: RGB uint8 ``(h, w, 3)`` maps, reference first.
    """
    tokens = [F.normalize(t.detach().float().cpu(), dim=-1)
              for t in (reference, *others)]
    mean = tokens[0].mean(dim=0)
    basis = torch.linalg.svd(tokens[0] - mean, full_matrices=False)[2][:3].T
    projected = [(t - mean) @ basis for t in tokens]
    low = projected[0].quantile(0.01, dim=0)
    high = projected[0].quantile(0.99, dim=0)
    return [((p - low) / (high - low).clamp_min(1e-6)).clamp(0, 1).mul(
        255).round().byte().reshape(*grid, -1).numpy() for p in projected]


@VISUALIZERS.register_module()
class PCCLVisualizer(Visualizer):
    """MMEngine visualiser that draws what PCCL pre-training does.

    Every ``draw_*`` method returns an RGB uint8 picture made of labelled
    panels; :meth:`add_image` sends a picture to every vis backend of the
    visualiser (local PNGs, TensorBoard, ...).

    Args:
        name (str): Instance name. Defaults to 'visualizer'.
        scale (int): Nearest-neighbour upscaling of the (small) images and
            patch maps before drawing. Defaults to 4.
        **kwargs: Arguments of :class:`mmengine.visualization.Visualizer`
            (``vis_backends``, ``save_dir``...).
    """

    def __init__(self, name: str = 'visualizer', scale: int = 4,
                 **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        self.scale = scale

    def _shape(self, size: tuple[int, ...]) -> tuple[int, int]:
        """Drawing shape ``(h, w)`` of an image of ``size`` (h, w, ...)."""
        return size[0] * self.scale, size[1] * self.scale

    def _panels(self, panels: dict[str, np.ndarray],
                shape: tuple[int, int]) -> np.ndarray:
        """Resize panels to ``shape`` (h, w), title them, join them left to
        right with a white gap."""
        height, width = shape
        drawn = []
        for title, image in panels.items():
            image = np.ascontiguousarray(image)
            if image.ndim == 2:
                image = np.repeat(image[..., None], 3, axis=-1)
            self.set_image(cv2.resize(image, (width, height),
                                      interpolation=cv2.INTER_NEAREST))
            self.draw_texts(title, np.array([3, 3]), colors='white',
                            font_sizes=max(8, height // 14),
                            bboxes=dict(facecolor='black', alpha=0.6,
                                        pad=1, edgecolor='none'))
            drawn += [self.get_image(), np.full((height, 4, 3), 255,
                                                np.uint8)]
        return np.concatenate(drawn[:-1], axis=1)

    def draw_pair(self, rgb: np.ndarray, ir: np.ndarray) -> np.ndarray:
        """RGB ``(H, W, 3)`` and IR ``(H, W)`` or ``(H, W, 3)`` side by
        side (RGB channel order, uint8)."""
        return self._panels({'RGB': rgb, 'IR': ir}, self._shape(rgb.shape))

    def draw_pseudo_pairs(self, rgb: np.ndarray, attention: Tensor,
                          pairs: Tensor, grid: tuple[int, int],
                          query: int) -> np.ndarray:
        """One query patch, the teacher's attention and its pseudo pairs.

        Args:
            rgb (np.ndarray): RGB uint8 image ``(H, W, 3)``.
            attention (Tensor): The query's row of the head-averaged
                teacher attention, ``[N]``.
            pairs (Tensor): The query's row of the pseudo-pair mask, ``[N]``.
            grid (tuple[int, int]): Patch grid ``(h, w)``.
            query (int): Index of the query patch (row-major).

        Returns:
            np.ndarray: Panels 'attention' and 'pseudo pairs', the query
            patch boxed in red on both.
        """
        height, width = self._shape(rgb.shape)
        image = cv2.resize(rgb, (width, height))
        cell = (height / grid[0], width / grid[1])
        row, col = divmod(query, grid[1])
        box = np.array([col * cell[1], row * cell[0], (col + 1) * cell[1],
                        (row + 1) * cell[0]])
        patches = F.interpolate(attention.float().cpu().reshape(1, 1, *grid),
                                size=(height, width), mode='nearest')[0]
        heat = self.draw_featmap(patches, image,
                                 channel_reduction='squeeze_mean', alpha=0.5)
        mask = cv2.resize(pairs.reshape(grid).cpu().numpy().astype(np.uint8),
                          (width, height), interpolation=cv2.INTER_NEAREST)
        self.set_image(image)
        self.draw_binary_masks(mask.astype(bool), colors='lime', alphas=0.5)
        panels = {}
        for title, picture in (('teacher attention', heat), (
                f'pseudo pairs ({int(pairs.sum())})', self.get_image())):
            self.set_image(picture)
            self.draw_bboxes(box, edge_colors='red', line_widths=2)
            panels[title] = self.get_image()
        return self._panels(panels, (height, width))

    def draw_pca(self, maps: dict[str, np.ndarray],
                 size: tuple[int, int]) -> np.ndarray:
        """PCA colour maps (see :func:`pca_colours`) as titled panels, drawn
        at the size of an image of ``size`` (h, w)."""
        return self._panels(maps, self._shape(size))
