"""Show that PCCL works, at toy scale on CPU: teacher, UNIV, downstream.

Stages (each one's wall time is measured and reported):
  data      three synthetic worlds (univ_mm.datasets.synthetic): unlabelled
            pre-training pairs with held-out pairs, labelled train and val;
  teacher   a small ViT trained from scratch on RGB images only
            (supervised segmentation, linear head; MMSegmentation);
  pccl      UNIV pre-training through configs/pretrain/
            univ_vit-t_synthetic-demo.py, shrunk by config overrides, teacher
            initialised from the teacher stage; exports the merged backbone;
  alignment PatchRetrievalMetric on the held-out pairs before and after;
  seg       linear probe and fine-tune, teacher vs UNIV weights, on IR and
            on RGB (MMSegmentation EncoderDecoder, IoUMetric);
  figures   tools/visualize_pccl.py on one held-out pair.
It writes evidence.md, evidence.json and figures/ to --out-dir.

Example:
    python tools/analysis/pccl_evidence.py --out-dir work_dirs/evidence
"""
import argparse
import importlib.util
import itertools
import json
import os
import statistics
import time
from pathlib import Path

import cv2
import torch
import torch.nn.functional as F
from mmengine.config import Config, DictAction
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import univ_mm  # noqa: F401  (registers the univ_mm modules)
from univ_mm.datasets import image_to_tensor
from univ_mm.datasets.synthetic import CLASSES, generate_synthetic_mvip
from univ_mm.evaluation import class_retrieval
from univ_mm.models.data_preprocessors.paired_data_preprocessor import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    MVIP_IR_MEAN,
    MVIP_IR_STD,
)
from univ_mm.registry import MODELS
from univ_mm.utils.export import export_backbone
from univ_mm.utils.scalars import read_scalar_log, scalar_logs

PCCL_CONFIG = 'configs/pretrain/univ_vit-t_synthetic-demo.py'
SOURCES = ('SYNTH_DAY', 'SYNTH_NIGHT')
#: Sizes of the experiment; 'smoke' only checks that every stage runs.
PRESETS = {
    'full': dict(size=(64, 80), patch=8, arch=dict(
        embed_dims=128, num_layers=6, num_heads=4, feedforward_channels=512),
        pairs=2048, seg_train=512, seg_val=128, batch=16, teacher_iters=800,
        pccl_iters=640, probe_iters=200, finetune_iters=100, seg_seeds=3),
    'smoke': dict(size=(32, 40), patch=8, arch=dict(
        embed_dims=32, num_layers=2, num_heads=2, feedforward_channels=64),
        pairs=16, seg_train=8, seg_val=4, batch=4, teacher_iters=2,
        pccl_iters=2, probe_iters=2, finetune_iters=2, seg_seeds=1),
}
#: The official recipe's learning rate per 256 pairs (linear scaling rule).
OFFICIAL_LR_PER_256 = 1.5e-4
#: Downstream protocols: the linear head learns at HEAD_LR, the backbone at
#: HEAD_LR x lr_mult (frozen: not at all).
HEAD_LR = 1e-2
PROTOCOLS = {'linear probe': dict(frozen=True, lr_mult=0.),
             'fine-tune': dict(frozen=False, lr_mult=0.01)}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out-dir', default='work_dirs/evidence')
    parser.add_argument('--preset', choices=sorted(PRESETS), default='full')
    parser.add_argument('--seed', type=int, default=0,
                        help='data seeds are seed, seed+1, seed+2; training '
                        'runs use seed')
    parser.add_argument(
        '--pccl-lr', type=float, help='PCCL learning rate; defaults to the '
        'official rule, 1.5e-4 per 256 pairs scaled to the batch (the demo '
        'config\'s 1e-3 is for a random teacher)')
    parser.add_argument('--pccl-iters', type=int,
                        help='PCCL iterations; defaults to the preset\'s')
    parser.add_argument('--teacher', help='reuse this teacher checkpoint '
                        '(a teacher stage\'s iter_N.pth) instead of training '
                        'one; it must match the preset')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='overrides of the PCCL config, e.g. '
        'model.head.loss.threshold=0.3 (a variant; the table is labelled '
        'with them)')
    return parser.parse_args(argv)


