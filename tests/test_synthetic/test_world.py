"""Tests of the synthetic RGB-IR world, its MVIP writer and its labels."""
import json
import os
import os.path as osp
import runpy
import sys

import cv2
import numpy as np
import pytest

from univ_mm.datasets.mvip import MVIPDataset
from univ_mm.synthetic.world import (
    CLASSES,
    THINGS,
    Scene,
    generate_synthetic_mvip,
    render_scene,
    scene_boxes,
)

SIZE = (48, 64)
TOOL = osp.join(osp.dirname(__file__), '..', '..', 'tools', 'misc',
                'generate_synthetic_mvip.py')


def _files(root):
    """Relative path -> bytes of every image under ``root``."""
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith('.png'):
                path = osp.join(folder, name)
                with open(path, 'rb') as f:
                    out[osp.relpath(path, root)] = f.read()
    return out


def test_layout_and_loading(tmp_path):
    root = str(tmp_path / 'synth')
    summary = generate_synthetic_mvip(root, num_pairs=7, image_size=SIZE)
    assert summary['pairs'] == {'SYNTH_DAY': 4, 'SYNTH_NIGHT': 3}
    assert not summary['skipped'] and summary['out_dir'] == root
    files = _files(root)
    assert len(files) == 14
    name = 'synth_day_000000.png'
    rgb = cv2.imread(osp.join(root, 'SYNTH_DAY/vi_images/training', name),
                     cv2.IMREAD_UNCHANGED)
    ir = cv2.imread(osp.join(root, 'SYNTH_DAY/images/training', name),
                    cv2.IMREAD_UNCHANGED)
    assert rgb.shape == (*SIZE, 3) and ir.shape == SIZE
    ds = MVIPDataset(root, sources=['SYNTH_DAY', 'SYNTH_NIGHT'], pipeline=[
        {'type': 'univ_mm.LoadPairedImages'},
        {'type': 'univ_mm.PackPairedInputs'}
    ])
    assert len(ds) == 7
    out = ds[6]
    assert out['data_samples'].source == 'SYNTH_NIGHT'
    assert out['inputs']['ir'].shape == (3, *SIZE)


def test_deterministic(tmp_path):
    first = _files(generate_synthetic_mvip(
        str(tmp_path / 'a'), num_pairs=4, image_size=SIZE, seed=3)['out_dir'])
    again = _files(generate_synthetic_mvip(
        str(tmp_path / 'b'), num_pairs=4, image_size=SIZE, seed=3)['out_dir'])
    other = _files(generate_synthetic_mvip(
        str(tmp_path / 'c'), num_pairs=4, image_size=SIZE, seed=4)['out_dir'])
    assert first == again
    assert first.keys() == other.keys()
    assert all(first[k] != other[k] for k in first)


def test_idempotent_and_regenerates(tmp_path):
    root = str(tmp_path / 'synth')
    generate_synthetic_mvip(root, num_pairs=6, image_size=SIZE)
    stamps = {k: os.stat(osp.join(root, k)).st_mtime_ns
              for k in _files(root)}
    again = generate_synthetic_mvip(root, num_pairs=6, image_size=SIZE)
    assert again['skipped']
    assert stamps == {k: os.stat(osp.join(root, k)).st_mtime_ns
                      for k in _files(root)}
    # An incomplete set is regenerated.
    victim = osp.join(root, 'SYNTH_NIGHT/images/training',
                      'synth_night_000001.png')
    os.remove(victim)
    assert not generate_synthetic_mvip(root, num_pairs=6,
                                       image_size=SIZE)['skipped']
    assert osp.isfile(victim)
    # New parameters replace the old set, leaving no stale pair behind.
    assert not generate_synthetic_mvip(root, num_pairs=4,
                                       image_size=SIZE)['skipped']
    assert len(_files(root)) == 8
    assert len(MVIPDataset(root, sources=['SYNTH_DAY', 'SYNTH_NIGHT'])) == 4
    manifest_path = osp.join(root, 'synthetic_mvip.json')
    with open(manifest_path) as f:
        manifest = json.load(f)
    assert manifest['params']['num_pairs'] == 4 and manifest['complete']
    # A run that stopped half-way (manifest not marked complete) is cleaned
    # up and redone, even with the same parameters.
    generate_synthetic_mvip(root, num_pairs=10, image_size=SIZE)
    with open(manifest_path, 'w') as f:
        json.dump(dict(manifest, params=dict(manifest['params'],
                                             num_pairs=10),
                       complete=False), f)
    assert not generate_synthetic_mvip(root, num_pairs=10,
                                       image_size=SIZE)['skipped']
    with open(manifest_path, 'w') as f:
        json.dump(dict(manifest, params=dict(manifest['params'],
                                             num_pairs=10),
                       complete=False), f)
    assert not generate_synthetic_mvip(root, num_pairs=4,
                                       image_size=SIZE)['skipped']
    assert len(_files(root)) == 8


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match='num_pairs'):
        generate_synthetic_mvip(str(tmp_path), num_pairs=1)
    with pytest.raises(ValueError, match='unique'):
        generate_synthetic_mvip(str(tmp_path), sources=('A', 'A'))


