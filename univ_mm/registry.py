"""Child registries of MMEngine's roots under the ``univ_mm`` scope.

Every registry here has the matching MMEngine root as parent, so a config of
MMSegmentation, MMDetection or MMPretrain reaches our modules as
``type='univ_mm.X'`` once ``custom_imports=dict(imports=['univ_mm'])`` is set,
and our own configs (``default_scope='univ_mm'``) still find every module of
MMEngine and MMCV through the parent.
"""
from mmengine import registry as root
from mmengine.registry import Registry

SCOPE = 'univ_mm'


def _child(parent: Registry, location: str) -> Registry:
    """Build the ``univ_mm`` child of a root registry."""
    return Registry(
        parent.name, parent=parent, scope=SCOPE, locations=[location])


RUNNERS = _child(root.RUNNERS, 'univ_mm.engine')
RUNNER_CONSTRUCTORS = _child(root.RUNNER_CONSTRUCTORS, 'univ_mm.engine')
LOOPS = _child(root.LOOPS, 'univ_mm.engine')
HOOKS = _child(root.HOOKS, 'univ_mm.engine.hooks')
LOG_PROCESSORS = _child(root.LOG_PROCESSORS, 'univ_mm.engine')
OPTIMIZERS = _child(root.OPTIMIZERS, 'univ_mm.engine')
OPTIM_WRAPPERS = _child(root.OPTIM_WRAPPERS, 'univ_mm.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child(root.OPTIM_WRAPPER_CONSTRUCTORS,
                                    'univ_mm.engine')
PARAM_SCHEDULERS = _child(root.PARAM_SCHEDULERS, 'univ_mm.engine')
DATASETS = _child(root.DATASETS, 'univ_mm.datasets')
DATA_SAMPLERS = _child(root.DATA_SAMPLERS, 'univ_mm.datasets')
TRANSFORMS = _child(root.TRANSFORMS, 'univ_mm.datasets.transforms')
MODELS = _child(root.MODELS, 'univ_mm.models')
MODEL_WRAPPERS = _child(root.MODEL_WRAPPERS, 'univ_mm.engine')
WEIGHT_INITIALIZERS = _child(root.WEIGHT_INITIALIZERS, 'univ_mm.models')
TASK_UTILS = _child(root.TASK_UTILS, 'univ_mm.models')
METRICS = _child(root.METRICS, 'univ_mm.evaluation')
EVALUATOR = _child(root.EVALUATOR, 'univ_mm.evaluation')
VISUALIZERS = _child(root.VISUALIZERS, 'univ_mm.visualization')
VISBACKENDS = _child(root.VISBACKENDS, 'univ_mm.visualization')
