"""SyncBN layers (GPU only) of a CPU distributed run become BatchNorm."""
import pytest
import torch
import torch.distributed as dist
from torch import nn

from univ_mm.engine import CPUDistributedDataParallel, cpu_ddp


def tiny_model() -> nn.Module:
    return nn.Sequential(nn.Conv2d(3, 4, 1), nn.SyncBatchNorm(4), nn.ReLU(),
                         nn.Sequential(nn.Conv2d(4, 4, 1),
                                       nn.SyncBatchNorm(4)))


def sync_bn_layers(model: nn.Module) -> list[nn.Module]:
    return [m for m in model.modules() if isinstance(m, nn.SyncBatchNorm)]


def test_sync_bn_becomes_batch_norm_with_one_log_line(monkeypatch):
    lines = []
    monkeypatch.setattr(cpu_ddp, 'print_log',
                        lambda msg, **kwargs: lines.append(msg))
    model = tiny_model()
    weight = model[1].weight
    converted = cpu_ddp.revert_sync_batchnorm_on_cpu(model)
    assert not sync_bn_layers(converted)
    assert converted[1].weight is weight  # the same parameters train
    assert lines == ['no GPU: 2 SyncBatchNorm layers (GPU only) run as '
                     'BatchNorm, with the statistics of each process']
    converted(torch.rand(2, 3, 4, 4))
    assert cpu_ddp.revert_sync_batchnorm_on_cpu(nn.BatchNorm2d(4))
    assert len(lines) == 1  # nothing to convert, nothing logged


@pytest.fixture
def one_process_group(tmp_path):
    """A gloo process group of this process alone."""
    dist.init_process_group('gloo', init_method=f'file://{tmp_path}/store',
                            rank=0, world_size=1)
    yield
    dist.destroy_process_group()


@pytest.mark.skipif(torch.cuda.is_available(), reason='the CPU path')
def test_the_cpu_ddp_wrapper_takes_a_sync_bn_model(one_process_group):
    wrapped = CPUDistributedDataParallel(tiny_model(), device_ids=[0])
    assert not sync_bn_layers(wrapped)
    wrapped(torch.rand(2, 3, 4, 4)).sum().backward()
