"""Deterministic runs get cuBLAS's workspace setting before the runner."""
import argparse
import logging
import os

import pytest
from mmengine.logging import MMLogger

from univ_mm.utils.cli import CUBLAS_WORKSPACE, load_config

NAME, VALUE = CUBLAS_WORKSPACE
CONFIG = 'configs/pretrain/univ_vit-t_synthetic-demo.py'


def args(*options: str) -> argparse.Namespace:
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parsed = parser.parse_args(['--cfg-options', *options] if options else [])
    return argparse.Namespace(config=CONFIG, launcher='none', local_rank=0,
                              work_dir=None, cfg_options=parsed.cfg_options)


@pytest.fixture
def messages():
    logger = MMLogger.get_current_instance()
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_deterministic_sets_the_variable_and_logs_it(monkeypatch, messages):
    monkeypatch.delenv(NAME, raising=False)
    load_config(args('randomness.deterministic=True'))
    assert os.environ[NAME] == VALUE == ':4096:8'
    assert sum(NAME in m for m in messages) == 1


def test_a_set_variable_is_kept_and_no_request_sets_nothing(monkeypatch,
                                                            messages):
    monkeypatch.setenv(NAME, ':16:8')
    load_config(args('randomness.deterministic=True'))
    assert os.environ[NAME] == ':16:8'
    monkeypatch.delenv(NAME)
    load_config(args())
    assert NAME not in os.environ
    assert not any(NAME in m for m in messages)
