"""DistributedDataParallel that also runs on machines without a GPU."""
import torch
from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel, revert_sync_batchnorm

from univ_mm.registry import MODEL_WRAPPERS


def revert_sync_batchnorm_on_cpu(module: torch.nn.Module) -> torch.nn.Module:
    """``module`` with its SyncBN layers (GPU only) as BatchNorm, which
    normalises with each process's statistics; logged if there were any.

    MMEngine's ``revert_sync_batchnorm`` replaces each SyncBN layer by a new
    module and keeps every other one, so the new modules are the layers
    converted.
    """
    before = {id(layer) for layer in module.modules()}
    module = revert_sync_batchnorm(module)
    converted = sum(id(layer) not in before for layer in module.modules())
    if converted:
        print_log(f'no GPU: {converted} SyncBatchNorm layers (GPU only) run '
                  'as BatchNorm, with the statistics of each process',
                  logger='current')
    return module


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """MMEngine's DDP wrapper, minus the GPU ``device_ids`` on CPU.

    MMEngine always passes ``device_ids=[LOCAL_RANK]``, which PyTorch
    rejects for a module on the CPU, and PyTorch's DDP refuses SyncBN layers
    there. Without CUDA this drops the ids and turns SyncBN into BatchNorm,
    so ``tools/dist_train.sh`` trains with the gloo backend on CPU processes.
    """

    def __init__(self, module: torch.nn.Module, device_ids=None,
                 **kwargs) -> None:
        if not torch.cuda.is_available():
            device_ids = None
            module = revert_sync_batchnorm_on_cpu(module)
        super().__init__(module=module, device_ids=device_ids, **kwargs)
