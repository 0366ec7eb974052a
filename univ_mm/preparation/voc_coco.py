"""Pascal VOC XML to COCO JSON, shared by the detection dataset converters.

Box convention: VOC ``xmin, ymin, xmax, ymax`` are read as the corners of
the box in pixel coordinates and written unchanged as COCO
``[xmin, ymin, xmax - xmin, ymax - ymin]``; MMDetection's ``CocoDataset``
turns that back into exactly the numbers of the XML. Nothing is shifted:
``mmdet.datasets.XMLDataset`` subtracts 1 from every coordinate, and the VOC
devkit adds 1 to widths; neither is done here.
"""
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import mmengine
from mmengine.utils import track_iter_progress
from PIL import Image

Box = tuple[float, float, float, float]


@dataclass
class VocObject:
    """One ``<object>`` of a VOC file: class name, corners, difficult."""
    name: str
    box: Box
    difficult: bool = False


@dataclass
class VocAnnotation:
    """A parsed VOC file; ``width``/``height`` are 0 without ``<size>``."""
    width: int
    height: int
    objects: list[VocObject] = field(default_factory=list)

#: Where the detection converters write by default (``parse_converter_args``
#: fills in the download folder): the configs read
#: ``ann_file='annotations_coco/...'`` under that folder.
COCO_OUT = '{dataset_path}/annotations_coco'
#: The "modality" of the paired RGB-thermal JSON (``rgbt_{split}.json``).
RGBT = 'rgbt'

def _number(node: ET.Element, tag: str, path: Path) -> float:
    """The number in ``<tag>`` under ``node``; a clear error otherwise."""
    text = node.findtext(tag)
    try:
        return float(text)
    except (TypeError, ValueError):
        raise ValueError(f'{path}: <{tag}> is {text!r}, not a number; the '
                         'file is not a Pascal VOC annotation') from None


def _parse_object(obj: ET.Element, path: Path) -> VocObject:
    """One ``<object>``: name, ``<bndbox>`` corners and ``<difficult>``."""
    bndbox = obj.find('bndbox')
    if bndbox is None:
        raise ValueError(f'{path}: an <object> has no <bndbox>')
    box = tuple(_number(bndbox, tag, path)
                for tag in ('xmin', 'ymin', 'xmax', 'ymax'))
    difficult = obj.findtext('difficult', '0').strip() == '1'
    return VocObject((obj.findtext('name') or '').strip(), box, difficult)


