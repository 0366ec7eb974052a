"""``--help`` of every tool answers before torch and the OpenMMLab stack
load.

Each tool runs in a fresh interpreter of its own (in parallel), in which
importing torch raises and is recorded, an optional import too (with torch
installed it would load): a module that one tool imported cannot hide
another tool's import of it, and a tool that reaches for torch fails fast
instead of loading it.
"""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

#: A subprocess per tool: see ``make test-fast``.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
#: The tools, and the command line of each project.
TOOLS = sorted(str(path.relative_to(ROOT)) for path in [
    *(ROOT / 'tools').rglob('*.py'), *(ROOT / 'projects').glob('*/run.py')])
#: Runs the ``--help`` of one tool (argv[1]) with torch unimportable and
#: prints whether it printed its usage and whether it tried to import
#: torch, as JSON.
HELP_OF_ONE_TOOL = '''
import contextlib, io, json, os, runpy, sys

class NoTorch:
    tried = False
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] == 'torch':
            NoTorch.tried = True
            raise ImportError('torch imported before --help')

sys.meta_path.insert(0, NoTorch())
tool, out = sys.argv[1], io.StringIO()
sys.argv = [tool, '--help']
sys.path.insert(0, os.path.dirname(tool))  # as `python TOOL` does
with contextlib.redirect_stdout(out), contextlib.suppress(Exception,
                                                          SystemExit):
    runpy.run_path(tool, run_name='__main__')
print(json.dumps(dict(usage=out.getvalue().startswith('usage:'),
                      torch=NoTorch.tried)))
'''


def help_of(tool: str) -> dict[str, bool]:
    result = subprocess.run([sys.executable, '-c', HELP_OF_ONE_TOOL, tool],
                            capture_output=True, text=True, check=True,
                            cwd=ROOT)
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope='module')
def help_report() -> dict[str, dict[str, bool]]:
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        return dict(zip(TOOLS, pool.map(help_of, TOOLS), strict=True))


@pytest.mark.parametrize('tool', TOOLS)
def test_help_imports_no_torch(tool, help_report):
    assert help_report[tool] == dict(usage=True, torch=False)
