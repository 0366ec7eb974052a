"""The demo logs its loss from its first iterations, not its first epoch's
end (14 iterations of 224 pairs in batches of 16)."""
from mmengine.config import Config


def test_the_demo_logs_the_loss_from_iteration_2():
    cfg = Config.fromfile('configs/pretrain/univ_vit-t_synthetic-demo.py')
    assert cfg.default_hooks.logger.interval == 2
    assert cfg.train_cfg.max_iters % 2 == 0  # the last iteration is logged
