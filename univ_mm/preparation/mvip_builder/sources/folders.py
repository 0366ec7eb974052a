"""Sources whose splits are an RGB folder and an IR folder with the same
file stems: LLVIP, DroneVehicle, MSRS and M3FD."""
from dataclasses import dataclass, replace
from pathlib import Path

from univ_mm.preparation.conversion import read_split_list

from .common import ReadOptions, SourceScan, list_images, pair_by_stem


@dataclass(frozen=True)
class FolderSource:
    """A source read split by split from ``(rgb folder, ir folder)``.

    Args:
        name (str): The source, for messages.
        layout (str): The public layout, for messages.
        splits (dict[str, tuple[str, str]]): Per split the RGB and IR
            folders, relative to the source root.
        evaluation (tuple[str, ...]): Splits left out unless
            ``all_splits``. Defaults to ().
        split_in_name (bool): Put ``<split>_`` before every name, for
            sources whose splits number their files alike. Defaults to
            False.
        border (int): Pixels to remove from every side. Defaults to 0.
        size (tuple[int, int], optional): ``(h, w)`` of every image before
            the border is removed. Defaults to None.
        needs_test_list (bool): The source has no official split, so
            ``options.test_list`` names the evaluation images (required
            unless ``all_splits``). Defaults to False.
    """

    name: str
    layout: str
    splits: dict[str, tuple[str, str]]
    evaluation: tuple[str, ...] = ()
    split_in_name: bool = False
    border: int = 0
    size: tuple[int, int] | None = None
    needs_test_list: bool = False

    def read(self, root: Path, options: ReadOptions) -> SourceScan:
        """Select the pairs under ``root`` (see :class:`ReadOptions`)."""
        scan = SourceScan()
        for split, (rgb, ir) in self.splits.items():
            if split in self.evaluation and not options.all_splits:
                scan.left_out[split] = len(list_images(root / ir))
                continue
            scan.splits.append(split)
            prefix = f'{split}_' if self.split_in_name else ''
            scan.pairs += [
                replace(pair, border=self.border, size=self.size)
                for pair in pair_by_stem(root / rgb, root / ir, scan,
                                         f'{self.name} {split}',
                                         self.layout, prefix)]
        if self.needs_test_list and not options.all_splits:
            self._leave_out_listed(scan, options.test_list)
        return scan

    def _leave_out_listed(self, scan: SourceScan,
                          test_list: Path | None) -> None:
        """Drop the pairs whose stem ``test_list`` names."""
        if test_list is None:
            raise ValueError(
                f'{self.name} has no official test split: pass the stems '
                f'of the images you evaluate on (--m3fd-test-list, e.g. '
                f'annotations_coco/val.txt written by '
                f'tools/dataset_converters/m3fd.py) to keep them out of '
                f'pre-training, or --all-splits to use every image.')
        listed = {Path(line).stem for line in read_split_list(
            test_list, f'list one {self.name} stem per line')}
        kept = [p for p in scan.pairs if p.rgb.stem not in listed]
        scan.left_out['test list'] = len(scan.pairs) - len(kept)
        scan.pairs = kept


LLVIP = FolderSource(
    'LLVIP', 'LLVIP/{visible,infrared}/{train,test}/NNNNNN.jpg',
    splits={'train': ('visible/train', 'infrared/train'),
            'test': ('visible/test', 'infrared/test')},
    evaluation=('test', ))

DRONEVEHICLE = FolderSource(
    'DroneVehicle',
    'DroneVehicle/{train,val,test}/{trainimg,trainimgr,valimg,...}/NNNNN.jpg'
    ' (RGB in <split>img, IR in <split>imgr, 840x712 with a 100-px white '
    'border)',
    splits={split: (f'{split}/{split}img', f'{split}/{split}imgr')
            for split in ('train', 'val', 'test')},
    evaluation=('val', 'test'), split_in_name=True, border=100,
    size=(712, 840))

MSRS = FolderSource(
    'MSRS', 'MSRS/{train,test}/{vi,ir}/NNNNN{D,N}.png',
    splits={'train': ('train/vi', 'train/ir'),
            'test': ('test/vi', 'test/ir')},
    evaluation=('test', ), split_in_name=True)

M3FD = FolderSource(
    'M3FD', 'M3FD_Detection/{Vis,Ir}/NNNNN.png (no official split)',
    splits={'all': ('Vis', 'Ir')}, needs_test_list=True)
