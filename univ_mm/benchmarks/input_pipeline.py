"""The pre-training input pipeline against a release-style one, per core.

``tools/analysis/benchmark_pretrain.py CONFIG --pipeline`` calls
:func:`main` (options:
:func:`univ_mm.benchmarks.arguments.add_input_pipeline_arguments`). The
per-core figures are timed in one process on one thread as CPU time of
that thread (:func:`time.thread_time`: what a core spends, robust to other
processes sharing the machine), the contenders taking turns over the same
pairs (rounds, medians). Worker and device rates are
wall-clock.

The release-style reference follows the UNIV release's description: PIL
decodes both images to RGB, one crop box of 40-100 % of each side, PIL
(antialiased bilinear) resize to the output size, one horizontal flip,
to-tensor and normalisation, all on the CPU.
"""
import copy
import io
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence

import cv2
import mmcv
import numpy as np
import torch
import torchvision.transforms.functional as F
from mmcv.transforms import Compose
from mmengine import fileio
from PIL import Image

from univ_mm.benchmarks.profiling import median_seconds
from univ_mm.datasets.transforms import (
    LoadPairedImages,
    PairedRandomFlip,
    PairedRandomResizedCrop,
    image_to_tensor,
)
from univ_mm.image_codecs.decoding import (
    EncodedImage,
    decode,
    decode_box,
    image_size,
    is_jpeg,
    reduction_for,
    resample_box,
)
from univ_mm.models.data_preprocessors.paired_data_preprocessor import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    MVIP_IR_MEAN,
    MVIP_IR_STD,
)
from univ_mm.registry import DATASETS, TRANSFORMS
from univ_mm.synthetic.textured_pairs import (
    SOURCE,
    pink_noise,
    write_textured_pairs,
)

STAGES = ('read', 'decode', 'crop/resize', 'flip', 'pack')
DEVICE_CPU_PART = 'ours, device decode (CPU part)'
EXACT_JPEG = 'ours, fast_jpeg=False'
Stage = Callable[[object], object]


def write_high_entropy_pairs(data_root: str, num_pairs: int,
                             shape: tuple[int, int] = (512, 640),
                             seed: int = 0) -> list[dict]:
    """Write high-entropy JPEG pairs (quality 92) in the layout of
    :func:`~univ_mm.synthetic.textured_pairs.write_textured_pairs`.

    Returns:
        list[dict]: ``dict(rgb_path, ir_path)`` per pair.
    """
    rng = np.random.default_rng(seed)
    pairs = []
    for index in range(num_pairs):
        images = {
            'rgb_path': pink_noise(rng, shape, 3, exponent=0.6, grain=8.0),
            'ir_path': np.repeat(pink_noise(rng, shape, 1, exponent=0.8,
                                            grain=5.6), 3, axis=-1)}
        pair = {}
        for key, folder in (('rgb_path', 'vi_images'), ('ir_path', 'images')):
            path = f'{data_root}/{SOURCE}/{folder}/training/{index:06d}.jpg'
            os.makedirs(os.path.dirname(path), exist_ok=True)
            Image.fromarray(images[key]).save(path, quality=92)
            pair[key] = path
        pairs.append(pair)
    return pairs


def release_style_stages(size: int, side_range: Sequence[float] = (0.4, 1.0)
                         ) -> list[tuple[str, Stage]]:
    """The release-style reference as named stages (``item -> tensors``).

    Args:
        size (int): Output side.
        side_range (Sequence[float]): Crop side fraction range.
            Defaults to (0.4, 1.0).

    Returns:
        list[tuple[str, Callable]]: One function per name of
        :data:`STAGES`, each taking the previous one's output.
    """
    means = [np.array(m) / 255 for m in (IMAGENET_MEAN, MVIP_IR_MEAN)]
    stds = [np.array(s) / 255 for s in (IMAGENET_STD, MVIP_IR_STD)]

    def read(item):
        return [fileio.get(item[k]) for k in ('rgb_path', 'ir_path')]

    def decode_rgb(data):
        return [Image.open(io.BytesIO(d)).convert('RGB') for d in data]

    def crop_resize(images):
        width, height = images[0].size
        side = random.uniform(*side_range)
        crop_h, crop_w = int(height * side), int(width * side)
        top = random.randint(0, height - crop_h)
        left = random.randint(0, width - crop_w)
        return [F.resize(F.crop(im, top, left, crop_h, crop_w),
                         [size, size]) for im in images]

    def flip(images):
        return ([F.hflip(im) for im in images] if random.random() < 0.5
                else images)

    def pack(images):
        return [F.normalize(F.to_tensor(im), m.tolist(), s.tolist())
                for im, m, s in zip(images, means, stds, strict=True)]

    return list(zip(STAGES, (read, decode_rgb, crop_resize, flip, pack),
                    strict=True))


