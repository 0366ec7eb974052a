"""Tests of MVIPDataset: folder scan, pair lists and error messages."""
import json
import os
import os.path as osp

import pytest
from mmengine.logging import MMLogger

from univ_mm.datasets.mvip import MVIPDataset
from univ_mm.datasets.validation import on_rank_zero
from univ_mm.registry import DATASETS


def test_pairs_by_name_across_sources(make_mvip):
    root = make_mvip({
        'B_SRC': ['b.png', 'a.jpg', 'c.PNG', 'readme.txt'],
        'A_SRC': ['z.bmp', 'y.tif'],
    })
    ds = MVIPDataset(root, sources=['B_SRC', 'A_SRC'])
    assert len(ds) == 5
    items = [ds.get_data_info(i) for i in range(len(ds))]
    # Order of `sources`, then sorted names; readme.txt is ignored.
    assert [(d['source'], d['pair_name']) for d in items] == [
        ('B_SRC', 'a.jpg'), ('B_SRC', 'b.png'), ('B_SRC', 'c.PNG'),
        ('A_SRC', 'y.tif'), ('A_SRC', 'z.bmp')
    ]
    for d in items:
        assert osp.isabs(d['rgb_path']) and osp.isfile(d['rgb_path'])
        assert d['rgb_path'] == osp.join(root, d['source'], 'vi_images',
                                         'training', d['pair_name'])
        assert d['ir_path'] == osp.join(root, d['source'], 'images',
                                        'training', d['pair_name'])


def test_relative_root_and_registry(make_mvip, monkeypatch):
    root = make_mvip({'S': ['a.png', 'b.png', 'c.png']})
    monkeypatch.chdir(osp.dirname(root))
    ds = DATASETS.build(
        {'type': 'MVIPDataset', 'data_root': 'MVIP', 'sources': ['S'],
         'indices': [2], 'serialize_data': False})
    assert isinstance(ds, MVIPDataset)
    assert len(ds) == 1
    assert ds[0]['rgb_path'] == osp.join(root, 'S', 'vi_images', 'training',
                                         'c.png')


def test_sources_subset_and_folders(make_mvip):
    root = make_mvip({'A': ['a.png'], 'B': ['b1.png', 'b2.png']}, split='val')
    ds = MVIPDataset(root, sources=('B',), split='val')
    assert [ds[i]['pair_name'] for i in range(len(ds))] == ['b1.png', 'b2.png']
    assert {ds[i]['source'] for i in range(len(ds))} == {'B'}
    assert len(MVIPDataset(root, sources='B', split='val')) == 2
    # Swapped folder names swap the modalities.
    swapped = MVIPDataset(root, sources=['A'], split='val',
                          rgb_folder='images', ir_folder='vi_images')
    assert '/images/val/' in swapped[0]['rgb_path']
    assert '/vi_images/val/' in swapped[0]['ir_path']


def test_default_sources_are_official(make_mvip):
    assert MVIPDataset.OFFICIAL_SOURCES == (
        'FLIR-ALIGN', 'KAIST_MMSEG', 'LasHeR0428_rename', 'LLVIP', 'VisDrone')
    root = make_mvip({'LLVIP': ['a.png'], 'EXTRA': ['b.png']})
    with pytest.raises(FileNotFoundError) as err:
        MVIPDataset(root)
    msg = str(err.value)
    assert 'FLIR-ALIGN' in msg and 'VisDrone' in msg
    assert "['EXTRA', 'LLVIP']" in msg  # what exists
    assert "sources=['LLVIP']" in msg  # what to pass


