"""The downstream benchmarks, their published figures and the configs
reproducing the published protocols."""
from dataclasses import dataclass
from pathlib import Path

#: The RGB retention UNIV claims, in percent of the reference.
CLAIMED_RETENTION = 99.0


@dataclass(frozen=True)
class Benchmark:
    """A column: its title, task (``'seg'``/``'det'``) and modality."""

    title: str
    task: str
    modality: str


BENCHMARKS = {
    'msrs-ir': Benchmark('MSRS-IR', 'seg', 'IR'),
    'msrs-rgb': Benchmark('MSRS-RGB', 'seg', 'RGB'),
    'soda': Benchmark('SODA', 'seg', 'IR'),
    'mfnet-t': Benchmark('MFNet-T', 'seg', 'IR'),
    'mfnet-rgb': Benchmark('MFNet-RGB', 'seg', 'RGB'),
    'scut-seg': Benchmark('SCUT-Seg', 'seg', 'IR'),
    'flir-ir': Benchmark('FLIR-IR', 'det', 'IR'),
    'flir-aligned-ir': Benchmark('FLIR-aligned-IR', 'det', 'IR'),
    'flir-aligned-rgb': Benchmark('FLIR-aligned-RGB', 'det', 'RGB'),
    'm3fd-ir': Benchmark('M3FD-IR', 'det', 'IR'),
    'm3fd-rgb': Benchmark('M3FD-RGB', 'det', 'RGB'),
    'llvip-ir': Benchmark('LLVIP-IR', 'det', 'IR'),
    'llvip-rgb': Benchmark('LLVIP-RGB', 'det', 'RGB'),
    # the newcomer's journey (make demo-downstream): no published numbers
    'synthetic-ir': Benchmark('Synthetic-IR', 'seg', 'IR'),
    'synthetic-det-ir': Benchmark('Synthetic-IR', 'det', 'IR'),
}
#: The pixel-aligned sets the RGB-T configs fuse: (task, title, the
#: single-camera benchmarks of the same images: RGB, IR).
RGBT_SETS = {
    'mfnet': ('seg', 'MFNet', 'mfnet-rgb', 'mfnet-t'),
    'msrs': ('seg', 'MSRS', 'msrs-rgb', 'msrs-ir'),
    'flir-aligned': ('det', 'FLIR-aligned', 'flir-aligned-rgb',
                     'flir-aligned-ir'),
    'llvip': ('det', 'LLVIP', 'llvip-rgb', 'llvip-ir'),
    'm3fd': ('det', 'M3FD', 'm3fd-rgb', 'm3fd-ir'),
}
#: A fused checkpoint's test conditions: benchmark suffix, title, and the
#: camera ``tools/test.py --drop-modality`` drops (None: both seen).
RGBT_CONDITIONS = (('', 'fused', None), ('-rgb-lost', 'RGB lost', 'rgb'),
                   ('-ir-lost', 'IR lost', 'ir'))
BENCHMARKS.update({
    f'{name}-rgbt{suffix}': Benchmark(f'{title} {what}', task, 'RGB-T')
    for name, (task, title, _, _) in RGBT_SETS.items()
    for suffix, what, _ in RGBT_CONDITIONS})
#: Columns shown only when a run fills them (nothing is published there).
RUN_ONLY = ('synthetic-ir', 'synthetic-det-ir')
#: UNIP's thermal segmentation sets; their mean is a column of its own.
UNIP_SETS = ('soda', 'mfnet-t', 'scut-seg')
UNIP_MEAN = 'unip-mean'
#: Per task: the logged metric, its scale to percent, the table's title.
METRICS = {
    'seg': ('mIoU', 1.0, 'Segmentation (mIoU, %)'),
    'det': ('coco/bbox_mAP', 100.0, 'Detection (COCO AP, %)'),
}
#: Published numbers: (model, {benchmark: value as published}, source).
PUBLISHED = (
    ('UNIV (paper; ConvMAE-B + LoRA)', {'msrs-ir': '76.0'},
     'third-party summary of the UNIV paper'),
    ('UNIP-B (fine-tune)', {UNIP_MEAN: '~65.2'}, 'UNIP repository chart'),
    ('UNIP-B (linear probe)', {UNIP_MEAN: '~51.5'}, 'UNIP repository chart'),
    ('PAD ViT-B', {'soda': '~68.3', 'mfnet-t': '~48.7', 'flir-ir': '~45.3'},
     'PAD repository chart'),
    ('CMX MiT-B2 / MiT-B4 (two backbones)', {'mfnet-rgbt': '58.2 / 59.7'},
     'CMX paper (Zhang et al., 2023), as cited in issue 28; not re-checked'),
    ('Sigma (Siamese Mamba)', {'mfnet-rgbt': '60.2-61.3'},
     'Sigma paper (Wan et al., 2024), as cited in issue 28; not re-checked'),
    ('UniRGB-IR (ViT-B + adapters)', {'flir-aligned-rgbt': '81.4 (AP50)'},
     'UniRGB-IR paper, as cited in issue 28; AP50, not COCO AP'),
)


#: The config of each benchmark's published protocol: the configs reproduce
#: the sources' protocols value for value (configs/seg/README.md,
#: Protocols).
PROTOCOL_CONFIGS = {
    'msrs-ir': 'seg/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py',
    'msrs-rgb': 'seg/upernet_univ-vit-b_4xb2-48k_msrs-rgb-512x512.py',
    'soda': 'seg/upernet_univ-vit-b_2xb4-14.4k_soda-512x512.py',
    'mfnet-t': 'seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-t-512x512.py',
    'mfnet-rgb': 'seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-rgb-512x512.py',
    'scut-seg': 'seg/upernet_univ-vit-b_2xb4-16.8k_scut-seg-512x512.py',
    'flir-ir': 'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-53k_flir-ir-1024.py',
    'flir-aligned-ir':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_flir-aligned-ir-1024.py',
    'flir-aligned-rgb':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_flir-aligned-rgb-1024.py',
    'm3fd-ir': 'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_m3fd-ir-1024.py',
    'm3fd-rgb': 'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_m3fd-rgb-1024.py',
    'llvip-ir': 'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_llvip-ir-1024.py',
    'llvip-rgb':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_llvip-rgb-1024.py',
    'mfnet-rgbt': 'seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-rgbt-512x512.py',
    'msrs-rgbt': 'seg/upernet_univ-vit-b_4xb2-48k_msrs-rgbt-512x512.py',
    'flir-aligned-rgbt':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_flir-aligned-rgbt-1024.py',
    'llvip-rgbt':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_llvip-rgbt-1024.py',
    'm3fd-rgbt':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_m3fd-rgbt-1024.py',
    'synthetic-ir': 'seg/fcn_univ-vit-t-p16_1xb8-300_synthetic-ir-112x112.py',
    'synthetic-det-ir':
    'det/faster-rcnn_univ-vit-t-p16-sfp_1xb4-300_synthetic-ir-160x128.py',
}
CONFIGS = Path(__file__).resolve().parents[3] / 'configs'