def test_scene_maps_and_thermal_classes():
    person, sky = CLASSES.index('person'), CLASSES.index('sky')
    ir_spread, rgb_spread = [], []
    for i in range(12):
        night = i % 2 == 1
        scene = render_scene(np.random.default_rng(i), SIZE, night)
        assert scene.rgb.shape == (*SIZE, 3) and scene.ir.shape == SIZE
        assert scene.class_map.shape == scene.object_map.shape == SIZE
        np.testing.assert_array_equal(
            scene.object_classes[scene.object_map], scene.class_map)
        assert (scene.class_map == sky).any()
        if not (scene.class_map == person).any():
            continue
        # Warm people, cold sky, by day and by night.
        ir = scene.ir.astype(float)
        assert ir[scene.class_map == person].mean() > ir[
            scene.class_map == sky].mean() + 100
        for obj in np.flatnonzero(scene.object_classes == person):
            mask = scene.object_map == obj
            if mask.sum() >= 20:
                ir_spread.append(ir[mask].mean())
                rgb_spread.append(scene.rgb[mask].mean())
    # Thermal intensity is set by the class, RGB colour by the instance.
    assert len(ir_spread) >= 5
    assert np.std(ir_spread) * 3 < np.std(rgb_spread)


def test_night_is_darker_in_rgb_only():
    day = [render_scene(np.random.default_rng(i), SIZE, False)
           for i in range(4)]
    night = [render_scene(np.random.default_rng(i), SIZE, True)
             for i in range(4)]
    assert np.mean([s.rgb.mean() for s in night]) < 0.5 * np.mean(
        [s.rgb.mean() for s in day])
    assert abs(np.mean([s.ir.mean() for s in night]) -
               np.mean([s.ir.mean() for s in day])) < 40


def test_cli(tmp_path, monkeypatch, capsys):
    out = str(tmp_path / 'cli')
    monkeypatch.setattr(sys, 'argv', [
        TOOL, out, '--num-pairs', '4', '--size', '32', '40', '--seed', '1'
    ])
    runpy.run_path(TOOL, run_name='__main__')
    summary = json.loads(capsys.readouterr().out)
    assert summary['pairs'] == {'SYNTH_DAY': 2, 'SYNTH_NIGHT': 2}
    assert summary['image_size'] == [32, 40] and not summary['skipped']
    assert len(_files(out)) == 8


def _read_json(path):
    with open(path) as f:
        return json.load(f)


@pytest.fixture(scope='module')
def labelled(tmp_path_factory):
    """A labelled set of 10 pairs, 2 of them held out."""
    root = str(tmp_path_factory.mktemp('labelled'))
    return root, generate_synthetic_mvip(root, num_pairs=10, image_size=SIZE,
                                         seed=5, with_labels=True)


