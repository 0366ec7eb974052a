"""A procedural RGB-infrared world written in the MVIP layout.

Every scene is drawn once as a map of *parts* (a car body, its wheels, a
window...). Each part has a class, an RGB colour that is random per
instance and depends on the lighting, and a thermal intensity that is set
by its class (warm people and engines, cold sky). The RGB and infrared (IR)
images are looked up from the same part map, so the pair is pixel-aligned,
and a per-pixel class map comes for free; boxes are cut around the visible
pixels of every object, so an occluded object's box covers what is seen.
"""
import math
import os
import os.path as osp
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import mmengine
import numpy as np
from mmengine.logging import MMLogger

from univ_mm.preparation.voc_coco import CocoBuilder

CLASSES = ('sky', 'road', 'building', 'tree', 'person', 'car')
# 8-bit IR intensity of each class by (day, night).
THERMAL = {'sky': (45, 20), 'road': (125, 80), 'building': (110, 100),
           'tree': (90, 65), 'person': (200, 210), 'car': (140, 115),
           'engine': (235, 240)}
#: Classes whose objects get boxes (sky and road are "stuff").
THINGS = ('building', 'tree', 'person', 'car')
MIN_BOX_PIXELS = 4
MANIFEST = 'synthetic_mvip.json'
SPLIT = 'training'
LABELS, SPLITS, ANNOTATIONS = 'labels', 'splits', 'annotations'
SPLIT_NAMES = ('train', 'val')


@dataclass
class Scene:
    """One rendered scene.

    Attributes:
        rgb (np.ndarray): BGR uint8 image, ``(H, W, 3)``.
        ir (np.ndarray): IR uint8 image, ``(H, W)``.
        class_map (np.ndarray): Index into :data:`CLASSES`, ``(H, W)``.
        object_map (np.ndarray): Object id of every pixel, ``(H, W)``;
            ``object_classes[id]`` is its class index.
        object_classes (np.ndarray): Class index of every object.
    """
    rgb: np.ndarray
    ir: np.ndarray
    class_map: np.ndarray
    object_map: np.ndarray
    object_classes: np.ndarray


class _Canvas:
    """Part map plus the table of parts drawn on it."""

    def __init__(self, rng: np.random.Generator, size: tuple[int, int],
                 night: bool) -> None:
        self.rng, self.night = rng, night
        self.height, self.width = size
        self.parts = np.zeros(size, np.uint16)
        self.table: list[tuple] = []  # (class, object, bgr, thermal, glow)
        self.num_objects = 0

    def new_object(self) -> int:
        self.num_objects += 1
        return self.num_objects - 1

    def part(self, cls: str, obj: int, color=None, thermal: str = '',
             glow: bool = False) -> int:
        """Register a part; its colour is random unless given."""
        if color is None:
            color = self.rng.uniform(25, 235, 3)
        heat = THERMAL[thermal or cls][int(self.night)]
        heat += self.rng.normal(0, 6)
        self.table.append((CLASSES.index(cls), obj, color, heat, glow))
        return len(self.table) - 1


def _draw_background(cv: _Canvas, horizon: int) -> None:
    """Sky above the horizon, road below it."""
    sky = cv.part('sky', cv.new_object(), cv.rng.uniform(
        (150, 110, 60), (250, 200, 150)))
    road = cv.part('road', cv.new_object(), cv.rng.uniform(60, 140) +
                   cv.rng.uniform(-10, 10, 3))
    cv.parts[:horizon] = sky
    cv.parts[horizon:] = road