def read_pair(item: dict, fast: bool = False) -> list[EncodedImage]:
    """The RGB and IR files of ``item``, undecoded (``fast``: see
    :class:`EncodedImage`)."""
    return [EncodedImage(fileio.get(item[key]), item[key], gray, fast)
            for key, gray in (('rgb_path', False), ('ir_path', True))]


def our_stages(crop: PairedRandomResizedCrop, flip: PairedRandomFlip,
               fast: bool = False) -> list[tuple[str, Stage]]:
    """Our pipeline's work (``decode='crop'``) cut into the same stages.

    The building blocks of the transforms are called one stage at a time,
    with the transforms' own random draws; ``fast`` is the loading
    transform's ``fast_jpeg``.
    """

    def read(item):
        images = read_pair(item, fast)
        return images, image_size(images[0])

    def decode_stage(read_out):
        images, shape = read_out
        box = crop._random_box(*shape)
        decoded = [decode(im, reduction_for(box, crop.scale), box)
                   for im in images]
        return decoded, box

    def crop_resize(decode_out):
        decoded, box = decode_out
        return [resample_box(pixels, box, crop.scale, reduction,
                             crop.interpolation, origin)
                for pixels, reduction, origin in decoded]

    def flip_images(images):
        direction = flip._choose_direction()
        return [mmcv.imflip(im, direction) for im in images] if direction \
            else images

    def pack(images):
        return [image_to_tensor(im) for im in images]

    return list(zip(STAGES, (read, decode_stage, crop_resize, flip_images,
                             pack), strict=True))


def run_stages(stages: list[tuple[str, Stage]], item: dict,
               times: dict[str, float]) -> None:
    """Run ``item`` through ``stages``, adding each one's seconds."""
    value = item
    for name, stage in stages:
        begin = time.thread_time()
        value = stage(value)
        times[name] += time.thread_time() - begin


def stage_split(contenders: dict[str, list[tuple[str, Stage]]],
                items: list[dict], rounds: int) -> dict[str, dict]:
    """Median seconds per pair of each stage, contenders interleaved."""
    samples = {name: {s: [] for s in STAGES} for name in contenders}
    for _ in range(rounds):
        for name, stages in contenders.items():
            times = dict.fromkeys(STAGES, 0.0)
            for item in items:
                run_stages(stages, item, times)
            for stage, total in times.items():
                samples[name][stage].append(total / len(items))
    return {name: {s: statistics.median(v) for s, v in stages.items()}
            for name, stages in samples.items()}


