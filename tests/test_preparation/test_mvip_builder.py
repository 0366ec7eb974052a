"""build_mvip: each public layout becomes MVIP's, without leakage,
resumably."""
import hashlib
import json
import multiprocessing
import os
import signal
from pathlib import Path

import cv2
import pytest
from mvip_layouts import (
    ALL_SPLIT_COUNTS,
    DEFAULT_COUNTS,
    make_dronevehicle,
    make_flir,
    make_kaist,
    make_lasher,
    make_llvip,
    make_sources,
    mark_at,
    mark_centre,
    write_pair,
)

from univ_mm.datasets import MVIPDataset
from univ_mm.image_codecs.inspection import inspect_image
from univ_mm.preparation.mvip_builder.build import build_mvip


@pytest.fixture(scope='module')
def sources(tmp_path_factory) -> tuple[dict[str, Path], Path]:
    return make_sources(tmp_path_factory.mktemp('downloads'))


@pytest.fixture(scope='module')
def built(sources, tmp_path_factory) -> Path:
    """MVIP built with the defaults (1 validation pair per source)."""
    roots, test_list = sources
    out = tmp_path_factory.mktemp('mvip')
    build_mvip(out, roots, m3fd_test_list=test_list, val_per_source=1,
               workers=2)
    return out


def manifest(out: Path) -> dict:
    return json.loads((out / 'manifest.json').read_text())


def pair_files(out: Path, folder: str) -> list[tuple[Path, Path]]:
    names = sorted(p.name for p in
                   (out / folder / 'vi_images' / 'training').iterdir())
    return [(out / folder / 'vi_images' / 'training' / n,
             out / folder / 'images' / 'training' / n) for n in names]


def rgb_paths(dataset: MVIPDataset) -> list[str]:
    return sorted(dataset.get_data_info(i)['rgb_path']
                  for i in range(len(dataset)))


def test_counts_per_source_without_evaluation_splits(built):
    sources = manifest(built)['sources']
    assert {k: v['pairs'] for k, v in sources.items()} == DEFAULT_COUNTS
    for folder, count in DEFAULT_COUNTS.items():
        assert len(pair_files(built, folder)) == count
    names = {f for s in sources.values() for f in s['files']}
    assert not any('set06' in n or n.startswith(('val_', 'test_', 'seqC'))
                   or n.startswith('190001') or n == 'FLIR_00004.jpg'
                   for n in names)
    assert sources['KAIST_MMSEG']['evaluation_splits_left_out'] == {
        'set06': 2}
    assert sources['VisDrone']['evaluation_splits_left_out'] == {
        'val': 1, 'test': 1}
    assert sources['M3FD']['evaluation_splits_left_out'] == {'test list': 1}
    assert sources['FLIR-ALIGN']['skipped'] == {
        'thermal image without an RGB image': 1}
    assert sorted(sources['LLVIP']['files']) == [
        '010001.jpg', '010002.jpg', '010003.jpg']


def test_every_pair_aligned_and_hashed(built):
    for folder, info in manifest(built)['sources'].items():
        for rgb, ir in pair_files(built, folder):
            rgb_img = cv2.imread(str(rgb))
            ir_img = cv2.imread(str(ir), cv2.IMREAD_UNCHANGED)
            assert rgb_img.shape[:2] == ir_img.shape[:2]
            (ry, rx), (iy, ix) = mark_centre(rgb_img), mark_centre(ir_img)
            assert abs(ry - iy) <= 1 and abs(rx - ix) <= 1, rgb
            record = info['files'][rgb.name]
            for modality, path in (('rgb', rgb), ('ir', ir)):
                assert record[modality]['sha256'] == hashlib.sha256(
                    path.read_bytes()).hexdigest()


def test_unchanged_images_are_byte_copies(built, sources):
    roots, _ = sources
    record = manifest(built)['sources']['FLIR-ALIGN']['files'][
        'FLIR_00001.jpg']
    assert record['ir']['from'] == 'JPEGImages/FLIR_00001_PreviewData.jpeg'
    assert record['ir']['written'] == record['rgb']['written'] == 'copy'
    assert (built / 'FLIR-ALIGN/images/training/FLIR_00001.jpg').read_bytes(
    ) == (roots['flir_aligned'] / record['ir']['from']).read_bytes()


