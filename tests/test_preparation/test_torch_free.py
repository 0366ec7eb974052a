"""The offline layers import neither torch nor the OpenMMLab model stack:
every module of univ_mm.preparation, univ_mm.image_codecs and
univ_mm.synthetic imports in one fresh interpreter where they cannot."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGES = ('preparation', 'image_codecs', 'synthetic')
MODULES = sorted(
    '.'.join(path.relative_to(ROOT).with_suffix('').parts).removesuffix(
        '.__init__')
    for package in PACKAGES
    for path in (ROOT / 'univ_mm' / package).rglob('*.py'))
#: Imports each module (argv) with torch, mmseg, mmdet and mmpretrain
#: unimportable; prints the modules that failed and why, as JSON.
IMPORT_EACH = '''
import importlib, json, sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('torch', 'mmseg', 'mmdet', 'mmpretrain'):
            raise ImportError(f'{name} imported')

sys.meta_path.insert(0, Refuse())
failed = {}
for module in sys.argv[1:]:
    try:
        importlib.import_module(module)
    except ImportError as err:
        failed[module] = str(err)
print(json.dumps(failed))
'''


@pytest.mark.slow
def test_offline_layers_import_without_torch():
    assert len(MODULES) > 15  # every package was found
    result = subprocess.run([sys.executable, '-c', IMPORT_EACH, *MODULES],
                            capture_output=True, text=True, check=True,
                            cwd=ROOT)
    assert json.loads(result.stdout.splitlines()[-1]) == {}
