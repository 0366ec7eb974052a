"""The package's layers: no module imports a package of a higher layer.

Read from the source (every ``import univ_mm.X`` and ``from univ_mm.X
import``, in functions too), so the rule holds for imports that only run
later.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / 'univ_mm'
#: Lowest first. A package may import its own layer and those below.
LAYERS = (
    # plain building blocks: registries, image files, checkpoint files
    {'__init__', 'registry', 'version', 'image_codecs', 'checkpoint'},
    # offline and synthetic data, torch-free
    {'preparation', 'synthetic'},
    # what a runner builds
    {'models', 'datasets'},
    # what a runner runs around the model
    {'engine', 'evaluation', 'visualization'},
    # downstream adapters, benchmarks, deployment, the tools' helpers and
    # the inference the tools run (apis: MMSeg's and MMDet's naming)
    {'seg', 'det', 'benchmarks', 'deploy', 'utils', 'apis'},
)
LAYER = {name: level for level, names in enumerate(LAYERS) for name in names}
MODULES = sorted(PACKAGE.rglob('*.py'))


def package_of(path: Path) -> str:
    """The first-level package (or module) of ``univ_mm`` a file is in."""
    return path.relative_to(PACKAGE).with_suffix('').parts[0]


def imported_packages(path: Path) -> set[str]:
    """The first-level ``univ_mm`` packages a file imports absolutely."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and not node.level:
            names.add(node.module or '')
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.split('.')[1] for name in names
            if name.startswith('univ_mm.')}


def test_every_package_has_a_layer():
    assert {package_of(path) for path in MODULES} == set(LAYER)


@pytest.mark.parametrize('path', MODULES,
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_higher_layer(path):
    level = LAYER[package_of(path)]
    higher = {name for name in imported_packages(path) - {package_of(path)}
              if LAYER[name] > level}
    assert not higher, (f'{path.relative_to(PACKAGE)} (layer {level}) '
                        f'imports {sorted(higher)} from a higher layer')