def pairs_per_second(contenders: dict[str, Callable[[dict], object]],
                     items: list[dict], rounds: int
                     ) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Pairs per CPU second of each contender over ``rounds`` passes of
    ``items``; each round runs every contender once, in turn (the order
    rotates every round).

    Returns:
        tuple[dict, dict]: The median rate of each contender, and its rate
        in every round (for ratios within a round: the contenders of one
        round ran seconds apart, under the same load).
    """
    names = list(contenders)
    per_round: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            begin = time.thread_time()
            for item in items:
                contenders[name](copy.copy(item))
            per_round[name].append(len(items) /
                                   (time.thread_time() - begin))
    return ({name: statistics.median(r) for name, r in per_round.items()},
            per_round)


def with_decode(pipeline: list[dict], mode: str, **options) -> list[dict]:
    """A copy of ``pipeline`` whose ``LoadPairedImages`` decodes ``mode``
    (and takes ``options``)."""
    pipeline = copy.deepcopy(pipeline)
    for step in pipeline:
        if step['type'].split('.')[-1] == LoadPairedImages.__name__:
            step.update(options, decode=mode)
            if mode != 'crop':  # an option of decode='crop' only
                step.pop('fast_jpeg', None)
    return pipeline


def cache_rates(pipeline: list[dict], items: list[dict],
                rounds: int) -> dict[str, float]:
    """Pairs per CPU second with the pixel cache: the first pass (decode
    and write) and the next (memory-mapped reads), medians over ``rounds``
    fresh caches in a temporary folder."""
    rates = {'first pass': [], 'steady state': []}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            transform = Compose(with_decode(pipeline, 'crop',
                                            pixel_cache=folder))
            for passes in rates.values():
                begin = time.thread_time()
                for item in items:
                    transform(copy.copy(item))
                passes.append(len(items) / (time.thread_time() - begin))
    return {name: statistics.median(r) for name, r in rates.items()}


def find_transform(transforms: Sequence, kind: type):
    """The first transform of ``kind`` in a built pipeline."""
    found = [t for t in transforms if isinstance(t, kind)]
    if not found:
        raise ValueError(f'The pipeline has no {kind.__name__}; the '
                         f'pipeline benchmark needs one.')
    return found[0]


def single_thread_rates(pipeline: list[dict], items: list[dict],
                        rounds: int, jpeg: bool) -> dict:
    """Pairs/s on one thread: ours (``pipeline`` as configured), ours with
    full decoding, ours with exact JPEG decoding (when ``pipeline`` sets
    ``fast_jpeg``), the CPU part of the device path (``jpeg`` pairs only),
    release-style; the median over rounds of ours / release-style within a
    round (``paired_speed_up``); and the per-stage split."""
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    transforms = [TRANSFORMS.build(t) for t in pipeline]
    crop = find_transform(transforms, PairedRandomResizedCrop)
    flip = find_transform(transforms, PairedRandomFlip)
    fast = find_transform(transforms, LoadPairedImages).fast_jpeg
    release = release_style_stages(crop.scale[0], crop.side_range)

    def release_pipeline(item):
        run_stages(release, item, dict.fromkeys(STAGES, 0.0))

    contenders = {'ours': Compose(transforms),
                  'ours, full decode': Compose(with_decode(pipeline, 'full')),
                  'release-style': release_pipeline}
    if fast:
        contenders[EXACT_JPEG] = Compose(
            with_decode(pipeline, 'crop', fast_jpeg=False))
    if jpeg:
        contenders[DEVICE_CPU_PART] = Compose(with_decode(pipeline, 'device'))
    rates, per_round = pairs_per_second(contenders, items, rounds)
    paired = statistics.median(
        ours / release for ours, release in zip(
            per_round['ours'], per_round['release-style'], strict=True))
    split = stage_split({'ours': our_stages(crop, flip, fast),
                         'release-style': release}, items, rounds)
    return dict(rates=rates, paired_speed_up=paired, stages=split)


def set_seeds(seed: int) -> None:
    """Seed the generators both pipelines draw from."""
    random.seed(seed)
    np.random.seed(seed)


def psnr(image: np.ndarray, reference: np.ndarray) -> float:
    """Peak signal-to-noise ratio of uint8-range images, in dB."""
    error = np.mean((image.astype(np.float64) - reference)**2)
    return float('inf') if error == 0 else 10 * np.log10(255**2 / error)


def release_style_crop(item: dict, box: Sequence[int], size: int
                       ) -> list[np.ndarray]:
    """The release-style output for a given box, uint8 RGB and IR (the
    mean of the 3 channels the release decodes IR into)."""
    x1, y1, x2, y2 = box
    rgb, ir = [np.asarray(Image.open(item[k]).convert('RGB').crop(
        (x1, y1, x2, y2)).resize((size, size), Image.BILINEAR))
        for k in ('rgb_path', 'ir_path')]
    return [rgb[..., ::-1], ir.mean(-1)]


def fidelity(crop: PairedRandomResizedCrop, items: list[dict],
             fast: bool = False, boxes_per_pair: int = 4) -> dict:
    """Median PSNR (dB) of our outputs (RGB, IR) against the release-style
    ones and against our own exact decoding of the whole image at full
    size, for the same box (every box)."""
    scores = {'release-style': ([], []), 'full decode': ([], [])}
    for item in items * boxes_per_pair:
        images = read_pair(item, fast)
        box = crop._random_box(*image_size(images[0]))
        ours = [decode_box(im, box, crop.scale) for im in images]
        exact = [decode(im._replace(fast=False)).pixels for im in images]
        references = {
            'release-style': release_style_crop(item, box, crop.scale[0]),
            'full decode': [resample_box(pixels, box, crop.scale)
                            for pixels in exact]}
        for name, reference in references.items():
            for index in range(2):
                scores[name][index].append(
                    psnr(ours[index], reference[index]))
    return {name: {'rgb': statistics.median(rgb),
                   'ir': statistics.median(ir), 'boxes': len(rgb)}
            for name, (rgb, ir) in scores.items()}


def device_decode_rate(pipeline: list[dict], items: list[dict],
                       device: str, batch_size: int, rounds: int) -> float:
    """Pairs/s of the data preprocessor's ``decode_on_device`` path
    (decode, resample, flip, normalise) on ``device``, median of
    ``rounds`` passes over ``items`` in batches."""
    from mmengine.dataset import pseudo_collate

    from univ_mm.models.data_preprocessors import PairedDataPreprocessor
    transform = Compose(with_decode(pipeline, 'device'))
    batches = [pseudo_collate([transform(copy.copy(item)) for item in
                               items[i:i + batch_size]])
               for i in range(0, len(items), batch_size)]
    preprocessor = PairedDataPreprocessor(decode_on_device=True).to(device)

    def preprocess_all():
        for batch in batches:
            preprocessor(batch)

    seconds = median_seconds({'decode': preprocess_all}, torch.device(device),
                             warmup=1, repeats=rounds)['decode']
    return len(items) / seconds


def loader_rate(dataloader_cfg: dict, workers: int, batches: int) -> float:
    """Pairs/s a dataloader with ``workers`` processes delivers in steady
    state: timed over ``batches`` after ``2 x workers`` warm-up batches
    (the workers started and their prefetch queue, 2 batches each, filled
    once); time ``batches >= 5 x workers`` so that batches prepared during
    the warm-up weigh little."""
    from mmengine.runner import Runner
    loader = Runner.build_dataloader(
        dict(dataloader_cfg, num_workers=workers, pin_memory=False,
             persistent_workers=workers > 0,
             sampler=dict(type='InfiniteSampler', shuffle=True)), seed=0)
    iterator = iter(loader)
    for _ in range(max(1, 2 * workers)):
        next(iterator)
    begin = time.perf_counter()
    for _ in range(batches):
        next(iterator)
    return batches * loader.batch_size / (time.perf_counter() - begin)


def report(result: dict) -> str:
    """The per-core comparison, the stage split, fidelity and GPU needs."""
    rates, gpu = result['rates'], result['gpu_pairs_per_s']
    ours, release = rates['ours'], rates['release-style']
    lines = [
        f"input pipeline, one thread, {result['pairs']} pairs "
        f"{result['shape'][0]}x{result['shape'][1]}, {result['rounds']} "
        'interleaved rounds (medians of CPU time)',
        f'pairs/s per core: ours {ours:.1f}, release-style {release:.1f}, '
        f'speed-up {ours / release:.2f} (median of the ratios within a '
        f"round: {result['paired_speed_up']:.2f})",
        f"  ours with full decoding: {rates['ours, full decode']:.1f} "
        'pairs/s' + (f'; with exact JPEG decoding (fast_jpeg=False): '
                     f'{rates[EXACT_JPEG]:.1f} pairs/s'
                     if EXACT_JPEG in rates else ''),
        f"{'ms per pair':<16}" + ''.join(f'{s:>12}' for s in STAGES) +
        f"{'total':>10}"]
    for name, stages in result['stages'].items():
        lines.append(f'{name:<16}' + ''.join(
            f'{stages[s] * 1e3:>12.2f}' for s in STAGES) +
            f'{sum(stages.values()) * 1e3:>10.2f}')
    split = result['stages']
    lines.append(
        'ceiling if all but our decode stage were free: '
        f"{sum(split['release-style'].values()) / split['ours']['decode']:.2f}"
        'x (release-style total / our decode)')
    lines.append('pixel cache: ' + ', '.join(
        f'{name} {rate:.1f} pairs/s per core ({rate / release:.2f}x '
        'release-style)' for name, rate in result['cache'].items()))
    for name, score in result['psnr'].items():
        lines.append(f"PSNR vs {name} (same box, median of "
                     f"{score['boxes']} boxes): RGB {score['rgb']:.1f} dB, "
                     f"IR {score['ir']:.1f} dB")
    lines += [
        f"one GPU at {result['tflops']:g} TFLOP/s and "
        f"{result['gflop_per_pair']:.1f} GFLOP per pair consumes "
        f'{gpu:.0f} pairs/s',
        f'CPU cores per GPU at one-thread rates: ours {gpu / ours:.1f}, '
        f'release-style {gpu / release:.1f}']
    if result['device_decode']:
        lines.append(f"device decode path on {result['device']}: "
                     f"{result['device_decode']:.1f} pairs/s (CPU part: "
                     f'{rates[DEVICE_CPU_PART]:.1f} pairs/s per core)')
    else:
        lines.append('device decode path: not measured (not JPEG pairs)')
    lines += [f'{n} workers: {r:.1f} pairs/s, {r / gpu:.2f} of one GPU\'s '
              'need' for n, r in result['workers'].items()]
    return '\n'.join(lines)


def dataset_config(cfg, data_root: str | None, tmp: str) -> dict:
    """The config's training dataset on ``data_root``, or on generated
    pairs written to ``tmp``."""
    dataset = dict(cfg.train_dataloader.dataset, check_images='none')
    if data_root:
        return dict(dataset, data_root=data_root)
    return dict(dataset, data_root=tmp, sources=[SOURCE], ann_file='',
                hold_out=0)


def run(cfg, args, flops_per_pair: float) -> dict:
    """Every figure of the pipeline mode (see :func:`report`).

    Args:
        cfg (Config): The pre-training config.
        args (argparse.Namespace): Parsed options of
            :func:`~univ_mm.benchmarks.arguments.add_input_pipeline_arguments`
            and ``--repeats`` (rounds).
        flops_per_pair (float): FLOPs of one training step per pair.

    Returns:
        dict: Rates in pairs/s, stage times in seconds, PSNR in dB, of
        ``--data-root`` or of the first of ``--textures``; with several
        textures, ``textures`` holds the figures of each.
    """
    if args.data_root:
        return run_on(cfg, args, flops_per_pair, args.data_root)
    results = {}
    for texture in dict.fromkeys(args.textures):
        with tempfile.TemporaryDirectory() as tmp:
            writer = (write_textured_pairs if texture == 'smooth' else
                      write_high_entropy_pairs)
            writer(tmp, args.pairs)
            results[texture] = run_on(cfg, args, flops_per_pair, tmp)
            results[texture]['texture'] = texture
    first = dict(results[next(iter(results))])
    if len(results) > 1:
        first['textures'] = results
    return first


def run_on(cfg, args, flops_per_pair: float, data_root: str) -> dict:
    """The figures of :func:`run` for the pairs of ``data_root``
    (``--data-root``, or generated pairs)."""
    dataset_cfg = dataset_config(cfg, args.data_root, data_root)
    dataset = DATASETS.build(dict(dataset_cfg, pipeline=[]))
    items = [dataset.get_data_info(i)
             for i in range(min(args.pairs, len(dataset)))]
    pipeline = cfg.train_dataloader.dataset.pipeline
    jpeg = is_jpeg(fileio.get(items[0]['rgb_path']))
    set_seeds(cfg.get('randomness', {}).get('seed') or 0)
    result = single_thread_rates(pipeline, items, args.repeats, jpeg)
    transforms = [TRANSFORMS.build(t) for t in pipeline]
    result['psnr'] = fidelity(
        find_transform(transforms, PairedRandomResizedCrop), items,
        find_transform(transforms, LoadPairedImages).fast_jpeg)
    result['cache'] = cache_rates(pipeline, items, args.repeats)
    result['device_decode'] = device_decode_rate(
        pipeline, items, args.device, cfg.train_dataloader.batch_size,
        args.repeats) if jpeg else None
    result['workers'] = {
        n: loader_rate(dict(cfg.train_dataloader, dataset=dataset_cfg),
                       n, args.worker_batches) for n in args.workers}
    shape = image_size(EncodedImage(fileio.get(items[0]['rgb_path']),
                                    items[0]['rgb_path'], False))
    kilobytes = statistics.mean(
        len(fileio.get(item[key])) for item in items
        for key in ('rgb_path', 'ir_path')) / 1024
    gpu = args.tflops * 1e12 / flops_per_pair
    result.update(pairs=len(items), shape=shape, rounds=args.repeats,
                  device=args.device, kb_per_image=kilobytes,
                  tflops=args.tflops, gflop_per_pair=flops_per_pair / 1e9,
                  gpu_pairs_per_s=gpu)
    return result


def full_report(result: dict) -> str:
    """:func:`report` of each texture, then the speed-ups side by side."""
    textures = result.get('textures')
    if not textures:
        return report(result)
    sections = [f'=== {name} pairs ({figures["kb_per_image"]:.0f} KB per '
                f'image on average) ===\n{report(figures)}'
                for name, figures in textures.items()]
    ratios = ', '.join(
        f"{name} {f['rates']['ours'] / f['rates']['release-style']:.2f}x "
        f"(within-round {f['paired_speed_up']:.2f}x)"
        for name, f in textures.items())
    return '\n'.join([*sections, f'speed-up over release-style per core: '
                                 f'{ratios}'])


def main(cfg, args, flops_per_pair: float) -> None:
    """Run the pipeline mode, print its report and write ``args.out``."""
    result = run(cfg, args, flops_per_pair)
    print(full_report(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