def make_data(out: Path, p: dict, seed: int) -> dict[str, Path]:
    """Pre-training pairs (1/8 held out) and labelled train / val worlds."""
    roots = {}
    for k, (name, num, labels) in enumerate((
            ('pairs', p['pairs'], False), ('seg_train', p['seg_train'], True),
            ('seg_val', p['seg_val'], True))):
        roots[name] = out / 'data' / name
        generate_synthetic_mvip(roots[name], num_pairs=num,
                                image_size=p['size'], sources=SOURCES,
                                seed=seed + k, with_labels=labels)
    return roots


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


def seg_config(p: dict, name: str, work_dir: Path, roots: dict,
               modality: str, backbone: dict, lr: float, lr_mult: float,
               iters: int, seed: int) -> Config:
    """An MMSegmentation run: ViT + linear head on one modality."""
    mean, std = ((IMAGENET_MEAN, IMAGENET_STD) if modality == 'rgb' else
                 (MVIP_IR_MEAN, MVIP_IR_STD))
    dims = p['arch']['embed_dims']
    loader = dict(batch_size=p['batch'], num_workers=0,
                  sampler=dict(type='InfiniteSampler', shuffle=True))
    return Config(dict(
        default_scope='mmseg', work_dir=str(work_dir), log_level='WARNING',
        experiment_name=f'{name}-{time.time_ns()}', randomness=dict(seed=seed),
        model=dict(
            type='EncoderDecoder',
            data_preprocessor=dict(type='SegDataPreProcessor', mean=mean,
                                   std=std, bgr_to_rgb=True,
                                   size=p['size']),
            backbone=dict(type='univ_mm.UNIVVisionTransformer',
                          arch=p['arch'], img_size=p['size'],
                          patch_size=p['patch'], out_type='featmap',
                          **backbone),
            decode_head=dict(type='FCNHead', in_channels=dims, channels=dims,
                             num_convs=0, concat_input=False, dropout_ratio=0,
                             num_classes=len(CLASSES), norm_cfg=None),
            test_cfg=dict(mode='whole')),
        train_dataloader=dict(loader, dataset=seg_dataset(
            roots['seg_train'], modality, True)),
        val_dataloader=dict(loader, sampler=dict(
            type='DefaultSampler', shuffle=False), dataset=seg_dataset(
                roots['seg_val'], modality, False)),
        val_evaluator=dict(type='IoUMetric', iou_metrics=['mIoU']),
        optim_wrapper=dict(
            optimizer=dict(type='AdamW', lr=lr, weight_decay=0.05),
            paramwise_cfg=dict(custom_keys={'backbone': dict(
                lr_mult=lr_mult)})),
        param_scheduler=[dict(type='LinearLR', start_factor=0.01, end=iters //
                              10 + 1, by_epoch=False),
                         dict(type='CosineAnnealingLR', begin=iters // 10 + 1,
                              end=iters, by_epoch=False, eta_min=0)],
        # validate once, after training, through runner.val()
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=iters,
                       val_begin=iters + 1),
        val_cfg=dict(type='ValLoop'),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=max(1, iters // 4)),
            checkpoint=dict(type='CheckpointHook', by_epoch=False,
                            interval=iters)),
        log_processor=dict(by_epoch=False),
        visualizer=dict(type='Visualizer',
                        vis_backends=[dict(type='LocalVisBackend')])))


def run_seg(cfg: Config) -> dict:
    """Train, then validate: ``mIoU`` (and aAcc, mAcc) in %."""
    runner = Runner.from_cfg(cfg)
    runner.train()
    return {k: float(v) for k, v in runner.val().items()}


def train_teacher(p: dict, out: Path, roots: dict, seed: int) -> dict:
    """Stage 1: the RGB teacher, from scratch on RGB segmentation."""
    cfg = seg_config(p, 'teacher', out / 'teacher', roots, 'rgb', {}, 1e-3,
                     1., p['teacher_iters'], seed)
    metrics = run_seg(cfg)
    return dict(checkpoint=str(out / 'teacher' /
                               f'iter_{p["teacher_iters"]}.pth'),
                rgb_miou=metrics['mIoU'])


