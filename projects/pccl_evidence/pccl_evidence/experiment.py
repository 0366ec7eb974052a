"""The stages of the PCCL evidence, at toy scale on CPU, for three kinds of
teacher (paths relative to this project).

Stages per teacher (each one's time is measured and reported; the seg
stage's is the sum of its runs):
  data      (once) three synthetic worlds (univ_mm.synthetic.world):
            unlabelled pre-training pairs with held-out pairs, labelled
            train and val;
  teacher   the RGB teacher, from scratch on RGB images only:
            'supervised' a ViT trained on segmentation (linear head;
                       configs/seg_vit-t_synthetic.py),
            'mae'      the same ViT pre-trained with MMPretrain's MAE
                       (configs/mae_vit-t_synthetic.py),
            'convmae'  a small ConvMAE (no class token) pre-trained with
                       our ConvMAE algorithm
                       (configs/convmae_synthetic.py);
  pairs     pseudo-pair statistics of the teacher on the labelled val world;
  pccl      UNIV pre-training (configs/pccl_*_synthetic.py),
            teacher initialised from the teacher stage; exports the merged
            backbone;
  alignment PatchRetrievalMetric on the held-out pairs before and after;
  seg       linear probe and fine-tune, teacher vs UNIV weights, on IR and
            on RGB (MMSegmentation EncoderDecoder, IoUMetric;
            configs/seg_*_synthetic.py);
  figures   univ_mm.visualization's PCCL pictures of one held-out pair.
Then one figure of every teacher's pseudo pairs for the same query patch.
It writes evidence.md, evidence.json and figures to --out-dir (one folder
per teacher). The teachers' stages and their 24 downstream runs are jobs
for --workers processes of one torch thread each (univ_mm.utils.
worker_jobs): the numbers are the same for any number of workers.

Example:
    python projects/pccl_evidence/run.py --out-dir work_dirs/evidence \
        --teachers mae convmae
"""
import argparse
import functools
import itertools
import json
import os
import time
from pathlib import Path

import cv2
import mmcv
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import univ_mm  # noqa: F401  (registers the univ_mm modules)
from univ_mm.checkpoint.safe_io import use_safe_checkpoints
from univ_mm.datasets import image_to_tensor
from univ_mm.evaluation import class_retrieval
from univ_mm.models.data_preprocessors.paired_data_preprocessor import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    MVIP_IR_MEAN,
    MVIP_IR_STD,
)
from univ_mm.registry import MODELS, VISUALIZERS
from univ_mm.synthetic.world import CLASSES, generate_synthetic_mvip
from univ_mm.utils.export import export_backbone
from univ_mm.utils.scalars import read_scalar_log, scalar_logs
from univ_mm.visualization.pccl_pictures import (
    draw_teacher_pseudo_pairs,
    load_pair,
    teacher_pair_maps,
    warmest_patch,
    write_pictures,
)

from .settings import (
    ARCH_KEYS,
    BACKBONES,
    CONFIGS,
    HEAD_LR,
    IMAGE_SIZE,
    OFFICIAL_LR_PER_256,
    PRESETS,
    PROTOCOLS,
    SOURCES,
    TEACHERS,
)
from .tables import evidence_tables
from .worker_jobs import Job, run_jobs


def make_data(out: Path, p: dict, seed: int) -> dict[str, Path]:
    """Pre-training pairs (1/8 held out; the RGB images of the training
    pairs also listed alone in ``splits/train_rgb.txt``) and labelled train
    / val worlds."""
    roots = {}
    for k, (name, num, labels) in enumerate((
            ('pairs', p['pairs'], False), ('seg_train', p['seg_train'], True),
            ('seg_val', p['seg_val'], True))):
        roots[name] = out / 'data' / name
        generate_synthetic_mvip(roots[name], num_pairs=num,
                                image_size=IMAGE_SIZE, sources=SOURCES,
                                seed=seed + k, with_labels=labels)
    splits = roots['pairs'] / 'splits'
    pairs = (splits / 'train.txt').read_text().splitlines()
    (splits / 'train_rgb.txt').write_text(
        ''.join(line.split()[0] + '\n' for line in pairs))
    return roots


