"""How well the two images of each RGB-IR pair line up, and which pairs
are near-duplicates of their neighbour.

Alignment: both images are downscaled (longest side ``max_side``) and
turned into edge maps (Sobel magnitude of the blurred grey image); the
centre of the IR edge map is matched against the RGB edge map at every
shift up to ``max_shift`` (normalised cross-correlation). An aligned pair
matches best at shift (0, 0). Near-duplicates: a 64-bit difference hash of
the RGB image close to that of the previous pair of the source (sorted by
name). A pair that cannot be scored (undecodable, too small for the
shifts, or two images that decode at different sizes, e.g. one turned by
its EXIF orientation) is flagged ``unreadable`` with the ``reason``.
"""
from collections.abc import Iterable, Sequence

import cv2
import numpy as np
from PIL import Image

#: Columns of a score row, in CSV order.
COLUMNS = ('source', 'name', 'rgb', 'ir', 'shift_x', 'shift_y', 'shift_px',
           'match_at_zero', 'match_best', 'duplicate_of', 'hash_distance',
           'flags', 'reason')
#: What makes a pair unscorable: OpenCV's and Pillow's decoding errors and
#: the checks of :func:`best_shift` and :func:`read_reduced`.
SCORE_ERRORS = (OSError, ValueError, cv2.error)
#: OpenCV read flags per reduction factor.
REDUCED_COLOR = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2,
                 4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}
REDUCED_GREY = {1: cv2.IMREAD_GRAYSCALE, 2: cv2.IMREAD_REDUCED_GRAYSCALE_2,
                4: cv2.IMREAD_REDUCED_GRAYSCALE_4,
                8: cv2.IMREAD_REDUCED_GRAYSCALE_8}


