"""The converters turn each official layout into the mmseg layout."""
import cv2
import numpy as np
import pytest
from PIL import Image

from univ_mm.preparation.conversion import read_label
from univ_mm.seg.datasets import SCUTSegDataset


def read(path) -> np.ndarray:
    with Image.open(path) as img:
        return np.array(img)


def names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize('modality, source', [('ir', 'ir'), ('rgb', 'vi')])
def test_msrs_writes_each_modality_with_its_labels(official, converted,
                                                   modality, source):
    out, raw = converted['msrs'] / modality, official['msrs']
    for split, count in (('train', 3), ('test', 2)):
        images = names(out / 'img_dir' / split)
        assert len(images) == count
        assert images == names(out / 'ann_dir' / split)
        for name in images:
            assert (out / 'img_dir' / split / name).read_bytes() == (
                raw / split / source / name).read_bytes()
            np.testing.assert_array_equal(
                read(out / 'ann_dir' / split / name),
                read(raw / split / 'Segmentation_labels' / name))


def test_mfnet_thermal_is_the_fourth_channel(official, converted):
    scene = read(official['mfnet'] / 'images' / '00005D.png')
    out = converted['mfnet']
    thermal = read(out / 'ir' / 'img_dir' / 'test' / '00005D.png')
    np.testing.assert_array_equal(thermal, scene[..., 3])
    rgb = read(out / 'rgb' / 'img_dir' / 'test' / '00005D.png')
    np.testing.assert_array_equal(rgb, scene[..., :3])
    counts = {s: len(names(out / 'ir' / 'ann_dir' / s))
              for s in ('train', 'val', 'test')}
    assert counts == {'train': 3, 'val': 1, 'test': 2}


def test_soda_keeps_palette_indices_and_drops_duplicates(official,
                                                         converted):
    source = (official['soda'] / 'InfraredSemanticLabel' /
              'SegmentationClassPNG' / '0002.png')
    with Image.open(source) as img:
        assert img.mode == 'P'
        indices = np.array(img)
    written = converted['soda'] / 'ann_dir' / 'train' / '0002.png'
    np.testing.assert_array_equal(read(written), indices)
    # a plain index PNG: OpenCV reads the same indices, not colours
    np.testing.assert_array_equal(
        cv2.imread(str(written), cv2.IMREAD_UNCHANGED), indices)
    assert indices.max() > 2  # colours would differ from indices here
    assert names(converted['soda'] / 'img_dir' / 'train') == [
        '0001.jpg', '0002.jpg', '0003.jpg']
    assert names(converted['soda'] / 'ann_dir' / 'test') == [
        '0004.png', '0005.png']


def test_scut_seg_remaps_raw_ids_in_order(official, converted):
    raw = read(official['scut_seg'] / 'gt_instance' / 'b' /
               '0001_labelIds.png')
    out = read(converted['scut_seg'] / 'ann_dir' / 'train' / 'b_0001.png')
    for index, raw_id in enumerate(SCUTSegDataset.RAW_IDS):
        assert (out[raw == raw_id] == index).all()
    seen = set()
    for path in (converted['scut_seg'] / 'ann_dir').rglob('*.png'):
        seen |= set(np.unique(read(path)).tolist())
    assert seen <= set(range(10)) | {255} and 255 in seen  # raw id 33
    assert names(converted['scut_seg'] / 'img_dir' / 'train') == [
        'a_0001.jpg', 'a_0002.jpg', 'b_0001.jpg']


def test_convert_prints_progress_and_summary(official, load_converter,
                                             tmp_path, capsys):
    load_converter('soda').convert(official['soda'], tmp_path / 'soda')
    out = capsys.readouterr().out
    assert '5/5' in out  # the progress bar
    assert f'SODA: wrote 10 files to {tmp_path / "soda"}' in out
    assert 'img_dir/train: 3' in out and 'ann_dir/test: 2' in out
    assert 'dropped duplicates: 2 listed' in out


def test_msrs_errors_name_unpaired_and_unexpected_files(
        tmp_path, write_official, load_converter):
    root = write_official['msrs'](tmp_path / 'MSRS')
    (root / 'test' / 'vi' / '00001N.png').unlink()
    with pytest.raises(FileNotFoundError, match=r'00001N\.png'):
        load_converter('msrs').convert(root, tmp_path / 'out')
    root = write_official['msrs'](tmp_path / 'MSRS2')
    (root / 'train' / 'ir' / 'notes.txt').write_text('x')
    with pytest.raises(FileNotFoundError, match='not PNG.*notes.txt'):
        load_converter('msrs').convert(root, tmp_path / 'out2')


def test_label_values_beyond_the_classes_are_refused(
        tmp_path, write_official, load_converter):
    root = write_official['msrs'](tmp_path / 'MSRS')
    label = root / 'train' / 'Segmentation_labels' / '00000D.png'
    Image.fromarray(np.full((4, 4), 12, np.uint8)).save(label)
    with pytest.raises(ValueError, match=r'00000D.png holds label values '
                       r'\[12\]'):
        load_converter('msrs').convert(root, tmp_path / 'out')


def test_colour_labels_are_refused(tmp_path):
    path = tmp_path / 'colour.png'
    Image.fromarray(np.array([[[128, 0, 0]]], np.uint8)).save(path)
    with pytest.raises(ValueError, match='colour image'):
        read_label(path)


def test_mfnet_needs_four_channels(tmp_path, write_official, load_converter):
    root = write_official['mfnet'](tmp_path / 'MFNet')
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(
        root / 'images' / '00004N.png')
    with pytest.raises(ValueError, match='4-channel'):
        load_converter('mfnet').convert(root, tmp_path / 'out')


def test_missing_split_lists_and_listed_files(tmp_path, write_official,
                                              load_converter):
    root = write_official['soda'](tmp_path / 'SODA')
    (root / 'InfraredSemanticLabel' / 'test_infrared.txt').unlink()
    with pytest.raises(FileNotFoundError, match='test_infrared.txt'):
        load_converter('soda').convert(root, tmp_path / 'out')
    root = write_official['scut_seg'](tmp_path / 'SCUT')
    (root / 'gt_instance' / 'c' / '0002_labelIds.png').unlink()
    with pytest.raises(FileNotFoundError, match='0002_labelIds.png'):
        load_converter('scut_seg').convert(root, tmp_path / 'out2')


def test_rerun_with_a_shorter_list_leaves_exactly_the_new_files(
        tmp_path, write_official, load_converter, capsys):
    source = write_official['mfnet'](tmp_path / 'mfnet')
    converter, out = load_converter('mfnet'), tmp_path / 'out'
    converter.convert(source, out)
    (source / 'test.txt').write_text('00005D\n')  # 00006N dropped
    summary = converter.convert(source, out)
    for modality in ('ir', 'rgb'):
        for folder in ('img_dir', 'ann_dir'):
            assert names(out / modality / folder / 'test') == ['00005D.png']
    assert names(out / 'ir' / 'img_dir' / 'train') == [
        '00001D.png', '00002N.png', '00003D.png']
    assert summary.files['ir/img_dir/test'] == 1
    assert 'removed 1 file(s) of an earlier run from ir/img_dir/test: ' \
        '[00006N.png]' in capsys.readouterr().out
