"""A pre-training config whose training pipeline decodes on the device.

The GPU decode path of docs/en/gpu.md: ``LoadPairedImages(
decode='device')`` in the training pipeline and
``model.data_preprocessor.decode_on_device=True``, while validation keeps
decoding on the CPU. The prepared GPU check and the tests run a train +
validation cycle of it on generated pairs.
"""
from mmengine.config import Config


def decode_on_device_cycle(cfg: Config, data_root: str, size: int,
                           hold_out: int, iters: int, val_batch: int,
                           work_dir: str) -> Config:
    """Set ``cfg`` (a pre-training config) up for that cycle.

    Args:
        cfg (Config): The config; changed in place.
        data_root (str): Generated pairs of one source, ``TEXTURED``
            (:func:`univ_mm.synthetic.textured_pairs.write_textured_pairs`).
        size (int): Crop side.
        hold_out (int): Pairs held out for validation.
        iters (int): Training iterations, then one validation.
        val_batch (int): Validation batch size.
        work_dir (str): The runner's work dir.

    Returns:
        Config: ``cfg``.
    """
    cfg.model.data_preprocessor.decode_on_device = True
    data = dict(data_root=data_root, sources=['TEXTURED'], ann_file='',
                hold_out=hold_out)
    cfg.train_dataloader.update(batch_size=4, num_workers=0,
                                persistent_workers=False)
    cfg.train_dataloader.dataset.update(data, pipeline=[
        dict(type='LoadPairedImages', ir_color_type='grayscale',
             decode='device'),
        dict(type='PairedRandomResizedCrop', scale=size),
        dict(type='PairedRandomFlip', prob=0.5),
        dict(type='PackPairedInputs')])
    cfg.val_dataloader.update(batch_size=val_batch)
    cfg.val_dataloader.dataset.update(data, held_out_only=True, pipeline=[
        dict(type='LoadPairedImages', ir_color_type='grayscale',
             decode='crop'),
        dict(type='PairedRandomResizedCrop', scale=size,
             side_range=(1.0, 1.0)),
        dict(type='PackPairedInputs')])
    cfg.train_cfg.update(max_iters=iters, val_interval=iters)
    cfg.default_hooks.checkpoint.interval = 100
    cfg.work_dir = work_dir
    return cfg
