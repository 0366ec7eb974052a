"""Exporting the merged backbone never runs config text of a checkpoint."""
import pytest
import torch

from univ_mm.utils.atomic_io import save_atomically
from univ_mm.utils.export import export_backbone, literal_config


def test_literal_config_reads_mmengine_text():
    cfg = literal_config(
        "model = dict(type='UNIV', arch={'a-b': [1, (2, -3.5)]}, x=None)\n"
        'flags = {True, False}\n', 'text')
    assert cfg.model == dict(type='UNIV', arch={'a-b': [1, (2, -3.5)]},
                             x=None)
    assert cfg.flags == {True, False}


def test_export_never_runs_config_text_in_meta(tmp_path):
    marker = tmp_path / 'config-ran'
    text = f"model = dict(a=__import__('os').mkdir({str(marker)!r}))"
    path = save_atomically(dict(
        state_dict={'backbone.w': torch.ones(1)}, meta=dict(cfg=text)),
        tmp_path / 'iter_2.pth')
    with pytest.raises(ValueError, match='line 1 is not a plain literal'):
        export_backbone(path, tmp_path / 'out.pth')
    assert not marker.exists()


def test_export_into_a_folder_asks_for_a_file_name(tmp_path):
    with pytest.raises(IsADirectoryError, match='give the output file'):
        export_backbone(tmp_path / 'iter_2.pth', tmp_path)
