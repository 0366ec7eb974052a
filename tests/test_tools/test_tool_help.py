"""``--help`` answers before torch and the OpenMMLab stack load."""
import subprocess
import sys

import pytest

#: Runs the tool's ``--help`` in a fresh interpreter and says whether torch
#: was imported.
HELP_IMPORTS_TORCH = '''
import runpy, sys
tool = sys.argv[1]
sys.argv = [tool, '--help']
try:
    runpy.run_path(tool, run_name='__main__')
except SystemExit:
    pass
print('torch imported:', 'torch' in sys.modules)
'''


@pytest.mark.parametrize('tool', ['tools/export_backbone.py',
                                  'tools/visualize_pccl.py'])
def test_help_imports_no_torch(tool):
    result = subprocess.run([sys.executable, '-c', HELP_IMPORTS_TORCH, tool],
                            capture_output=True, text=True, check=True)
    assert 'usage:' in result.stdout
    assert result.stdout.endswith('torch imported: False\n')