def edge_map(image: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """Sobel edge magnitude of a downscaled grey copy of ``image``.

    Args:
        image (np.ndarray): ``[H, W]`` or BGR ``[H, W, 3]`` uint8.
        max_side (int): Longest side after downscaling (never upscaled).

    Returns:
        tuple: The float32 edge map and the scale applied.
    """
    grey = image if image.ndim == 2 else cv2.cvtColor(image,
                                                      cv2.COLOR_BGR2GRAY)
    scale = min(1.0, max_side / max(grey.shape))
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale,
                          interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(grey.astype(np.float32), (3, 3), 0)
    edges = cv2.magnitude(cv2.Sobel(grey, cv2.CV_32F, 1, 0),
                          cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    return edges, scale


def best_shift(rgb_edges: np.ndarray, ir_edges: np.ndarray,
               max_shift: int) -> tuple[int, int, float, float]:
    """The shift of the IR content relative to the RGB content.

    Args:
        rgb_edges (np.ndarray): Edge map of the RGB image.
        ir_edges (np.ndarray): Edge map of the IR image, same size.
        max_shift (int): Largest shift tried, in edge-map pixels.

    Returns:
        tuple: ``(dx, dy, match_best, match_at_zero)``: the IR content
        lies ``dx`` pixels right of and ``dy`` below the RGB content; the
        normalised correlations at that shift and at (0, 0).
    """
    if rgb_edges.shape != ir_edges.shape:
        raise ValueError(f'edge maps differ in size: {rgb_edges.shape} vs '
                         f'{ir_edges.shape}')
    m = max_shift
    if min(ir_edges.shape) <= 2 * m:
        raise ValueError(f'images of {ir_edges.shape} are too small for '
                         f'shifts up to {m}; lower max_shift')
    scores = cv2.matchTemplate(rgb_edges, ir_edges[m:-m, m:-m],
                               cv2.TM_CCOEFF_NORMED)
    scores = np.nan_to_num(scores, nan=0.0, posinf=0.0, neginf=0.0)
    y, x = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return m - int(x), m - int(y), float(scores[y, x]), float(scores[m, m])


def difference_hash(image: np.ndarray) -> int:
    """64-bit difference hash of ``image`` (grey or BGR)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image,
                                                      cv2.COLOR_BGR2GRAY)
    small = cv2.resize(grey, (9, 8), interpolation=cv2.INTER_AREA)
    bits = (small[:, 1:] > small[:, :-1]).ravel()
    return int(sum(1 << i for i, bit in enumerate(bits) if bit))


def read_reduced(path: str, color: bool, max_side: int) -> tuple[
        np.ndarray, int]:
    """Decode ``path`` at 1/2, 1/4 or 1/8 size when its longest side stays
    at least ``max_side`` (JPEG decodes this much faster).

    Returns:
        tuple: The BGR (``color``) or grey image and the reduction factor.
    """
    with Image.open(path) as image:
        longest = max(image.size)
    factor = max(f for f in (1, 2, 4, 8) if f == 1 or longest >= f * max_side)
    flags = REDUCED_COLOR if color else REDUCED_GREY
    image = cv2.imread(path, flags[factor])
    if image is None:
        raise ValueError(f'cannot decode image {path}')
    return image, factor


def score_pair(rgb_path: str, ir_path: str, max_side: int = 128,
               max_shift: int = 8) -> dict:
    """Alignment and hash of one pair.

    Args:
        rgb_path (str): The RGB image.
        ir_path (str): The IR image (same size).
        max_side (int): Longest side of the edge maps. Defaults to 128.
        max_shift (int): Largest shift tried, in edge-map pixels.
            Defaults to 8.

    Returns:
        dict: ``shift_x``, ``shift_y`` (original pixels), ``shift_map``
        (edge-map pixels, Chebyshev), ``match_best``, ``match_at_zero``,
        ``hash``.
    """
    rgb, factor = read_reduced(rgb_path, True, max_side)
    ir, _ = read_reduced(ir_path, False, max_side)
    (rgb_edges, scale), (ir_edges, _) = (edge_map(rgb, max_side),
                                         edge_map(ir, max_side))
    dx, dy, best, zero = best_shift(rgb_edges, ir_edges, max_shift)
    scale /= factor
    return {'shift_x': round(dx / scale, 1), 'shift_y': round(dy / scale, 1),
            'shift_map': max(abs(dx), abs(dy)), 'match_best': best,
            'match_at_zero': zero, 'hash': difference_hash(rgb)}


def score_or_reason(rgb_path: str, ir_path: str, max_side: int = 128,
                    max_shift: int = 8) -> dict:
    """:func:`score_pair`, or ``{'reason': ...}`` naming the pair when it
    cannot be scored (see :data:`SCORE_ERRORS`)."""
    try:
        return score_pair(rgb_path, ir_path, max_side, max_shift)
    except SCORE_ERRORS as error:
        return {'reason': f'{rgb_path}, {ir_path}: {error}'}


def readable(rows: Sequence[dict]) -> list[dict]:
    """The rows that were scored (no ``reason``)."""
    return [row for row in rows if 'reason' not in row]


def flag_pairs(rows: Sequence[dict], tolerance: int = 1,
               min_gain: float = 0.05, min_match: float = 0.1,
               max_hash_distance: int = 4) -> None:
    """Add ``duplicate_of``, ``hash_distance``, ``shift_px`` and ``flags``
    to every row (in place).

    A pair is ``weak_match`` when its edge maps correlate below
    ``min_match`` at every shift (little structure, e.g. a dark frame, or
    unrelated images); otherwise ``misaligned`` when its best shift
    exceeds ``tolerance`` edge-map pixels and matches clearly better (by
    ``min_gain``) than no shift. It is a ``near_duplicate`` when its hash
    is within ``max_hash_distance`` bits of the previous pair's of its
    source. A row with a ``reason`` (:func:`score_or_reason`) is only
    flagged ``unreadable``, and the next pair is compared with the one
    before it.

    Args:
        rows (Sequence[dict]): Rows of :func:`score_or_reason` plus
            ``source`` and ``name``, sorted by source and name.
        tolerance (int): Defaults to 1.
        min_gain (float): Defaults to 0.05.
        min_match (float): Defaults to 0.1.
        max_hash_distance (int): Defaults to 4.
    """
    previous = None
    for row in rows:
        if 'reason' in row:
            row['flags'] = 'unreadable'
            continue
        same_source = previous is not None and (
            previous['source'] == row['source'])
        distance = (bin(row['hash'] ^ previous['hash']).count('1')
                    if same_source else None)
        weak = row['match_best'] < min_match
        flags = {'weak_match': weak,
                 'misaligned': not weak and row['shift_map'] > tolerance and
                 row['match_best'] - row['match_at_zero'] >= min_gain,
                 'near_duplicate': distance is not None and
                 distance <= max_hash_distance}
        row.update(
            duplicate_of=previous['name'] if flags['near_duplicate'] else '',
            hash_distance='' if distance is None else distance,
            shift_px=round(float(np.hypot(row['shift_x'], row['shift_y'])),
                           1),
            flags=' '.join(flag for flag, on in flags.items() if on))
        previous = row


def summarize(rows: Sequence[dict]) -> dict[str, dict]:
    """Per source: pairs, unreadable, misaligned, weak matches,
    near-duplicates, median shift (px) and median best match of the
    readable pairs (None when there is none)."""
    summary = {}
    for source in dict.fromkeys(row['source'] for row in rows):
        every = [row for row in rows if row['source'] == source]
        mine = readable(every)
        summary[source] = {
            'pairs': len(every),
            'unreadable': len(every) - len(mine),
            'misaligned': sum('misaligned' in r['flags'] for r in mine),
            'weak_match': sum('weak_match' in r['flags'] for r in mine),
            'near_duplicates': sum('near_duplicate' in r['flags']
                                   for r in mine),
            'median_shift_px': median(r['shift_px'] for r in mine),
            'median_match': median(r['match_best'] for r in mine)}
    return summary


def median(values: Iterable[float]) -> float | None:
    """The median of ``values`` to 3 decimals; None when empty."""
    values = list(values)
    return round(float(np.median(values)), 3) if values else None


def worst_first(rows: Sequence[dict]) -> list[dict]:
    """Readable rows ordered from the worst aligned: flagged misaligned
    first, then by shift, then by the weakest match."""
    return sorted(readable(rows),
                  key=lambda r: ('misaligned' not in r['flags'],
                                 -r['shift_px'], r['match_best']))


def pair_panel(row: dict, cell: tuple[int, int] = (128, 160)) -> np.ndarray:
    """One BGR row of the report: RGB, IR, and the two edge maps overlaid
    (RGB edges red, IR edges green, yellow where they agree), captioned."""
    h, w = cell
    rgb = cv2.resize(cv2.imread(row['rgb'], cv2.IMREAD_COLOR), (w, h))
    ir = cv2.resize(cv2.imread(row['ir'], cv2.IMREAD_GRAYSCALE), (w, h))
    overlay = np.zeros((h, w, 3), np.uint8)
    for channel, image in ((2, rgb), (1, ir)):
        edges, _ = edge_map(image, max(h, w))
        overlay[..., channel] = cv2.normalize(edges, None, 0, 255,
                                              cv2.NORM_MINMAX)
    panel = np.concatenate([rgb, cv2.cvtColor(ir, cv2.COLOR_GRAY2BGR),
                            overlay], axis=1)
    caption = (f"{row['source']}/{row['name']} shift "
               f"({row['shift_x']}, {row['shift_y']}) {row['flags']}")
    band = np.zeros((18, panel.shape[1], 3), np.uint8)
    cv2.putText(band, caption[:70], (3, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                (255, 255, 255), 1, cv2.LINE_AA)
    return np.concatenate([band, panel], axis=0)


def worst_pairs_grid(rows: Sequence[dict], count: int = 16) -> np.ndarray:
    """The :func:`pair_panel` of the ``count`` worst readable pairs,
    stacked (at least one must be readable)."""
    return np.concatenate([pair_panel(r) for r in
                           worst_first(rows)[:count]], axis=0)