def test_labels_are_the_rendered_class_maps(labelled):
    root, summary = labelled
    assert summary['splits'] == {'train': 8, 'val': 2}
    warm, cold = CLASSES.index('person'), CLASSES.index('sky')
    for k, source in enumerate(('SYNTH_DAY', 'SYNTH_NIGHT')):
        for i in range(5):
            name = f'{source.lower()}_{i:06d}.png'
            scene = render_scene(np.random.default_rng([5, k, i]), SIZE,
                                 night=k == 1)
            label = cv2.imread(osp.join(root, source, 'labels/training',
                                        name), cv2.IMREAD_UNCHANGED)
            np.testing.assert_array_equal(label, scene.class_map)
            ir = cv2.imread(osp.join(root, source, 'images/training', name),
                            cv2.IMREAD_UNCHANGED).astype(float)
            if (label == warm).sum() >= 10:  # labels agree with the heat
                assert ir[label == warm].mean() > ir[label == cold].mean()


def test_boxes_are_tight_around_visible_pixels(labelled):
    root, _ = labelled
    for modality, folder in (('rgb', 'vi_images'), ('ir', 'images')):
        coco = _read_json(osp.join(root, 'annotations', f'train_{modality}'
                                   '.json'))
        assert [c['name'] for c in coco['categories']] == list(THINGS)
        assert coco['annotations']
        for image in coco['images']:
            assert f'/{folder}/' in image['file_name']
            assert osp.isfile(osp.join(root, image['file_name']))
        images = {image['id']: image for image in coco['images']}
        for ann in coco['annotations']:
            image = images[ann['image_id']]
            label = cv2.imread(osp.join(
                root, image['file_name'].replace(folder, 'labels')),
                cv2.IMREAD_UNCHANGED)
            x, y, w, h = ann['bbox']
            inside = label[y:y + h, x:x + w] == CLASSES.index(
                THINGS[ann['category_id'] - 1])
            # tight: the class is visible on every edge of the box
            assert inside[0].any() and inside[-1].any()
            assert inside[:, 0].any() and inside[:, -1].any()
            assert ann['area'] <= inside.sum()


def test_boxes_skip_occluded_small_and_stuff_objects():
    object_map = np.zeros((6, 8), np.int32)  # object 0: sky
    object_map[1:4, 2:5] = 1  # a person
    object_map[5, 7] = 2  # a car, one visible pixel
    classes = np.array([CLASSES.index(c) for c in (
        'sky', 'person', 'car', 'car')], np.uint8)  # object 3: fully hidden
    scene = Scene(None, None, classes[object_map], object_map, classes)
    boxes = scene_boxes(scene)
    assert boxes == [dict(object_id=1, category='person', area=9,
                          bbox=[2, 1, 3, 3])]
    assert [b['object_id'] for b in scene_boxes(scene, min_pixels=1)] == [
        1, 2]


def test_splits_hold_out_pairs_and_load(labelled):
    root, _ = labelled
    lists = {}
    for split in ('train', 'val'):
        with open(osp.join(root, 'splits', f'{split}.txt')) as f:
            lists[split] = [line.split() for line in f.read().splitlines()]
        dataset = MVIPDataset(root, ann_file=f'splits/{split}.txt')
        assert len(dataset) == len(lists[split])
        coco = _read_json(osp.join(root, 'annotations', f'{split}_ir.json'))
        assert [i['file_name'] for i in coco['images']] == [
            ir for _, ir in lists[split]]
    assert [osp.basename(rgb) for rgb, _ in lists['val']] == [
        'synth_day_000004.png', 'synth_night_000004.png']
    assert not {r for r, _ in lists['train']} & {r for r, _ in lists['val']}


def test_labelled_set_is_deterministic_and_removed_on_change(tmp_path):
    def everything(root):
        return {osp.relpath(osp.join(d, n), root): open(
            osp.join(d, n), 'rb').read() for d, _, names in os.walk(root)
            for n in names if n != 'synthetic_mvip.json'}

    for name in ('a', 'b'):
        generate_synthetic_mvip(str(tmp_path / name), num_pairs=4,
                                image_size=SIZE, seed=2, with_labels=True)
    first = everything(tmp_path / 'a')
    assert first == everything(tmp_path / 'b')
    assert len(first) == 4 * 3 + 2 + 4  # images, labels; lists; COCO files
    generate_synthetic_mvip(str(tmp_path / 'a'), num_pairs=4,
                            image_size=SIZE, seed=2)
    assert set(everything(tmp_path / 'a')) == {
        k for k in first if 'labels' not in k and 'annotations' not in k}
