"""Session fixtures: the synthetic dataset trees, converted once."""
import json
from pathlib import Path

import pytest
import torch
from det_layouts import HEIGHT, WIDTH, objects_for, write_image, write_voc

from univ_mm.preparation.converters import flir, llvip, m3fd
from univ_mm.preparation.voc_coco import COCO_OUT


@pytest.fixture(scope='module', autouse=True)
def one_torch_thread():
    """Run these modules on one torch thread.

    Tiny models gain nothing from threads, and on busy cores threads make
    them many times slower.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


M3FD_CLASSES = ('People', 'Car', 'Bus', 'Motorcycle', 'Lamp', 'Truck')


@pytest.fixture(scope='session')
def m3fd_root(tmp_path_factory) -> Path:
    """``{Ir,Vis}/NNNNN.png`` and ``Annotation/NNNNN.xml``, 10 scenes."""
    root = tmp_path_factory.mktemp('M3FD_Detection')
    for index in range(10):
        stem = f'{index:05d}'
        objects = objects_for(index, M3FD_CLASSES)
        write_image(root / 'Ir' / f'{stem}.png', index, objects)
        write_image(root / 'Vis' / f'{stem}.png', 100 + index, objects)
        write_voc(root / 'Annotation' / f'{stem}.xml', objects)
    return root


@pytest.fixture(scope='session')
def llvip_root(tmp_path_factory) -> Path:
    """``{infrared,visible}/{train,test}/*.jpg``, flat ``Annotations/``.

    ``010004`` has no visible twin, ``010005`` no annotation.
    """
    root = tmp_path_factory.mktemp('LLVIP')
    splits = dict(train=['010001', '010002', '010003', '010004', '010005'],
                  test=['190001', '190002'])
    for split, stems in splits.items():
        for index, stem in enumerate(stems):
            objects = objects_for(index, ('person', ))
            write_image(root / 'infrared' / split / f'{stem}.jpg', index,
                        objects)
            if stem != '010004':
                write_image(root / 'visible' / split / f'{stem}.jpg', index,
                            objects)
            if stem != '010005':
                write_voc(root / 'Annotations' / f'{stem}.xml', objects)
    return root


@pytest.fixture(scope='session')
def flir_aligned_root(tmp_path_factory) -> Path:
    """FLIR-aligned: ``FLIR_00004`` has no RGB image; dog/FLIR tags."""
    root = tmp_path_factory.mktemp('FLIR_aligned')
    stems = [f'FLIR_{i:05d}' for i in range(1, 7)]
    for index, stem in enumerate(stems):
        objects = objects_for(index, ('person', 'car', 'bicycle'),
                              extra=('dog', 'FLIR'))
        write_image(root / 'JPEGImages' / f'{stem}_PreviewData.jpeg', index,
                    objects)
        if stem != 'FLIR_00004':
            write_image(root / 'JPEGImages' / f'{stem}_RGB.jpg', 50 + index,
                        objects)
        write_voc(root / 'Annotations' / f'{stem}_PreviewData.xml', objects)
    (root / 'align_train.txt').write_text(
        ''.join(f'{stem}_PreviewData\n' for stem in stems[:4]))
    (root / 'align_validation.txt').write_text(
        ''.join(f'{stem}_PreviewData\n' for stem in stems[4:]))
    return root


FLIR_CATEGORIES = [dict(id=1, name='person'), dict(id=2, name='bicycle'),
                   dict(id=3, name='car'), dict(id=18, name='dog')]


@pytest.fixture(scope='session')
def flir_adas_root(tmp_path_factory) -> Path:
    """FLIR ADAS v1: ``{train,val}/thermal_8_bit`` + native COCO JSON."""
    root = tmp_path_factory.mktemp('FLIR_ADAS_1_3')
    for split, count in dict(train=3, val=2).items():
        images, annotations = [], []
        for index in range(count):
            name = f'thermal_8_bit/FLIR_{index:05d}.jpeg'
            objects = objects_for(index, ('person', 'bicycle', 'car'),
                                  extra=('dog', ))
            write_image(root / split / name, index, objects)
            images.append(dict(id=index, file_name=name, width=WIDTH,
                               height=HEIGHT))
            for name_, (x1, y1, x2, y2), _ in objects:
                cat = next(c['id'] for c in FLIR_CATEGORIES
                           if c['name'] == name_)
                annotations.append(dict(
                    id=len(annotations) + 1, image_id=index,
                    category_id=cat, bbox=[x1, y1, x2 - x1, y2 - y1],
                    area=(x2 - x1) * (y2 - y1), iscrowd=0))
        (root / split / 'thermal_annotations.json').write_text(json.dumps(
            dict(images=images, annotations=annotations,
                 categories=FLIR_CATEGORIES)))
    return root


def coco_dir(root: Path) -> Path:
    """Where a detection converter's command line writes by default."""
    return Path(COCO_OUT.format(dataset_path=root))


@pytest.fixture(scope='session')
def converted(flir_adas_root, flir_aligned_root, m3fd_root,
              llvip_root) -> dict[str, Path]:
    """Run each converter once, into the folder its command line writes by
    default; dataset roots keyed by config data name."""
    flir.convert_adas(flir_adas_root, coco_dir(flir_adas_root))
    flir.convert_aligned(flir_aligned_root, coco_dir(flir_aligned_root))
    m3fd.convert(m3fd_root, coco_dir(m3fd_root))
    llvip.convert(llvip_root, coco_dir(llvip_root))
    return {'flir-ir': flir_adas_root, 'flir-aligned-rgb': flir_aligned_root,
            'flir-aligned-ir': flir_aligned_root,
            'm3fd-ir': m3fd_root, 'm3fd-rgb': m3fd_root,
            'llvip-ir': llvip_root, 'llvip-rgb': llvip_root}