def _draw_building(cv: _Canvas, horizon: int) -> None:
    """A block standing on the horizon with a grid of windows."""
    obj, h, w = cv.new_object(), cv.height, cv.width
    bw, bh = int(w * cv.rng.uniform(0.1, 0.3)), int(h * cv.rng.uniform(
        0.15, 0.45))
    x0 = int(cv.rng.uniform(-0.1, 0.95) * w)
    cv2.rectangle(cv.parts, (x0, horizon - bh), (x0 + bw, horizon + 2),
                  cv.part('building', obj), -1)
    step = max(4, bw // 4)
    for wy in range(horizon - bh + 3, horizon - 4, step):
        for wx in range(x0 + 2, x0 + bw - 3, step):
            lit = cv.night and cv.rng.random() < 0.5
            color = (90, 220, 250) if lit else cv.rng.uniform(20, 80, 3)
            cv2.rectangle(cv.parts, (wx, wy), (wx + step // 2, wy + step // 2),
                          cv.part('building', obj, color, glow=lit), -1)


def _draw_tree(cv: _Canvas, horizon: int) -> None:
    """A trunk and a round canopy near the horizon."""
    obj, h = cv.new_object(), cv.height
    x, base = int(cv.rng.uniform(0, cv.width)), horizon + int(
        cv.rng.uniform(0, 0.08) * h)
    trunk_h, radius = int(0.12 * h), max(3, int(0.08 * h))
    cv2.rectangle(cv.parts, (x - 1, base - trunk_h), (x + 1, base),
                  cv.part('tree', obj), -1)
    cv2.circle(cv.parts, (x, base - trunk_h - radius // 2), radius,
               cv.part('tree', obj), -1)


def _draw_car(cv: _Canvas, x: int, base: int, f: float) -> None:
    """A car (body, cabin, wheels, hot engine, headlight), ``f`` = scale."""
    obj = cv.new_object()
    cw, ch = int(0.35 * cv.width * f), max(4, int(0.18 * cv.height * f))
    body = cv.part('car', obj)
    cv2.rectangle(cv.parts, (x, base - int(0.6 * ch)), (x + cw, base), body,
                  -1)
    cv2.rectangle(cv.parts, (x + cw // 5, base - ch),
                  (x + 3 * cw // 4, base - int(0.6 * ch)),
                  cv.part('car', obj, cv.rng.uniform(20, 90, 3)), -1)
    front = x + cw - cw // 5 if cv.rng.random() < 0.5 else x
    cv2.rectangle(cv.parts, (front, base - int(0.5 * ch)),
                  (front + cw // 5, base - int(0.2 * ch)),
                  cv.part('car', obj, thermal='engine'), -1)
    light = (200, 240, 255) if cv.night else cv.rng.uniform(150, 230, 3)
    cv2.rectangle(cv.parts, (front, base - int(0.55 * ch)),
                  (front + max(1, cw // 12), base - int(0.45 * ch)),
                  cv.part('car', obj, light, glow=cv.night), -1)
    for wx in (x + cw // 5, x + 4 * cw // 5):
        cv2.circle(cv.parts, (wx, base), max(1, ch // 6),
                   cv.part('car', obj, cv.rng.uniform(10, 40, 3)), -1)


def _draw_person(cv: _Canvas, x: int, base: int, f: float) -> None:
    """A standing person (body, head), ``f`` = scale."""
    obj, ph = cv.new_object(), max(6, int(0.4 * cv.height * f))
    cv2.ellipse(cv.parts, (x, base - int(0.4 * ph)),
                (max(1, int(0.15 * ph)), int(0.4 * ph)), 0, 0, 360,
                cv.part('person', obj), -1)
    cv2.circle(cv.parts, (x, base - int(0.87 * ph)), max(1, int(0.1 * ph)),
               cv.part('person', obj, cv.rng.uniform(60, 200, 3)), -1)


def _smooth_field(rng: np.random.Generator, size: tuple[int, int],
                  amplitude: float) -> np.ndarray:
    """Low-frequency random field of shape ``size``."""
    coarse = rng.normal(0, amplitude, (4, 5)).astype(np.float32)
    return cv2.resize(coarse, size[::-1], interpolation=cv2.INTER_CUBIC)


def _shade(cv: _Canvas) -> tuple[np.ndarray, np.ndarray]:
    """Turn the part map into an RGB and an IR image."""
    rng, size = cv.rng, cv.parts.shape
    colors = np.array([p[2] for p in cv.table], np.float32)
    glow = np.array([p[4] for p in cv.table])
    light = rng.uniform(0.15, 0.3) if cv.night else rng.uniform(0.85, 1.1)
    tint = np.array((1.3, 1.0, 0.8) if cv.night else (1.0, 1.0, 1.0))
    colors[~glow] *= light * tint
    rgb = colors[cv.parts] * (1 + _smooth_field(rng, size, 0.12))[..., None]
    rgb += rng.normal(0, 7 if cv.night else 3, rgb.shape)
    heat = np.array([p[3] for p in cv.table], np.float32)[cv.parts]
    heat = cv2.GaussianBlur(heat, (0, 0), 0.8) + _smooth_field(rng, size, 6)
    heat += rng.normal(0, 2, (1, size[1])) + rng.normal(0, 2.5, size)
    return (np.clip(rgb, 0, 255).round().astype(np.uint8),
            np.clip(heat, 0, 255).round().astype(np.uint8))


def render_scene(rng: np.random.Generator, size: tuple[int, int] = (128, 160),
                 night: bool = False) -> Scene:
    """Render one random street scene as an aligned RGB-IR pair.

    Args:
        rng (np.random.Generator): Source of all randomness.
        size (tuple[int, int]): ``(H, W)``. Defaults to (128, 160).
        night (bool): Night lighting. Defaults to False.

    Returns:
        Scene: The images, the class map and the object map.
    """
    cv = _Canvas(rng, size, night)
    horizon = int(size[0] * rng.uniform(0.35, 0.55))
    _draw_background(cv, horizon)
    for _ in range(rng.integers(2, 6)):
        _draw_building(cv, horizon)
    for _ in range(rng.integers(1, 5)):
        _draw_tree(cv, horizon)
    movers = [(rng.uniform(0.1, 1.0), rng.random() < 0.5)
              for _ in range(rng.integers(2, 8))]
    for depth, is_car in sorted(movers):
        base = horizon + int(depth * (size[0] - horizon))
        x = int(rng.uniform(-0.1, 0.95) * size[1])
        (_draw_car if is_car else _draw_person)(cv, x, base,
                                                0.25 + 0.75 * depth)
    rgb, ir = _shade(cv)
    part_cls = np.array([p[0] for p in cv.table], np.uint8)
    part_obj = np.array([p[1] for p in cv.table], np.int32)
    obj_cls = np.zeros(cv.num_objects, np.uint8)
    obj_cls[part_obj] = part_cls
    return Scene(rgb, ir, part_cls[cv.parts], part_obj[cv.parts], obj_cls)


def scene_boxes(scene: Scene, min_pixels: int = MIN_BOX_PIXELS) -> list[dict]:
    """Boxes around the *visible* pixels of every object of a thing class.

    Args:
        scene (Scene): A rendered scene.
        min_pixels (int): Objects with fewer visible pixels (for example
            fully occluded ones) get no box. Defaults to MIN_BOX_PIXELS.

    Returns:
        list[dict]: ``object_id``, ``category`` (a name of :data:`THINGS`),
        ``bbox`` (COCO ``[x, y, w, h]``, tight around the visible pixels)
        and ``area`` (visible pixel count), in object order.
    """
    boxes = []
    for obj in np.unique(scene.object_map):
        name = CLASSES[scene.object_classes[obj]]
        if name not in THINGS:  # stuff (sky, road) is never boxed
            continue
        ys, xs = np.nonzero(scene.object_map == obj)
        if len(ys) < min_pixels:
            continue
        x0, y0 = int(xs.min()), int(ys.min())
        boxes.append(dict(object_id=int(obj), category=name, area=len(ys),
                          bbox=[x0, y0, int(xs.max()) - x0 + 1,
                                int(ys.max()) - y0 + 1]))
    return boxes


def _plan(num_pairs: int, sources: Sequence[str]) -> dict[str, list[str]]:
    """File names per source: pairs split evenly, remainder to the first."""
    per, extra = divmod(num_pairs, len(sources))
    return {s: [f'{s.lower()}_{i:06d}.png' for i in range(per + (k < extra))]
            for k, s in enumerate(sources)}


def _pair_paths(out_dir: str, source: str, name: str) -> tuple[str, str]:
    """RGB and IR paths of one pair in the MVIP layout."""
    return (osp.join(out_dir, source, 'vi_images', SPLIT, name),
            osp.join(out_dir, source, 'images', SPLIT, name))


def _label_path(out_dir: str, source: str, name: str) -> str:
    """Class-map path of one pair (shared by both modalities)."""
    return osp.join(out_dir, source, LABELS, SPLIT, name)


def _split_of(plan: dict[str, list[str]],
              val_fraction: float) -> dict[str, list[tuple[str, str]]]:
    """``(source, name)`` per split: the last ``ceil(n * val_fraction)``
    names of each source are held out, at least one stays in training."""
    split = {'train': [], 'val': []}
    for source, names in plan.items():
        n_val = min(len(names) - 1, math.ceil(len(names) * val_fraction))
        split['train'] += [(source, n) for n in names[:len(names) - n_val]]
        split['val'] += [(source, n) for n in names[len(names) - n_val:]]
    return split


def _outputs(out_dir: str, params: dict) -> list[str]:
    """Every file a run with ``params`` writes, manifest excluded."""
    plan = _plan(params['num_pairs'], params['sources'])
    labels = params.get('with_labels', False)
    paths = [p for s, names in plan.items() for n in names
             for p in (*_pair_paths(out_dir, s, n),
                       *([_label_path(out_dir, s, n)] if labels else []))]
    paths += [osp.join(out_dir, SPLITS, f'{s}.txt') for s in SPLIT_NAMES]
    if labels:
        paths += [osp.join(out_dir, ANNOTATIONS, f'{s}_{m}.json')
                  for s in SPLIT_NAMES for m in ('rgb', 'ir')]
    return paths


def _read_manifest(out_dir: str) -> dict:
    """The manifest of an earlier run, or an empty dict."""
    try:
        manifest = mmengine.load(osp.join(out_dir, MANIFEST))
        return manifest if isinstance(manifest, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_manifest(out_dir: str, params: dict, complete: bool) -> None:
    """Record the parameters of the set being (or having been) written."""
    mmengine.dump({
        'generator': 'univ_mm.synthetic.world.generate_synthetic_mvip',
        'complete': complete, 'classes': CLASSES, 'things': THINGS,
        'params': params}, osp.join(out_dir, MANIFEST), indent=1)


def _is_complete(out_dir: str, params: dict) -> bool:
    """Whether ``out_dir`` holds every file of a run made with ``params``."""
    manifest = _read_manifest(out_dir)
    return manifest.get('complete') is True and manifest.get(
        'params') == params and all(map(osp.isfile,
                                        _outputs(out_dir, params)))


def _remove_previous(out_dir: str) -> None:
    """Delete the files of the run recorded in the manifest, finished or
    not, so that no stale pair survives a change of parameters."""
    try:
        paths = _outputs(out_dir, _read_manifest(out_dir)['params'])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return
    for path in filter(osp.isfile, paths):
        os.remove(path)


def _coco(out_dir: str, split: list[tuple[str, str]], boxes: dict,
          modality: int, size: tuple[int, int]) -> dict:
    """COCO-style detection annotations of one split and modality; a box's
    ``area`` is its object's visible pixel count."""
    coco = CocoBuilder(THINGS)
    for source, name in split:
        path = _pair_paths(out_dir, source, name)[modality]
        image_id = coco.add_image(osp.relpath(path, out_dir), width=size[1],
                                  height=size[0], source=source)
        for box in boxes[source, name]:
            coco.add_box(image_id, box['category'], box['bbox'],
                         area=box['area'])
    return coco.to_dict()


def _write_splits(out_dir: str, params: dict, plan: dict[str, list[str]],
                  boxes: dict) -> None:
    """Pair lists (MVIPDataset ``ann_file``) and, with labels, COCO files
    per split."""
    for split, pairs in _split_of(plan, params['val_fraction']).items():
        lines = [' '.join(osp.relpath(p, out_dir) for p in _pair_paths(
            out_dir, s, n)) for s, n in pairs]
        os.makedirs(osp.join(out_dir, SPLITS), exist_ok=True)
        with open(osp.join(out_dir, SPLITS, f'{split}.txt'), 'w') as f:
            f.write(''.join(f'{line}\n' for line in lines))
        for modality, key in enumerate(('rgb', 'ir') if boxes else ()):
            mmengine.dump(
                _coco(out_dir, pairs, boxes, modality, params['image_size']),
                osp.join(out_dir, ANNOTATIONS, f'{split}_{key}.json'),
                indent=1)


def _write_pairs(out_dir: str, params: dict,
                 plan: dict[str, list[str]]) -> None:
    """Render and write every pair of ``plan`` (and its labels) under a
    manifest that says whether the set is complete."""
    _write_manifest(out_dir, params, complete=False)
    boxes = {}
    for k, (source, names) in enumerate(plan.items()):
        for i, name in enumerate(names):
            rng = np.random.default_rng([params['seed'], k, i])
            scene = render_scene(rng, tuple(params['image_size']),
                                 night='night' in source.lower())
            images = dict(zip(_pair_paths(out_dir, source, name),
                              (scene.rgb, scene.ir), strict=True))
            if params['with_labels']:
                images[_label_path(out_dir, source, name)] = scene.class_map
                boxes[source, name] = scene_boxes(scene)
            for path, image in images.items():
                os.makedirs(osp.dirname(path), exist_ok=True)
                cv2.imwrite(path, image)
    _write_splits(out_dir, params, plan, boxes)
    _write_manifest(out_dir, params, complete=True)


def generate_synthetic_mvip(out_dir: str,
                            num_pairs: int = 256,
                            image_size: tuple[int, int] = (128, 160),
                            sources: Sequence[str] = ('SYNTH_DAY',
                                                      'SYNTH_NIGHT'),
                            seed: int = 0,
                            with_labels: bool = False,
                            val_fraction: float = 0.125) -> dict:
    """Write a synthetic, MVIP-shaped set of aligned RGB-IR pairs.

    RGB images are colour PNGs under ``<source>/vi_images/training`` and IR
    images single-channel PNGs of the same name under
    ``<source>/images/training``. A source whose name contains "night"
    (any case) is lit at night, the others by day. ``splits/train.txt`` and
    ``splits/val.txt`` list the pairs (``rgb_relpath ir_relpath``, the
    ``ann_file`` format of MVIPDataset); the last ``val_fraction`` of each
    source is held out in ``val``. With ``with_labels`` every pair also gets
    a class map (uint8 PNG of indices into :data:`CLASSES`, valid for both
    modalities) under ``<source>/labels/training`` and every split COCO
    boxes of the visible part of each :data:`THINGS` object
    (``annotations/{train,val}_{rgb,ir}.json``, ``file_name`` relative to
    ``out_dir``). For given NumPy and OpenCV versions the files are a pure
    function of the arguments. When ``out_dir`` already holds a complete set
    made with the same arguments (see its ``synthetic_mvip.json``), nothing
    is written; otherwise the set of the previous run is deleted and a new
    one written.

    Args:
        out_dir (str): Output folder (the ``data_root`` of MVIPDataset).
        num_pairs (int): Total number of pairs, split evenly over
            ``sources``. Defaults to 256.
        image_size (tuple[int, int]): ``(H, W)``. Defaults to (128, 160).
        sources (Sequence[str]): Source folder names. Defaults to
            ('SYNTH_DAY', 'SYNTH_NIGHT').
        seed (int): Non-negative random seed. Defaults to 0.
        with_labels (bool): Also write class maps and boxes.
            Defaults to False.
        val_fraction (float): Share of each source held out in
            ``splits/val.txt``, in [0, 1). Defaults to 0.125.

    Returns:
        dict: ``out_dir``, ``pairs`` (count per source), ``num_pairs``,
        ``image_size``, ``seed``, ``splits`` (pairs per split) and
        ``skipped`` (True when nothing was written).
    """
    sources = (sources, ) if isinstance(sources, str) else tuple(sources)
    params = {'num_pairs': int(num_pairs),
              'image_size': [int(v) for v in image_size],
              'sources': list(sources), 'seed': int(seed),
              'with_labels': bool(with_labels),
              'val_fraction': float(val_fraction)}
    if not sources or len(set(sources)) != len(sources):
        raise ValueError(f'sources must be non-empty and unique: {sources}')
    if (num_pairs < len(sources) or min(image_size) < 16 or seed < 0
            or not 0 <= val_fraction < 1):
        raise ValueError(f'need num_pairs >= len(sources), H, W >= 16, '
                         f'seed >= 0 and 0 <= val_fraction < 1; got '
                         f'num_pairs={num_pairs}, image_size={image_size}, '
                         f'seed={seed}, val_fraction={val_fraction}')
    out_dir, plan = osp.abspath(out_dir), _plan(num_pairs, sources)
    splits = _split_of(plan, val_fraction)
    summary = {'out_dir': out_dir,
               'pairs': {s: len(n) for s, n in plan.items()},
               'num_pairs': params['num_pairs'],
               'image_size': tuple(params['image_size']),
               'seed': params['seed'],
               'splits': {k: len(v) for k, v in splits.items()}}
    logger = MMLogger.get_current_instance()
    if _is_complete(out_dir, params):
        logger.info(f'Synthetic MVIP in {out_dir} is already complete for '
                    f'{params}; skipping.')
        return dict(summary, skipped=True)
    _remove_previous(out_dir)
    _write_pairs(out_dir, params, plan)
    logger.info(f'Wrote {num_pairs} synthetic MVIP pairs to {out_dir}.')
    return dict(summary, skipped=False)