def parse_voc_xml(path: str | Path) -> VocAnnotation:
    """Read the size and the objects of a Pascal VOC XML file.

    Args:
        path (str | Path): The ``.xml`` file.

    Returns:
        VocAnnotation: Objects in file order, boxes as written.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'{path} is missing')
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise ValueError(f'{path}: cannot read it as XML ({err}); extract '
                         'the archive again') from None
    size = root.find('size')
    width = int(_number(size, 'width', path)) if size is not None else 0
    height = int(_number(size, 'height', path)) if size is not None else 0
    return VocAnnotation(width, height, [
        _parse_object(obj, path) for obj in root.iter('object')])


def voc_to_coco_box(box: Sequence[float]) -> list[float]:
    """``(xmin, ymin, xmax, ymax)`` to COCO ``[x, y, w, h]``, no shift."""
    xmin, ymin, xmax, ymax = box
    return [xmin, ymin, xmax - xmin, ymax - ymin]


def coco_to_voc_box(bbox: Sequence[float]) -> Box:
    """COCO ``[x, y, w, h]`` back to ``(xmin, ymin, xmax, ymax)``."""
    x, y, w, h = bbox
    return (x, y, x + w, y + h)


def read_image_size(path: str | Path) -> tuple[int, int]:
    """``(width, height)`` from the image header (pixels are not decoded)."""
    try:
        with Image.open(path) as image:
            return image.size
    except FileNotFoundError:
        raise FileNotFoundError(f'{path} is missing') from None


class CocoBuilder:
    """Collect images and boxes of one split and modality as a COCO dict.

    Class names match case-insensitively and are written as spelled in
    ``classes`` (MMDetection's ``CocoDataset`` matches categories by name);
    category ids are 1..K in that order. Objects of other classes and boxes
    without area are dropped and counted; VOC ``difficult`` objects become
    ``iscrowd=1`` (ignored in training and by COCO evaluation).

    Args:
        classes (Sequence[str]): Category names, in label order.
    """

    def __init__(self, classes: Sequence[str]) -> None:
        self.classes = tuple(classes)
        self._ids = {name.lower(): i for i, name in enumerate(classes, 1)}
        self.images: list[dict] = []
        self.annotations: list[dict] = []
        self.dropped = Counter()

    def add_image(self, file_name: str, width: int, height: int,
                  **fields) -> int:
        """Add an image record (plus any extra ``fields``) and return its
        id (1, 2, ...)."""
        image_id = len(self.images) + 1
        self.images.append(dict(id=image_id, file_name=file_name,
                                width=width, height=height, **fields))
        return image_id

    def add_box(self, image_id: int, name: str, bbox: Sequence[float],
                iscrowd: bool = False, area: float | None = None) -> None:
        """Add a COCO ``[x, y, w, h]`` box of class ``name`` as given.

        ``area`` defaults to the box's ``w * h``; give the object's pixel
        count when it is known.
        """
        category_id = self._ids.get(name.lower())
        x, y, w, h = bbox
        if category_id is None:
            self.dropped[f'boxes of class {name!r}'] += 1
        elif w <= 0 or h <= 0:
            self.dropped['boxes without area'] += 1
        else:
            self.annotations.append(dict(
                id=len(self.annotations) + 1, image_id=image_id,
                category_id=category_id, bbox=[x, y, w, h],
                area=w * h if area is None else area,
                iscrowd=int(iscrowd)))

    def add_objects(self, image_id: int, objects: Iterable[VocObject]
                    ) -> None:
        """Add the VOC ``objects`` of ``image_id`` (see :meth:`add_box`)."""
        for obj in objects:
            self.add_box(image_id, obj.name, voc_to_coco_box(obj.box),
                         obj.difficult)

    def to_dict(self) -> dict:
        """The COCO dict: ``images``, ``annotations``, ``categories``."""
        categories = [dict(id=i, name=name, supercategory='none')
                      for i, name in enumerate(self.classes, 1)]
        return dict(images=self.images, annotations=self.annotations,
                    categories=categories)


@dataclass
class VocSample:
    """One annotation file and the images it labels, per modality.

    ``images`` maps a modality (e.g. ``'ir'``) to the image path relative to
    the dataset root; that path is the ``file_name`` written to the JSON.
    """
    xml: Path
    images: Mapping[str, str]


def _image_size(root: Path, file_name: str, ann: VocAnnotation,
                xml: Path) -> tuple[int, int]:
    """Header size of ``root / file_name``; it must agree with the XML."""
    width, height = read_image_size(root / file_name)
    if ann.width and (ann.width, ann.height) != (width, height):
        raise ValueError(
            f'{root / file_name} is {width}x{height} but {xml} says '
            f'{ann.width}x{ann.height}; its boxes would not fit the image')
    return width, height


def _add_rgbt_image(builder: CocoBuilder, sample: VocSample,
                    ann: VocAnnotation,
                    sizes: Mapping[str, tuple[int, int]]) -> None:
    """Add the RGB-T record of ``sample``: the RGB image as ``file_name``,
    its thermal twin as ``ir_file_name``; the two must be of one size."""
    if sizes['rgb'] != sizes['ir']:
        raise ValueError(
            f'{sample.images["rgb"]} is {"x".join(map(str, sizes["rgb"]))} '
            f'but its thermal twin {sample.images["ir"]} is '
            f'{"x".join(map(str, sizes["ir"]))} (WxH); an RGB-T pair must '
            'be pixel-aligned')
    image_id = builder.add_image(sample.images['rgb'], *sizes['rgb'],
                                 ir_file_name=sample.images['ir'])
    builder.add_objects(image_id, ann.objects)


def convert_voc_samples(samples: Sequence[VocSample], root: str | Path,
                        classes: Sequence[str]) -> dict[str, CocoBuilder]:
    """Convert one split: one COCO builder per modality, same boxes in each.

    Every image must exist; its size is read from its header and must agree
    with the XML's ``<size>``. Samples with an ``'rgb'`` and an ``'ir'``
    image also fill the :data:`RGBT` builder, whose records name the RGB
    image (``file_name``) and its thermal twin (``ir_file_name``), for
    :class:`univ_mm.det.RGBTCocoDataset`; both must be of one size.

    Args:
        samples (Sequence[VocSample]): The split, in image-id order.
        root (str | Path): The dataset root the image paths are relative to.
        classes (Sequence[str]): Category names.

    Returns:
        dict[str, CocoBuilder]: Builders keyed by modality (and
        :data:`RGBT`).
    """
    root = Path(root)
    if not samples:
        raise ValueError(f'nothing to convert under {root}: every image of '
                         'the split was left out or none was found')
    modalities = list(samples[0].images)
    builders = {modality: CocoBuilder(classes) for modality in modalities}
    rgbt = CocoBuilder(classes) if {'rgb', 'ir'} <= set(modalities) else None
    for sample in track_iter_progress(samples):
        ann = parse_voc_xml(sample.xml)
        sizes = {}
        for modality, builder in builders.items():
            file_name = sample.images[modality]
            sizes[modality] = _image_size(root, file_name, ann, sample.xml)
            builder.add_objects(builder.add_image(file_name,
                                                  *sizes[modality]),
                                ann.objects)
        if rgbt:
            _add_rgbt_image(rgbt, sample, ann, sizes)
    return builders | ({RGBT: rgbt} if rgbt else {})


def write_coco(coco: dict, path: str | Path) -> Path:
    """Write ``coco`` as JSON, creating the parent folder."""
    mmengine.dump(coco, str(path))
    return Path(path)


def summarize(split: str, builders: Mapping[str, CocoBuilder],
              skipped: Mapping[str, int] | None = None) -> str:
    """One readable block: images, boxes per class, the RGB-T pairs, what
    was left out."""
    builder = next(iter(builders.values()))
    boxes = Counter(ann['category_id'] for ann in builder.annotations)
    per_class = ', '.join(f'{name} {boxes[i]}'
                          for i, name in enumerate(builder.classes, 1))
    modalities = ', '.join(name for name in builders if name != RGBT)
    lines = [f'{split}: {len(builder.images)} images ({modalities}), '
             f'{len(builder.annotations)} boxes ({per_class})']
    if RGBT in builders:
        lines.append(f'  paired as RGB-T ({RGBT}_{split}.json): '
                     f'{len(builders[RGBT].images)} images')
    for reason, count in {**builder.dropped, **(skipped or {})}.items():
        if count:
            lines.append(f'  left out, {reason}: {count}')
    return '\n'.join(lines)


def write_split(out_dir: str | Path, split: str,
                builders: Mapping[str, CocoBuilder],
                skipped: Mapping[str, int] | None = None) -> list[Path]:
    """Write ``{modality}_{split}.json`` per builder (``rgbt_{split}.json``
    for :data:`RGBT`) and print a summary.

    Args:
        out_dir (str | Path): Folder of the JSON files.
        split (str): Split name used in the file names.
        builders (Mapping[str, CocoBuilder]): Builders keyed by modality.
        skipped (Mapping[str, int], optional): Images left out before
            conversion, by reason. Defaults to None.

    Returns:
        list[Path]: The files written.
    """
    paths = [write_coco(builder.to_dict(),
                        Path(out_dir) / f'{modality}_{split}.json')
             for modality, builder in builders.items()]
    print('\n' + summarize(split, builders, skipped))
    for path in paths:
        print(f'  wrote {path}')
    return paths