def pccl_config(p: dict, out: Path, roots: dict, teacher: str,
                seed: int) -> Config:
    """Stage 2's config: the demo config, shrunk and re-pointed."""
    cfg = Config.fromfile(PCCL_CONFIG)
    iters, scale = p['pccl_iters'], p['size'][::-1]
    vit = dict(arch=dict(p['arch'], _delete_=True), img_size=p['size'],
               patch_size=p['patch'])
    cfg.merge_from_dict({
        'work_dir': str(out / 'pccl'), 'log_level': 'WARNING',
        'experiment_name': f'pccl-{time.time_ns()}',
        'randomness.seed': seed, 'model.backbone': vit, 'model.teacher': dict(
            vit, init_cfg=dict(type='Pretrained', checkpoint=teacher,
                               prefix='backbone.', _delete_=True)),
        'train_dataloader.dataset.data_root': str(roots['pairs']),
        'train_dataloader.batch_size': p['batch'],
        'train_dataloader.dataset.pipeline.1.scale': scale,
        'val_dataloader.dataset.data_root': str(roots['pairs']),
        'val_dataloader.dataset.pipeline.1.scale': scale,
        # the demo's schedule shape: 1/8 linear warm-up, cosine to 1 %
        'param_scheduler': [
            dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
                 end=iters // 8 + 1),
            dict(type='CosineAnnealingLR', eta_min_ratio=1e-2,
                 by_epoch=False, begin=iters // 8 + 1, end=iters)],
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


def pccl_log(work_dir: Path) -> dict:
    """First and last logged training values and the validation curve."""
    records = read_scalar_log(scalar_logs(work_dir)[-1])
    train = [r for r in records if 'loss' in r]
    keys = ('loss_ir', 'loss_rgb', 'positives_per_row', 'empty_row_ratio')
    return dict(first={k: train[0][k] for k in keys},
                last={k: train[-1][k] for k in keys},
                curve=[(r['step'], r['align/ir_top1']) for r in records
                       if 'align/ir_top1' in r])


def downstream(p: dict, out: Path, roots: dict, inits: dict[str, dict],
               seed: int) -> dict:
    """Stage 3: mIoU of every modality x protocol x initialisation, one per
    downstream seed (head initialisation and data order)."""
    results = {}
    for modality, protocol, init, k in itertools.product(
            ('ir', 'rgb'), PROTOCOLS, inits, range(p['seg_seeds'])):
        setting = PROTOCOLS[protocol]
        iters = p['probe_iters' if setting['frozen'] else 'finetune_iters']
        frozen = p['arch']['num_layers'] if setting['frozen'] else -1
        name = f'{modality}_{protocol}_{init}_{seed + k}'.replace(' ', '-')
        cfg = seg_config(p, name, out / 'seg' / name, roots, modality,
                         dict(init_cfg=inits[init], frozen_stages=frozen),
                         HEAD_LR, setting['lr_mult'], iters, seed + k)
        cfg.default_hooks.checkpoint = None
        miou = run_seg(cfg)['mIoU']
        results.setdefault(modality, {}).setdefault(protocol, {}).setdefault(
            init, []).append(miou)
        print(f'[pccl_evidence]   {name}: mIoU {miou:.2f}', flush=True)
    return results


def figures(out: Path, pccl_dir: Path, before: Path, after: str
            ) -> list[str]:
    """Stage 4: tools/visualize_pccl.py on the first held-out pair."""
    spec = importlib.util.spec_from_file_location('visualize_pccl', Path(
        __file__).parents[1] / 'visualize_pccl.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    config = pccl_dir / Path(PCCL_CONFIG).name  # the runner's dump
    return [str(path) for path in tool.main([
        str(config), '--checkpoints', str(before), after, '--labels',
        'before', 'after', '--out-dir', str(out / 'figures')])]


#: (metric, table label, scale) of the alignment rows.
ALIGNMENT_ROWS = (
    ('ir_top1', 'IR->RGB patch top-1 (%)', 100),
    ('ir_top5', 'IR->RGB patch top-5 (%)', 100),
    ('rgb_top1', 'RGB->RGB patch top-1 (%)', 100),
    ('ir_cos_aligned', 'IR->RGB cosine, same patch', 1),
    ('ir_cos_other', 'IR->RGB cosine, other patches', 1),
    ('rgb_cos_aligned', 'RGB->RGB cosine, same patch', 1),
    ('ir_class_top1', 'IR->RGB nearest patch of the same class (%)', 100),
    ('rgb_class_top1', 'RGB->RGB nearest patch of the same class (%)', 100),
    ('ir_class_chance', 'same class, random patch (%)', 100))


def _row(name: str, *cells: object) -> str:
    return '| ' + ' | '.join([name, *(
        f'{c:.2f}' if isinstance(c, float) else str(c) for c in cells)]) + ' |'


def _mean_std(values: list[float], sign: str = '') -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.
    return f'{statistics.fmean(values):{sign}.2f} ± {spread:.2f}'


def seg_rows(seg: dict) -> list[str]:
    """Downstream rows: mean ± std over seeds; the change is the mean ± std
    of the per-seed differences (same seed: same head init, same data)."""
    lines = ['| measure (synthetic world) | teacher weights | UNIV weights '
             '| UNIV vs teacher |', '|---|---|---|---|']
    for modality, protocol in itertools.product(('ir', 'rgb'), PROTOCOLS):
        runs = seg[modality][protocol]
        pairs = list(zip(runs['teacher'], runs['univ'], strict=True))
        change = (_mean_std([u - t for t, u in pairs], '+') + ' mIoU'
                  if modality == 'ir' else
                  _mean_std([100 * u / t for t, u in pairs]) + ' % retained')
        lines.append(_row(f'{modality.upper()} mIoU (%), {protocol}',
                          _mean_std(runs['teacher']), _mean_std(runs['univ']),
                          change))
    return lines


def settings(result: dict) -> str:
    """One line: what was run and with which seeds."""
    seeds, p = result['seeds'], result['params']
    overrides = ', '.join(f'{k}={v}' for k, v in
                          result['pccl_overrides'].items()) or 'none'
    return (f'Synthetic world, preset {result["preset"]}; PCCL lr '
            f'{result["pccl_lr"]:.3g}, {p["pccl_iters"]} iterations of '
            f'{p["batch"]} pairs, config overrides: {overrides}. Seeds: data '
            f'{seeds["data"]}, teacher and PCCL {seeds["teacher_and_pccl"]}, '
            f'downstream {seeds["downstream"]} (mean ± std over them).')


def table(result: dict) -> str:
    """The measured numbers as markdown tables."""
    before, after = (result['alignment']['before'],
                     result['alignment']['after'])
    lines = [settings(result), ''] + seg_rows(result['seg']) + [
        '', '| alignment, held-out pairs (synthetic world) | before PCCL '
        '(student = teacher) | after PCCL | change |', '|---|---|---|---|']
    for key, name, scale in ALIGNMENT_ROWS:
        lines.append(_row(name, scale * before[key], scale * after[key],
                          f'{scale * (after[key] - before[key]):+.2f}'))
    return '\n'.join(lines + ['', *diagnostics(result)])


def diagnostics(result: dict) -> list[str]:
    """Pseudo-pair statistics and PCCL losses as a markdown table."""
    pairs, log = result['pairs'], result['pccl_log']
    num = result['alignment']['before']['chance_top1']**-1
    rows = {
        'positives per row': f'{pairs["positives_per_row"]:.1f} of '
        f'{num:.0f} patches',
        'rows without positive': f'{pairs["empty_row_ratio"]:.3f}',
        "positives of the query's class (chance)":
        f'{pairs["precision"]:.2f} ({pairs["chance"]:.2f})',
        'rows pairing a patch with itself': f'{pairs["self_pair_rate"]:.2f}',
        'same-class negatives, other-class positives per row':
        f'{pairs["same_class_negatives_per_row"]:.1f}, '
        f'{pairs["other_class_positives_per_row"]:.1f}',
        'LoRA weights / backbone weights': f'{pairs["lora_share"]:.2%}',
        'PCCL loss of a student equal to the teacher (val world), share '
        'from negatives': f'{pairs["loss_at_teacher"]:.3f}, '
        f'{pairs["negative_loss_share"]:.0%}',
        **{f'{k}: first logged, last': f'{log["first"][k]:.3f}, '
           f'{log["last"][k]:.3f}' for k in ('loss_rgb', 'loss_ir')}}
    return ['| PCCL diagnostics | value |', '|---|---|',
            *(f'| {k} | {v} |' for k, v in rows.items())]


class StageTimer:
    """Run named stages, printing and keeping their wall times (s)."""

    def __init__(self) -> None:
        self.start, self.seconds = time.perf_counter(), {}

    def __call__(self, name: str, function, *args):
        print(f'[pccl_evidence] {name} ...', flush=True)
        start = time.perf_counter()
        value = function(*args)
        self.seconds[name] = round(time.perf_counter() - start, 1)
        print(f'[pccl_evidence] {name}: {self.seconds[name]} s', flush=True)
        return value

    def report(self) -> dict:
        """Stage times and the total wall time so far."""
        return dict(self.seconds,
                    total=round(time.perf_counter() - self.start, 1))


def pretrain(args: argparse.Namespace, p: dict, out: Path, roots: dict,
             stage: StageTimer) -> dict:
    """Stages teacher to alignment: the teacher, pair statistics, PCCL and
    alignment before / after; ``merged`` is the UNIV backbone file."""
    teacher = dict(checkpoint=args.teacher) if args.teacher else stage(
        'teacher', train_teacher, p, out, roots, args.seed)
    cfg = pccl_config(p, out, roots, teacher['checkpoint'], args.seed)
    cfg.optim_wrapper.optimizer.lr = lr = (
        args.pccl_lr or OFFICIAL_LR_PER_256 * p['batch'] / 256)
    cfg.merge_from_dict(args.cfg_options)
    labelled = labelled_images(roots['seg_val'], p['patch'])
    pairs = stage('pairs', pair_statistics, cfg, labelled)
    before = stage('alignment before', alignment, cfg,
                   out / 'alignment' / 'before', None, labelled)
    stage('pccl', lambda: Runner.from_cfg(cfg.copy()).train())
    last = str(out / 'pccl' / f'iter_{p["pccl_iters"]}.pth')
    after = stage('alignment after', alignment, cfg,
                  out / 'alignment' / 'after', last, labelled)
    # tools/export_backbone.py's merge of the last checkpoint: the same
    # weights and arch as the hook's univ_backbone_iter_N.pth
    merged = export_backbone(last, out / 'pccl' / 'univ_backbone.pth')
    return dict(teacher=teacher, pccl_lr=lr, pairs=pairs, last=last,
                merged=str(merged), alignment=dict(before=before, after=after),
                pccl_log=pccl_log(out / 'pccl'))


def main(argv: list[str] | None = None) -> dict:
    """Run every stage; write evidence.json and evidence.md."""
    args, stage = parse_args(argv), StageTimer()
    p, out, seed = dict(PRESETS[args.preset]), Path(args.out_dir), args.seed
    p['pccl_iters'] = args.pccl_iters or p['pccl_iters']
    result = dict(preset=args.preset, params=p,
                  pccl_overrides=args.cfg_options, seeds=dict(
        data=[seed, seed + 1, seed + 2], teacher_and_pccl=seed,
        downstream=list(range(seed, seed + p['seg_seeds']))))
    roots = stage('data', make_data, out, p, seed)
    result.update(pretrain(args, p, out, roots, stage))
    inits = dict(teacher=dict(type='Pretrained', prefix='backbone.',
                              checkpoint=result['teacher']['checkpoint']),
                 univ=dict(type='Pretrained', checkpoint=result['merged']))
    result['seg'] = stage('seg', downstream, p, out, roots, inits, seed)
    result['figures'] = stage('figures', figures, out, out / 'pccl',
                              out / 'alignment' / 'before' / 'init.pth',
                              result['last'])
    result.update(timings_s=stage.report(), cpu=dict(
        count=os.cpu_count(), load_avg=os.getloadavg()))
    (out / 'evidence.json').write_text(json.dumps(result, indent=2))
    (out / 'evidence.md').write_text(table(result) + '\n')
    print(table(result))
    print(json.dumps(result['timings_s']))
    return result


if __name__ == '__main__':
    main()