def _write_list(root, name, text):
    path = osp.join(root, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


def test_txt_pair_list(make_mvip):
    root = make_mvip({'S': ['a.png', 'b.png'], 'T': ['c.png']})
    _write_list(root, 'pairs.txt', (
        '# rgb ir\n\n'
        'T/vi_images/training/c.png T/images/training/c.png\n'
        '  S/vi_images/training/a.png   S/images/training/b.png  \n'))
    ds = MVIPDataset(root, ann_file='pairs.txt')
    assert len(ds) == 2
    assert ds[0]['rgb_path'] == osp.join(root, 'T/vi_images/training/c.png')
    assert ds[1]['ir_path'] == osp.join(root, 'S/images/training/b.png')
    assert ds[1]['pair_name'] == 'a.png'
    assert {ds[i]['source'] for i in range(2)} == {'list'}


def test_json_pair_list(make_mvip):
    root = make_mvip({'S': ['a.png', 'b.png']})
    entries = [{'rgb': f'S/vi_images/training/{n}',
                'ir': f'S/images/training/{n}'} for n in ('b.png', 'a.png')]
    path = _write_list(root, 'pairs.json', json.dumps(entries))
    ds = MVIPDataset(root, ann_file=path, sources=[])
    assert [ds[i]['pair_name'] for i in range(2)] == ['b.png', 'a.png']
    assert ds[0]['ir_path'] == osp.join(root, 'S/images/training/b.png')


@pytest.mark.parametrize('text, expected', [
    ('S/vi_images/training/a.png\n', 'line 1'),
    ('# c\nS/vi_images/training/a.png S/images/training/a.png x\n', 'line 2'),
    ('\nS/vi_images/training/a.png S/images/training/gone.png\n',
     'gone.png'),
])
def test_txt_pair_list_errors(make_mvip, text, expected):
    root = make_mvip({'S': ['a.png']})
    _write_list(root, 'pairs.txt', text)
    with pytest.raises((ValueError, FileNotFoundError), match=expected):
        MVIPDataset(root, ann_file='pairs.txt')


def test_json_pair_list_errors(make_mvip):
    root = make_mvip({'S': ['a.png']})
    _write_list(root, 'bad.json', json.dumps([{'rgb': 'x.png'}]))
    with pytest.raises(ValueError, match='entry 0'):
        MVIPDataset(root, ann_file='bad.json')
    _write_list(root, 'bad.json', json.dumps([
        {'rgb': 'S/vi_images/training/a.png', 'ir': 'S/images/training/a.png'},
        {'rgb': 'S/vi_images/training/a.png', 'ir': 7}]))
    with pytest.raises(ValueError, match='entry 1'):
        MVIPDataset(root, ann_file='bad.json')
    _write_list(root, 'empty.txt', '# nothing\n')
    with pytest.raises(ValueError, match='lists no pairs'):
        MVIPDataset(root, ann_file='empty.txt')


def test_missing_data_root(tmp_path):
    missing = str(tmp_path / 'nowhere')
    ds = MVIPDataset(missing, lazy_init=True)  # nothing read yet
    with pytest.raises(FileNotFoundError, match='nowhere'):
        ds.full_init()
    with pytest.raises(FileNotFoundError, match='is not a folder'):
        MVIPDataset(missing)


def test_source_without_images(make_mvip, write_image, random_image):
    root = make_mvip({'S': ['a.png'], 'EMPTY': ['notes.txt']})
    with pytest.raises(FileNotFoundError) as err:
        MVIPDataset(root, sources=['S', 'EMPTY'])
    assert "'EMPTY'" in str(err.value)
    assert osp.join(root, 'EMPTY', 'vi_images', 'training') in str(err.value)
    # A modality folder that is missing altogether is reported the same way.
    os.makedirs(osp.join(root, 'NO_IR', 'vi_images', 'training'))
    write_image(osp.join(root, 'NO_IR', 'vi_images', 'training', 'a.png'),
                random_image(0, (8, 10, 3)))
    with pytest.raises(FileNotFoundError, match='NO_IR/images/training'):
        MVIPDataset(root, sources=['NO_IR'])


def test_unpaired_names(make_mvip):
    rgb = ['both.png'] + [f'rgb{i:02d}.png' for i in range(12)]
    root = make_mvip({'S': {'rgb': rgb, 'ir': ['both.png', 'ir_only.png']}})
    with pytest.raises(FileNotFoundError) as err:
        MVIPDataset(root, sources=['S'])
    msg = str(err.value)
    assert '12 RGB image(s)' in msg and '1 IR image(s)' in msg
    assert 'rgb09.png' in msg and 'rgb10.png' not in msg  # at most 10
    assert '+2 more' in msg and 'ir_only.png' in msg
    assert 'both.png' not in msg


def test_duplicate_or_empty_sources(make_mvip):
    root = make_mvip({'S': ['a.png']})
    with pytest.raises(ValueError, match='twice'):
        MVIPDataset(root, sources=['S', 'S'])
    with pytest.raises(ValueError, match='empty'):
        MVIPDataset(root, sources=[])


def _names(dataset):
    return [(dataset.get_data_info(i)['source'],
             dataset.get_data_info(i)['pair_name'])
            for i in range(len(dataset))]


def test_hold_out_splits_every_source_evenly(make_mvip):
    root = make_mvip({'S': [f'{i}.png' for i in range(10)],
                      'T': [f'{i}.png' for i in range(4)]})
    train = MVIPDataset(root, sources=['S', 'T'], hold_out=3)
    val = MVIPDataset(root, sources=['S', 'T'], hold_out=3,
                      held_out_only=True)
    # evenly spaced over the sorted names: indices 0, 3, 6 of S (10 / 3)
    # and 0, 1, 2 of T (4 / 3)
    assert _names(val) == [('S', '0.png'), ('S', '3.png'), ('S', '6.png'),
                           ('T', '0.png'), ('T', '1.png'), ('T', '2.png')]
    assert len(train) == 8 and not set(_names(train)) & set(_names(val))
    everything = MVIPDataset(root, sources=['S', 'T'])
    assert sorted(_names(train) + _names(val)) == sorted(_names(everything))


def test_hold_out_of_a_pair_list(make_mvip):
    root = make_mvip({'S': ['a.png', 'b.png', 'c.png']})
    _write_list(root, 'pairs.txt', ''.join(
        f'S/vi_images/training/{n}.png S/images/training/{n}.png\n'
        for n in 'abc'))
    val = MVIPDataset(root, ann_file='pairs.txt', hold_out=1,
                      held_out_only=True)
    assert _names(val) == [('list', 'a.png')]
    assert len(MVIPDataset(root, ann_file='pairs.txt', hold_out=1)) == 2


@pytest.mark.parametrize('kwargs, message', [
    (dict(hold_out=-1), 'hold_out must be >= 0'),
    (dict(held_out_only=True), 'and > 0 with held_out_only'),
    (dict(hold_out=2), "no training pair in 'T' \\(2 pairs\\)")])
def test_bad_hold_out_is_refused(make_mvip, kwargs, message):
    root = make_mvip({'S': ['a.png', 'b.png', 'c.png'],
                      'T': ['a.png', 'b.png']})
    with pytest.raises(ValueError, match=message):
        MVIPDataset(root, sources=['S', 'T'], **kwargs)


def test_build_names_the_set_and_shows_the_check_progress(
        make_mvip, monkeypatch, capsys):
    root = make_mvip({'S': ['a.png', 'b.png', 'c.png']})
    logged = []
    monkeypatch.setattr(MMLogger.get_current_instance(), 'info',
                        logged.append)
    MVIPDataset(root, sources=['S'], hold_out=1, held_out_only=True,
                test_mode=True)
    MVIPDataset(root, sources=['S'], hold_out=1)
    assert 'MVIPDataset: checking the images of 1 items' in logged[0]
    assert logged[1].startswith('MVIPDataset (validation set, the 1 held')
    assert logged[3].startswith('MVIPDataset (training set, 1 per source')
    assert '2/2' in capsys.readouterr().out  # the progress bar


def test_rank_zero_errors_reach_the_caller():
    def fail():
        raise ValueError('bad pair')

    assert on_rank_zero(lambda: 3) == 3
    with pytest.raises(ValueError, match='bad pair'):
        on_rank_zero(fail)
