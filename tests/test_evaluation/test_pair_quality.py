"""The best edge-map shift recovers a known displacement."""
import numpy as np
import pytest

from univ_mm.evaluation.pair_quality import best_shift, edge_map


@pytest.mark.parametrize('dy, dx', [(0, 0), (5, -10), (-10, 5)])
def test_best_shift_finds_displacement_on_downscaled_maps(dy, dx):
    rng = np.random.default_rng(0)
    scene = np.zeros((300, 380), np.uint8)
    for _ in range(30):
        y, x = rng.integers(0, 280), rng.integers(0, 360)
        scene[y:y + rng.integers(10, 50), x:x + rng.integers(10, 50)] = (
            rng.integers(60, 255))
    rgb = scene[20:276, 20:340]  # 256 x 320
    ir = 255 - scene[20 - dy:276 - dy, 20 - dx:340 - dx]
    (rgb_edges, scale), (ir_edges, _) = edge_map(rgb, 128), edge_map(ir, 128)
    assert scale == 0.4
    sx, sy, best, zero = best_shift(rgb_edges, ir_edges, max_shift=8)
    assert abs(sx / scale - dx) <= 2.5 and abs(sy / scale - dy) <= 2.5
    assert best >= zero