def test_dronevehicle_border_removed(built):
    info = manifest(built)['sources']['VisDrone']
    assert info['re_encoded_pairs'] == 2
    for rgb, ir in pair_files(built, 'VisDrone'):
        image = cv2.imread(str(rgb))
        assert image.shape == (512, 640, 3)
        assert image[:3, :3].max() < 40  # the white frame is gone
        seed = 30 + int(rgb.stem.split('_')[1])
        y, x, side = mark_at(seed, (512, 640))
        cy, cx = mark_centre(cv2.imread(str(ir), cv2.IMREAD_GRAYSCALE))
        assert abs(cy - (y + side / 2 - 0.5)) <= 1
        assert abs(cx - (x + side / 2 - 0.5)) <= 1
        assert 'border removed' in info['files'][rgb.name]['ir']['written']


def test_lasher_pairs_frames_by_index(built):
    info = manifest(built)['sources']['LasHeR0428_rename']
    assert sorted(info['files']) == [
        'seqA_000000.jpg', 'seqA_000001.jpg', 'seqA_000002.jpg',
        'seqB_000000.jpg', 'seqB_000001.jpg']
    record = info['files']['seqA_000002.jpg']
    assert record['rgb']['from'].endswith('seqA/visible/v000003.jpg')
    assert record['ir']['from'].endswith('seqA/infrared/i000003.jpg')
    rgb = cv2.imread(str(built / 'LasHeR0428_rename/vi_images/training/'
                         'seqA_000002.jpg'))
    y, x, side = mark_at(12, (32, 40))
    cy, cx = mark_centre(rgb)
    assert abs(cy - (y + side / 2 - 0.5)) <= 1
    assert abs(cx - (x + side / 2 - 0.5)) <= 1


def test_lasher_sequence_with_unequal_counts_is_refused(tmp_path):
    root = make_lasher(tmp_path / 'downloads', unequal=True)
    with pytest.raises(ValueError, match='seqA.*3 visible and 2 infrared'):
        build_mvip(tmp_path / 'mvip', {'lasher': root})
    build_mvip(tmp_path / 'mvip', {'lasher': root}, skip_bad_pairs=True)
    info = manifest(tmp_path / 'mvip')['sources']['LasHeR0428_rename']
    assert info['pairs'] == 2
    assert info['skipped'] == {'sequence with unequal RGB/IR frame counts': 1}


def test_all_splits_and_frame_stride(sources, tmp_path):
    roots, _ = sources
    out = tmp_path / 'mvip'
    report = build_mvip(out, roots, all_splits=True)
    assert {k: v['pairs'] for k, v in report.items()} == ALL_SPLIT_COUNTS
    assert manifest(out)['sources']['MSRS']['options']['all_splits']
    # stride 2: KAIST set00 frames 0, 2, 4 and set06 frame 0; LasHeR seqA
    # frames 0, 2, seqB 0, seqC 0; the other frames' files are deleted
    report = build_mvip(out, roots, all_splits=True, frame_stride=2)
    assert report['KAIST_MMSEG'] == {'pairs': 4, 'written': 0,
                                     'already_done': 4, 'removed': 4,
                                     'files_removed': 8}
    assert report['LasHeR0428_rename']['pairs'] == 4
    assert report['LLVIP']['pairs'] == 4  # not a video source
    kaist = [rgb.name for rgb, _ in pair_files(out, 'KAIST_MMSEG')]
    assert kaist == ['set00_V000_I00000.jpg', 'set00_V000_I00002.jpg',
                     'set00_V000_I00004.jpg', 'set06_V000_I00000.jpg']
    assert manifest(out)['sources']['KAIST_MMSEG']['options'][
        'frame_stride'] == 2