def load_config(p: dict, backbone: str, kind: str, name: str) -> Config:
    """A config of the experiment's configs/ with the preset's arch (``kind``:
    which keys of :data:`ARCH_KEYS` carry it)."""
    path = Path(CONFIGS) / name
    # dumped unformatted: yapf took up to 2 s a dump with a long --out-dir,
    # and every run dumps its config two or three times (fromfile does not
    # pass its format_python_code on to a config with bases)
    cfg = Config(Config.fromfile(path).to_dict(), filename=str(path),
                 format_python_code=False)
    if p['archs']:
        arch, dims = p['archs'][backbone]
        cfg.merge_from_dict({key: arch if value == 'arch' else dims
                             for key, value in ARCH_KEYS[kind].items()})
    return cfg


def warmup_cosine(iters: int, warmup: int, start: float, **cosine) -> list:
    """Linear warm-up over ``warmup`` iterations, then cosine annealing."""
    return [dict(type='LinearLR', start_factor=start, by_epoch=False,
                 begin=0, end=warmup),
            dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup,
                 end=iters, **cosine)]


def seg_dataset(root: Path, modality: str, train: bool) -> dict:
    """Both sources of a labelled world as one mmseg dataset."""
    folder = 'vi_images' if modality == 'rgb' else 'images'
    pipeline = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
                *([dict(type='RandomFlip', prob=0.5)] if train else []),
                dict(type='PackSegInputs')]
    return dict(type='ConcatDataset', datasets=[dict(
        type='BaseSegDataset', data_root=str(root), img_suffix='.png',
        data_prefix=dict(img_path=f'{s}/{folder}/training',
                         seg_map_path=f'{s}/labels/training'),
        metainfo=dict(classes=CLASSES), pipeline=pipeline) for s in SOURCES])


