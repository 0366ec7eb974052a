"""The best edge-map shift recovers a known displacement."""
import cv2
import numpy as np
import pytest

from univ_mm.preparation.pair_quality import (
    best_shift,
    edge_map,
    flag_pairs,
    read_reduced,
    score_or_reason,
    score_pair,
)


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


def blocks(seed: int, shape: tuple[int, int]) -> np.ndarray:
    """Random bright blocks on a dark grey image."""
    rng = np.random.default_rng(seed)
    image = np.full(shape, 40, np.uint8)
    for _ in range(40):
        y, x = rng.integers(0, shape[0] - 40), rng.integers(0, shape[1] - 40)
        image[y:y + rng.integers(20, 80), x:x + rng.integers(20, 80)] = (
            rng.integers(80, 255))
    return image


def test_score_pair_reports_original_pixels_from_a_reduced_decode(tmp_path):
    scene = blocks(1, (532, 680))
    rgb, ir = scene[10:522, 20:660], 255 - scene[10:522, 10:650]  # dx = 10
    cv2.imwrite(str(tmp_path / 'rgb.jpg'), cv2.merge([rgb, rgb, rgb]))
    cv2.imwrite(str(tmp_path / 'ir.jpg'), ir)
    _, factor = read_reduced(str(tmp_path / 'rgb.jpg'), True, 128)
    assert factor == 4  # 640 px wide: decoded at 160 px
    score = score_pair(str(tmp_path / 'rgb.jpg'), str(tmp_path / 'ir.jpg'))
    assert abs(score['shift_x'] - 10) <= 5 and score['shift_y'] == 0
    assert score['shift_map'] == 2


def test_weak_match_is_not_judged_for_shift():
    rows = [dict(source='S', name=n, hash=h, shift_x=20.0, shift_y=0.0,
                 shift_map=4, match_best=best, match_at_zero=0.0)
            for n, h, best in (('a', 0, 0.05), ('b', 2 ** 40 - 1, 0.5))]
    flag_pairs(rows)
    assert [r['flags'] for r in rows] == ['weak_match', 'misaligned']


def test_unreadable_pair_is_flagged_and_skipped_by_the_hash_chain(tmp_path):
    tiny = tmp_path / 'tiny.png'
    cv2.imwrite(str(tiny), np.zeros((1, 1), np.uint8))
    unreadable = score_or_reason(str(tiny), str(tiny))
    assert 'too small' in unreadable['reason'] and str(tiny) in (
        unreadable['reason'])
    rows = [dict(source='S', name='a', hash=0, shift_x=0.0, shift_y=0.0,
                 shift_map=0, match_best=0.5, match_at_zero=0.5),
            dict(source='S', name='b', **unreadable),
            dict(source='S', name='c', hash=0, shift_x=0.0, shift_y=0.0,
                 shift_map=0, match_best=0.5, match_at_zero=0.5)]
    flag_pairs(rows)
    assert [r['flags'] for r in rows] == ['', 'unreadable', 'near_duplicate']
    assert rows[2]['duplicate_of'] == 'a'