def test_rerun_is_a_no_op(sources, built):
    roots, test_list = sources
    before = (built / 'manifest.json').read_bytes()
    stamps = {p: p.stat().st_mtime_ns for p in built.rglob('*')}
    report = build_mvip(built, roots, m3fd_test_list=test_list,
                        val_per_source=1)
    assert all(r['written'] == r['removed'] == r['files_removed'] == 0
               for r in report.values())
    assert {k: r['already_done'] for k, r in report.items()} == (
        DEFAULT_COUNTS)
    assert (built / 'manifest.json').read_bytes() == before
    assert {p: p.stat().st_mtime_ns for p in built.rglob('*')
            if 'splits' not in p.parts and p.name != 'manifest.json'} == {
        p: t for p, t in stamps.items()
        if 'splits' not in p.parts and p.name != 'manifest.json'}


def build_then_die_at_write(out: Path, roots: dict, write_number: int):
    """Child process: build; on the ``write_number``-th file flush, cut
    the temporary file in half and SIGKILL the process."""
    calls, fsync = [0], os.fsync

    def fsync_then_die(fd: int) -> None:
        calls[0] += 1
        if calls[0] == write_number:
            os.ftruncate(fd, os.fstat(fd).st_size // 2)
            os.kill(os.getpid(), signal.SIGKILL)
        fsync(fd)

    os.fsync = fsync_then_die
    build_mvip(out, roots, workers=1)


def kill_build_at_write(out, roots, write: int) -> None:
    """Build in a child process killed during its ``write``-th image."""
    child = multiprocessing.get_context('fork').Process(
        target=build_then_die_at_write, args=(out, roots, write))
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL


def test_kill_between_files_leaves_no_partial_image(tmp_path):
    roots = {'llvip': make_llvip(tmp_path / 'downloads')}
    out = tmp_path / 'mvip'
    kill_build_at_write(out, roots, 4)
    visible = list(out.rglob('*.jpg'))
    assert len(visible) == 3  # pair 1 (2 files) and the first of pair 2
    # the second of pair 2, cut off, is only a hidden temporary file
    assert len(list(out.rglob('images/training/.010002.jpg.*'))) == 1
    assert all(inspect_image(str(p))[1] is None for p in visible)
    assert not (out / 'manifest.json').exists()
    report = build_mvip(out, roots)
    assert report['LLVIP'] == {'pairs': 3, 'written': 2, 'already_done': 1,
                               'removed': 0, 'files_removed': 0}
    assert not [p for p in out.rglob('.*') if p.is_file()]
    fresh = tmp_path / 'fresh'
    build_mvip(fresh, roots)
    assert manifest(out) == manifest(fresh)


def test_rerun_with_another_stride_after_a_kill_leaves_no_orphan(
        tmp_path):
    """A kill while writing pair 2 leaves its RGB image outside the
    manifest; a rerun that no longer selects pair 2 deletes it, so
    MVIPDataset finds every image paired."""
    roots = {'kaist': make_kaist(tmp_path / 'downloads')}
    out = tmp_path / 'mvip'
    kill_build_at_write(out, roots, 4)
    report = build_mvip(out, roots, frame_stride=5)
    # set00 frames 0 (done before the kill) and 5, set06 is a test split
    assert report['KAIST_MMSEG'] == {'pairs': 2, 'written': 1,
                                     'already_done': 1, 'removed': 0,
                                     'files_removed': 1}
    listed = set(manifest(out)['sources']['KAIST_MMSEG']['files'])
    for folder in ('vi_images', 'images'):
        on_disk = {p.name for p in
                   (out / 'KAIST_MMSEG' / folder / 'training').iterdir()}
        assert on_disk == listed, folder
    assert len(MVIPDataset(str(out), sources=['KAIST_MMSEG'])) == 2


def test_flir_stem_with_spaces_gets_a_safe_name(tmp_path):
    root = make_flir(tmp_path / 'downloads')
    write_pair(root / 'JPEGImages' / 'FLIR_00005 b_RGB.jpg',
               root / 'JPEGImages' / 'FLIR_00005 b_PreviewData.jpeg', 5)
    with open(root / 'align_train.txt', 'a') as file:
        file.write('FLIR_00005 b_PreviewData\n')
    out = tmp_path / 'mvip'
    build_mvip(out, {'flir_aligned': root}, val_per_source=1)
    assert list(manifest(out)['sources']['FLIR-ALIGN']['files']) == [
        'FLIR_00001.jpg', 'FLIR_00002.jpg', 'FLIR_00005_b.jpg']
    lengths = [len(MVIPDataset(str(out), ann_file=f'splits/{split}.txt'))
               for split in ('train', 'val')]
    assert lengths == [2, 1]


def test_mvip_dataset_reads_the_result(built):
    dataset = MVIPDataset(str(built), sources=list(DEFAULT_COUNTS),
                          check_images='full')
    assert len(dataset) == sum(DEFAULT_COUNTS.values())
    # MSRS has one pair: none held out of it, as MVIPDataset would refuse
    held = MVIPDataset(str(built), hold_out=1, held_out_only=True, sources=[
        f for f, n in DEFAULT_COUNTS.items() if n > 1])
    listed = MVIPDataset(str(built), ann_file='splits/val.txt',
                         check_images='full')
    assert rgb_paths(listed) == rgb_paths(held)
    train = (built / 'splits' / 'train.txt').read_text().splitlines()
    assert len(train) + len(listed) == len(dataset)


@pytest.mark.parametrize('damage, message', [
    ('wrong root', 'does not exist'),
    ('empty source', 'holds no images'),
    ('missing modality', 'IR folder not found'),
    ('unreadable image', 'unreadable'),
    ('size mismatch', 'sizes differ'),
])
def test_bad_input_names_path_and_layout(tmp_path, damage, message):
    root = make_llvip(tmp_path / 'downloads')
    train_ir = root / 'infrared' / 'train'
    if damage == 'wrong root':
        root = root / 'nothing'
    elif damage == 'empty source':
        for path in (root / 'visible' / 'train').iterdir():
            path.unlink()
    elif damage == 'missing modality':
        for path in train_ir.iterdir():
            path.unlink()
        train_ir.rmdir()
    elif damage == 'unreadable image':
        (train_ir / '010002.jpg').write_bytes(b'not an image')
    else:
        cv2.imwrite(str(train_ir / '010002.jpg'), cv2.imread(
            str(train_ir / '010002.jpg'))[:16])
    with pytest.raises((FileNotFoundError, ValueError), match=message) as e:
        build_mvip(tmp_path / 'mvip', {'llvip': root})
    text = str(e.value)
    assert str(root) in text or str(train_ir) in text
    if damage in ('empty source', 'missing modality'):
        assert 'Expected layout: LLVIP/{visible,infrared}' in text


def test_unexpected_size_is_refused_or_skipped_and_recorded(tmp_path):
    root = make_dronevehicle(tmp_path / 'downloads')
    cropped = root / 'train' / 'trainimgr' / '00002.jpg'
    cv2.imwrite(str(cropped), cv2.imread(str(cropped))[100:-100, 100:-100])
    (root / 'train' / 'trainimg' / '00002.jpg').write_bytes(
        cropped.read_bytes())
    with pytest.raises(ValueError, match='is 512x640 .* 712x840 images'):
        build_mvip(tmp_path / 'mvip', {'dronevehicle': root})
    build_mvip(tmp_path / 'mvip', {'dronevehicle': root},
               skip_bad_pairs=True)
    info = manifest(tmp_path / 'mvip')['sources']['VisDrone']
    assert info['pairs'] == 1 and list(info['files']) == ['train_00001.jpg']
    assert list(info['bad_pairs']) == ['train_00002.jpg']
    assert info['skipped'] == {'unreadable, cut off or mismatched pair': 1}


def test_m3fd_needs_a_test_list_or_all_splits(sources, tmp_path):
    roots, _ = sources
    with pytest.raises(ValueError, match='no official test split'):
        build_mvip(tmp_path / 'mvip', {'m3fd': roots['m3fd']})