def seg_config(p: dict, backbone: str, name: str, work_dir: Path,
               roots: dict, modality: str, init_cfg: dict | None,
               frozen: bool, lr: float, lr_mult: float, iters: int,
               seed: int) -> Config:
    """An MMSegmentation run: the backbone's seg config on one modality,
    from ``init_cfg`` (None: random), backbone frozen or not."""
    cfg = load_config(p, backbone, 'seg', BACKBONES[backbone]['seg'])
    mean, std = ((IMAGENET_MEAN, IMAGENET_STD) if modality == 'rgb' else
                 (MVIP_IR_MEAN, MVIP_IR_STD))
    unfrozen, frozen_all = BACKBONES[backbone]['frozen_stages']
    stages = (frozen_all or cfg.model.backbone.arch['num_layers']
              ) if frozen else unfrozen
    cfg.merge_from_dict({
        'work_dir': str(work_dir), 'randomness': dict(seed=seed),
        'experiment_name': f'{name}-{time.time_ns()}',
        'model.data_preprocessor.mean': mean,
        'model.data_preprocessor.std': std,
        'model.backbone.frozen_stages': stages,
        'train_dataloader.batch_size': p['batch'],
        'train_dataloader.dataset': seg_dataset(roots['seg_train'],
                                                modality, True),
        'val_dataloader.batch_size': p['batch'],
        'val_dataloader.dataset': seg_dataset(roots['seg_val'], modality,
                                              False),
        'optim_wrapper.optimizer.lr': lr,
        'optim_wrapper.paramwise_cfg.custom_keys.backbone.lr_mult': lr_mult,
        'param_scheduler': warmup_cosine(iters, iters // 10 + 1, 0.01,
                                         eta_min=0),
        'train_cfg.max_iters': iters, 'train_cfg.val_begin': iters + 1,
        'default_hooks.logger.interval': max(1, iters // 4),
        'default_hooks.checkpoint.interval': iters})
    if init_cfg:
        cfg.model.backbone.init_cfg = init_cfg
    return cfg


def run_seg(cfg: Config) -> dict:
    """Train, then validate: ``mIoU`` (and aAcc, mAcc) in %."""
    runner = Runner.from_cfg(cfg)
    runner.train()
    return {k: float(v) for k, v in runner.val().items()}


def train_teacher(p: dict, out: Path, roots: dict, seed: int,
                  teacher: str) -> dict:
    """Stage 1: the RGB teacher, from scratch on RGB images only."""
    spec, work_dir = TEACHERS[teacher], out / 'teacher'
    if spec['pretrain'] is None:  # supervised RGB segmentation
        cfg = seg_config(p, spec['backbone'], 'teacher', work_dir, roots,
                         'rgb', None, False, 1e-3, 1., p['teacher_iters'],
                         seed)
        metrics = run_seg(cfg)
        return dict(checkpoint=str(work_dir /
                                   f'iter_{p["teacher_iters"]}.pth'),
                    rgb_miou=metrics['mIoU'])
    iters = p['mae_iters']
    cfg = load_config(p, spec['backbone'], 'pretrain', spec['pretrain'])
    cfg.merge_from_dict({
        'work_dir': str(work_dir), 'randomness': dict(seed=seed),
        'experiment_name': f'{teacher}-{time.time_ns()}',
        'train_dataloader.dataset.data_root': str(roots['pairs']),
        'train_cfg.max_iters': iters,
        'default_hooks.logger.interval': max(1, iters // 10),
        'default_hooks.checkpoint.interval': iters})
    Runner.from_cfg(cfg).train()
    losses = [r['loss'] for r in training_records(work_dir) if 'loss' in r]
    return dict(checkpoint=str(work_dir / f'iter_{iters}.pth'),
                mae_loss=dict(first=losses[0], last=losses[-1]))


def pccl_config(p: dict, out: Path, roots: dict, teacher: str, seed: int,
                backbone: str) -> Config:
    """Stage 2's config: the backbone's PCCL config, re-pointed."""
    cfg = load_config(p, backbone, 'pccl', BACKBONES[backbone]['pccl'])
    iters = p['pccl_iters']
    cfg.merge_from_dict({
        'work_dir': str(out / 'pccl'), 'randomness.seed': seed,
        'experiment_name': f'pccl-{time.time_ns()}',
        'model.teacher.init_cfg.checkpoint': teacher,
        'train_dataloader.dataset.data_root': str(roots['pairs']),
        'train_dataloader.batch_size': p['batch'],
        'val_dataloader.dataset.data_root': str(roots['pairs']),
        # the demo's schedule shape: 1/8 linear warm-up, cosine to 1 %
        'param_scheduler': warmup_cosine(iters, iters // 8 + 1, 1e-3,
                                         eta_min_ratio=1e-2),
        'train_cfg.max_iters': iters,
        'train_cfg.val_interval': max(1, iters // 4),
        'default_hooks.checkpoint.interval': iters,
        'default_hooks.logger.interval': max(1, iters // 8)})
    return cfg


def labelled_images(root: Path, patch: int) -> tuple[dict, torch.Tensor]:
    """RGB and IR images (uint8 ``[C, H, W]`` lists under ``rgb``, ``ir``)
    of a labelled world and the class of every patch (its majority pixel
    class), ``[num_images, N]``."""
    images, labels = dict(rgb=[], ir=[]), []
    for path in sorted(root.glob('*/vi_images/training/*.png')):
        images['rgb'].append(image_to_tensor(cv2.imread(str(path))))
        images['ir'].append(image_to_tensor(cv2.imread(
            str(path).replace('vi_images', 'images'), cv2.IMREAD_GRAYSCALE)))
        label = torch.from_numpy(cv2.imread(
            str(path).replace('vi_images', 'labels'), cv2.IMREAD_UNCHANGED))
        counts = F.avg_pool2d(F.one_hot(label.long(), len(CLASSES)).permute(
            2, 0, 1).float(), patch)
        labels.append(counts.flatten(1).argmax(dim=0))
    return images, torch.stack(labels)


@torch.no_grad()
def class_alignment(model, labelled: tuple[dict, torch.Tensor]) -> dict:
    """:func:`class_retrieval` of the student's IR and RGB tokens against
    the teacher's RGB tokens on a labelled world, averaged over images."""
    images, labels = labelled
    inputs = model.data_preprocessor(dict(inputs=images))['inputs']
    teacher, _ = model.teacher_forward(inputs['rgb'])
    student = model.extract_feat(inputs)
    scores = {}
    for modality in ('ir', 'rgb'):
        for name, value in class_retrieval(student[modality], teacher,
                                           labels).items():
            scores[f'{modality}_{name}'] = float(value.mean())
    return scores


def alignment(cfg: Config, work_dir: Path, checkpoint: str | None,
              labelled: tuple[dict, torch.Tensor]) -> dict:
    """Validate UNIV (initialised, or loaded from ``checkpoint``) on the
    held-out pairs and score its class alignment on the labelled val world;
    an initialised model is also saved as ``init.pth``."""
    cfg = cfg.copy()
    cfg.merge_from_dict({'load_from': checkpoint, 'work_dir': str(work_dir),
                         'experiment_name': f'align-{time.time_ns()}'})
    runner = Runner.from_cfg(cfg)
    if checkpoint is None:
        runner.model.init_weights()
        runner.save_checkpoint(cfg.work_dir, 'init.pth',
                               save_optimizer=False,
                               save_param_scheduler=False, by_epoch=False)
    metrics = {k.split('/')[-1]: float(v) for k, v in runner.val().items()}
    return dict(metrics, **class_alignment(runner.model.eval(), labelled))


def pair_statistics(cfg: Config,
                    labelled: tuple[dict, torch.Tensor]) -> dict:
    """Are the teacher's pseudo pairs semantic, and where does the loss of
    a student equal to the teacher come from? ``PCCLHead.pair_statistics``
    on the labelled val world (:func:`labelled_images`), plus the LoRA
    weights' share of the backbone's (``lora_share``)."""
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model).eval()
        model.init_weights()
    images, labels = labelled
    inputs = model.data_preprocessor(dict(inputs=images))
    tokens, attention = model.teacher_forward(inputs['inputs']['rgb'])
    lora = sum(w.numel() for w in model.backbone.parameters()
               if w.requires_grad)
    return dict(model.head.pair_statistics(tokens, attention, labels),
                lora_share=lora / sum(w.numel()
                                      for w in model.teacher.parameters()))


def teacher_pair_maps_of(cfg: Config) -> dict:
    """The teacher's pseudo pairs and attention of the first held-out pair
    (:func:`teacher_pair_maps`), its images and token stride, for the
    figure of every teacher's pairs."""
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model).eval()
        model.init_weights()
        inputs, rgb, ir = load_pair(cfg, 0, model)
    _, maps = teacher_pair_maps(model, inputs['rgb'])
    return dict(rgb=rgb, ir=ir, maps=maps, stride=model.teacher.token_stride)


def training_records(work_dir: Path) -> list[dict]:
    """The records of the latest run's ``vis_data/scalars.json``."""
    return read_scalar_log(scalar_logs(work_dir)[-1])


def pccl_log(work_dir: Path) -> dict:
    """First and last logged training values and the validation curve."""
    records = training_records(work_dir)
    train = [r for r in records if 'loss' in r]
    keys = ('loss_ir', 'loss_rgb', 'positives_per_row', 'empty_row_ratio')
    return dict(first={k: train[0][k] for k in keys},
                last={k: train[-1][k] for k in keys},
                curve=[(r['step'], r['align/ir_top1']) for r in records
                       if 'align/ir_top1' in r])


def seg_runs(p: dict, seed: int, inits: tuple[str, ...]) -> list[tuple]:
    """Stage 3's runs: every modality x protocol x initialisation, one per
    downstream seed (head initialisation and data order)."""
    return list(itertools.product(('ir', 'rgb'), PROTOCOLS, inits, range(
        seed, seed + p['seg_seeds'])))


def seg_run(p: dict, out: Path, roots: dict, backbone: str, run: tuple,
            init_cfg: dict) -> tuple[float, float]:
    """Worker job: one of :func:`seg_runs`; its mIoU and wall time (s)."""
    start, (modality, protocol, init, seed) = time.perf_counter(), run
    setting = PROTOCOLS[protocol]
    iters = p['probe_iters' if setting['frozen'] else 'finetune_iters']
    name = f'{modality}_{protocol}_{init}_{seed}'.replace(' ', '-')
    cfg = seg_config(p, backbone, name, out / 'seg' / name, roots, modality,
                     init_cfg, setting['frozen'], HEAD_LR,
                     setting['lr_mult'], iters, seed)
    cfg.default_hooks.checkpoint = None
    miou = run_seg(cfg)['mIoU']
    print(f'[pccl_evidence]   {out.name} {name}: mIoU {miou:.2f}', flush=True)
    return miou, time.perf_counter() - start


def teacher_figure(out: Path, rows: dict[str, dict]) -> str:
    """Every teacher's pseudo pairs for the same query: the centre pixel of
    the warmest IR cell of the coarsest token grid, in each teacher's own
    patch."""
    first = next(iter(rows.values()))
    cell = max(row['stride'] for row in rows.values())
    centre = [cell * k + cell // 2 for k in warmest_patch(first['ir'], cell)]
    with DefaultScope.overwrite_default_scope('univ_mm'):
        visualizer = VISUALIZERS.build(dict(
            type='PCCLVisualizer', name=f'teacher_pairs_{time.time_ns()}'))
    path = out / 'figures' / 'pccl_teacher_pseudo_pairs.png'
    mmcv.imwrite(draw_teacher_pseudo_pairs(visualizer, {
        name: (row['rgb'], row['maps'], row['stride'])
        for name, row in rows.items()}, centre)[..., ::-1], str(path))
    return str(path)


class StageTimer:
    """Run named stages, printing and keeping their wall times (s)."""

    def __init__(self) -> None:
        self.start, self.seconds = time.perf_counter(), {}

    def __call__(self, name: str, function, *args):
        print(f'[pccl_evidence] {name} ...', flush=True)
        start = time.perf_counter()
        value = function(*args)
        self.seconds[name] = time.perf_counter() - start
        print(f'[pccl_evidence] {name}: {self.seconds[name]:.1f} s',
              flush=True)
        return value

    def report(self) -> dict:
        """Stage times and the total wall time so far, to 0.1 s."""
        return {name: round(seconds, 1) for name, seconds in dict(
            self.seconds, total=time.perf_counter() - self.start).items()}


def teacher_job(args: argparse.Namespace, p: dict, out: Path, roots: dict,
                name: str) -> tuple[dict, dict]:
    """Worker job: the teacher stage of ``name``, under ``out/name``.

    Returns:
        tuple[dict, dict]: The teacher and the stage's time.
    """
    stage = StageTimer()
    teacher = stage(f'{name} teacher', train_teacher, p, out / name, roots,
                    args.seed, name)
    return teacher, stage.seconds


def pccl_job(args: argparse.Namespace, p: dict, out: Path, roots: dict,
             name: str, teacher: dict) -> tuple[dict, dict, dict]:
    """Worker job: the stages of ``name`` between its teacher and its
    downstream runs, under ``out/name``: pair statistics, alignment before,
    PCCL, alignment after, the merged export, figures.

    Returns:
        tuple[dict, dict, dict]: The results, :func:`teacher_pair_maps_of`
        and the stages' times.
    """
    stage, backbone, out = StageTimer(), TEACHERS[name]['backbone'], out / name
    cfg = pccl_config(p, out, roots, teacher['checkpoint'], args.seed,
                      backbone)
    cfg.optim_wrapper.optimizer.lr = lr = (
        args.pccl_lr or OFFICIAL_LR_PER_256 * p['batch'] / 256)
    cfg.merge_from_dict(args.cfg_options)
    labelled = labelled_images(roots['seg_val'],
                               BACKBONES[backbone]['stride'])
    pairs = stage(f'{name} pairs', pair_statistics, cfg, labelled)
    before = stage(f'{name} alignment before', alignment, cfg,
                   out / 'alignment' / 'before', None, labelled)
    stage(f'{name} pccl', lambda: Runner.from_cfg(cfg.copy()).train())
    last = str(out / 'pccl' / f'iter_{p["pccl_iters"]}.pth')
    after = stage(f'{name} alignment after', alignment, cfg,
                  out / 'alignment' / 'after', last, labelled)
    # tools/export_backbone.py's merge of the last checkpoint: the same
    # weights and arch as the hook's univ_backbone_iter_N.pth
    merged = export_backbone(last, out / 'pccl' / 'univ_backbone.pth')
    figures = stage(f'{name} figures', lambda: [str(path) for path in (
        write_pictures(cfg, [str(out / 'alignment' / 'before' / 'init.pth'),
                             last], ['before', 'after'], out / 'figures'))])
    return dict(teacher=teacher, pccl_lr=lr, pairs=pairs, last=last,
                merged=str(merged), alignment=dict(before=before,
                                                   after=after),
                pccl_log=pccl_log(out / 'pccl'), figures=figures
                ), teacher_pair_maps_of(cfg), stage.seconds


class TeacherRun:
    """One teacher's jobs, and their results as they come: the teacher
    stage; then its :func:`pccl_job` and the teacher-initialised downstream
    runs; then the UNIV-initialised ones. Stage times (summed over the
    downstream runs) go to ``seconds``."""

    def __init__(self, args: argparse.Namespace, p: dict, out: Path,
                 roots: dict, name: str, seconds: dict) -> None:
        self.args, self.p, self.out, self.roots = args, p, out, roots
        self.name, self.seconds = name, seconds
        self.result, self.pair_maps, self.miou = {}, {}, {}

    def jobs(self) -> list[Job]:
        """The first jobs: train the teacher, or start from --teacher."""
        if self.args.teacher:
            return self._teacher_done(
                (dict(checkpoint=self.args.teacher), {}))
        return [Job(0, teacher_job, (self.args, self.p, self.out,
                                     self.roots, self.name),
                    self._teacher_done)]

    def _teacher_done(self, done: tuple[dict, dict]) -> list[Job]:
        teacher, seconds = done
        self.seconds.update(seconds)
        return [Job(1, pccl_job, (self.args, self.p, self.out, self.roots,
                                  self.name, teacher), self._pccl_done),
                *self._seg_jobs('teacher', dict(
                    type='Pretrained', prefix='backbone.',
                    checkpoint=teacher['checkpoint']))]

    def _pccl_done(self, done: tuple[dict, dict, dict]) -> list[Job]:
        self.result, self.pair_maps, seconds = done
        self.seconds.update(seconds)
        return self._seg_jobs('univ', dict(
            type='Pretrained', checkpoint=self.result['merged']))

    def _seg_jobs(self, init: str, init_cfg: dict) -> list[Job]:
        backbone = TEACHERS[self.name]['backbone']
        return [Job(2, seg_run, (self.p, self.out / self.name, self.roots,
                                 backbone, run, init_cfg),
                    functools.partial(self._seg_done, run))
                for run in seg_runs(self.p, self.args.seed, (init, ))]

    def _seg_done(self, run: tuple, done: tuple[float, float]) -> None:
        self.miou[run], seconds = done
        key = f'{self.name} seg'
        self.seconds[key] = self.seconds.get(key, 0) + seconds

    def results(self) -> dict:
        """The results, with the downstream mIoUs as modality -> protocol
        -> initialisation -> one per downstream seed."""
        seg = {}
        for run in seg_runs(self.p, self.args.seed, ('teacher', 'univ')):
            modality, protocol, init, _ = run
            seg.setdefault(modality, {}).setdefault(protocol, {}).setdefault(
                init, []).append(self.miou[run])
        return dict(self.result, seg=seg)


def run(args: argparse.Namespace) -> dict:
    """Run every stage of every teacher on ``--workers`` processes; write
    evidence.json and evidence.md.

    Args:
        args (argparse.Namespace): From :func:`.arguments.parse_args`.

    Returns:
        dict: What evidence.json holds.
    """
    stage = StageTimer()
    use_safe_checkpoints()  # teachers load from runner checkpoints
    p, out, seed = dict(PRESETS[args.preset]), Path(args.out_dir), args.seed
    p['pccl_iters'] = args.pccl_iters or p['pccl_iters']
    result = dict(preset=args.preset, params=p,
                  pccl_overrides=args.cfg_options, seeds=dict(
        data=[seed, seed + 1, seed + 2], teacher_and_pccl=seed,
        downstream=list(range(seed, seed + p['seg_seeds']))),
        workers=args.workers)
    roots = stage('data', make_data, out, p, seed)
    runs = [TeacherRun(args, p, out, roots, name, stage.seconds)
            for name in args.teachers]
    run_jobs(itertools.chain.from_iterable(run.jobs() for run in runs),
             args.workers)
    result['teachers'] = {run.name: run.results() for run in runs}
    result['figure'] = stage('teacher figure', teacher_figure, out, {
        run.name: run.pair_maps for run in runs})
    result.update(timings_s=stage.report(), cpu=dict(
        count=os.cpu_count(), load_avg=os.getloadavg()))
    (out / 'evidence.json').write_text(json.dumps(result, indent=2))
    (out / 'evidence.md').write_text(evidence_tables(result) + '\n')
    print(evidence_tables(result))
    print(json.dumps(result['timings_s']))
    return result

