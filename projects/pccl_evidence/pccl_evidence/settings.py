"""What the experiment runs: teachers, backbones, presets, protocols.

Torch-free, so that ``run.py --help`` answers at once.
"""
from pathlib import Path

#: The experiment's configs.
CONFIGS = Path(__file__).parents[1] / 'configs'
SOURCES = ('SYNTH_DAY', 'SYNTH_NIGHT')
#: Per teacher: its backbone and its pre-training config (None: supervised
#: segmentation with the backbone's seg config).
TEACHERS = {'supervised': dict(backbone='vit', pretrain=None),
            'mae': dict(backbone='vit', pretrain='mae_vit-t_synthetic.py'),
            'convmae': dict(backbone='convmae',
                            pretrain='convmae_synthetic.py')}
#: Per backbone: downstream and PCCL configs, token stride, and the
#: ``frozen_stages`` that freeze nothing and every stage (``None``:
#: ``num_layers``).
BACKBONES = {
    'vit': dict(seg='seg_vit-t_synthetic.py', pccl='pccl_vit-t_synthetic.py',
                stride=8, frozen_stages=(-1, None)),
    'convmae': dict(seg='seg_convmae_synthetic.py',
                    pccl='pccl_convmae_synthetic.py', stride=16,
                    frozen_stages=(0, 3))}
#: Sizes of the experiment (the configs' archs and image size, 64 x 80 px);
#: 'smoke' only checks that every stage runs, on test-sized archs
#: (``archs``: per backbone, the arch and its output channels).
PRESETS = {
    'full': dict(pairs=2048, seg_train=512, seg_val=128, batch=16,
                 teacher_iters=800, mae_iters=600, pccl_iters=640,
                 probe_iters=200, finetune_iters=100, seg_seeds=3,
                 archs=None),
    'smoke': dict(pairs=16, seg_train=8, seg_val=4, batch=4,
                  teacher_iters=2, mae_iters=2, pccl_iters=2, probe_iters=2,
                  finetune_iters=2, seg_seeds=1, archs=dict(
                      vit=(dict(embed_dims=32, num_layers=2, num_heads=2,
                                feedforward_channels=64), 32),
                      convmae=('tiny', 32))),
}
#: The official recipe's learning rate per 256 pairs (linear scaling rule).
OFFICIAL_LR_PER_256 = 1.5e-4
#: Downstream protocols: the linear head learns at HEAD_LR, the backbone at
#: HEAD_LR x lr_mult (frozen: not at all).
HEAD_LR = 1e-2
PROTOCOLS = {'linear probe': dict(frozen=True, lr_mult=0.),
             'fine-tune': dict(frozen=False, lr_mult=0.01)}


#: The configs' image size (h, w): the worlds are generated at it.
IMAGE_SIZE = (64, 80)
#: Per config kind, the keys a preset's test-sized arch replaces: with the
#: arch itself or with its output channels.
ARCH_KEYS = {
    'seg': {'model.backbone.arch': 'arch',
            'model.decode_head.in_channels': 'dims',
            'model.decode_head.channels': 'dims'},
    'pccl': {'model.backbone.arch': 'arch', 'model.teacher.arch': 'arch'},
    'pretrain': {'model.backbone.arch': 'arch',
                 'model.neck.embed_dim': 'dims'},
}
