"""DistributedDataParallel that also runs on machines without a GPU."""
import torch
from mmengine.model import MMDistributedDataParallel

from univ_mm.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """MMEngine's DDP wrapper, minus the GPU ``device_ids`` on CPU.

    MMEngine always passes ``device_ids=[LOCAL_RANK]``, which PyTorch
    rejects for a module on the CPU. Without CUDA this drops them, so
    ``tools/dist_train.sh`` trains with the gloo backend on CPU processes.
    """

    def __init__(self, module: torch.nn.Module, device_ids=None,
                 **kwargs) -> None:
        if not torch.cuda.is_available():
            device_ids = None
        super().__init__(module=module, device_ids=device_ids, **kwargs)
