"""Write one RGB-IR pair into MVIP: checked, atomic, hashed.

A file is copied byte for byte when no pixel changes; otherwise (a border
to remove, or an IR image in another format than its RGB twin) it is
decoded and saved in the format of its MVIP name, JPEG at quality 95 with
full-resolution colour, PNG losslessly.
"""
import hashlib
import io
from pathlib import Path

from PIL import Image

from univ_mm.checkpoint.atomic_io import write_atomically
from univ_mm.image_codecs.inspection import group_problem, inspect_image

from .sources import SourcePair
from .sources.common import format_suffix

#: Save options of re-encoded images, per Pillow format.
SAVE_OPTIONS = {'JPEG': dict(quality=95, subsampling=0)}
MODALITIES = ('rgb', 'ir')


class BadPairError(ValueError):
    """A pair whose images are unreadable, cut off or of unequal size."""


def writing_method(source: Path, name: str, border: int) -> str:
    """How ``source`` becomes the MVIP file ``name``: ``'copy'`` or a
    description of the re-encoding (recorded in the manifest)."""
    suffix = format_suffix(Path(name))
    if not border and format_suffix(source) == suffix:
        return 'copy'
    image_format = Image.registered_extensions()[suffix]
    options = SAVE_OPTIONS.get(image_format, {})
    how = f're-encoded {image_format}' + ''.join(
        f' {k}={v}' for k, v in options.items())
    return f'{how}, {border}-px border removed' if border else how


def check_pair(pair: SourcePair) -> None:
    """Raise :class:`BadPairError` unless both images are readable,
    complete, of one size, and of ``pair.size`` when it is given."""
    problem = group_problem((str(pair.rgb), str(pair.ir)), 'header')
    if problem is None and pair.size is not None:
        size, _ = inspect_image(str(pair.rgb))
        if size != pair.size:
            problem = (f'{pair.rgb} is {size[0]}x{size[1]} (HxW); this '
                       f'source has {pair.size[0]}x{pair.size[1]} images'
                       + (f' with a {pair.border}-px border' if pair.border
                          else ''))
    if problem:
        raise BadPairError(
            f'pair {pair.name!r} ({pair.rgb}, {pair.ir}): {problem}. '
            f'Replace these files, or pass --skip-bad-pairs to leave the '
            f'pair out (it is recorded in the manifest).')


def encode(source: Path, name: str, border: int) -> bytes:
    """The bytes of the MVIP file ``name`` made from ``source``."""
    if writing_method(source, name, border) == 'copy':
        return source.read_bytes()
    with Image.open(source) as image:
        image.load()
        if border:
            image = image.crop((border, border, image.width - border,
                                image.height - border))
        image_format = Image.registered_extensions()[format_suffix(
            Path(name))]
        buffer = io.BytesIO()
        image.save(buffer, format=image_format,
                   **SAVE_OPTIONS.get(image_format, {}))
    return buffer.getvalue()


def planned_record(pair: SourcePair, root: Path) -> dict[str, dict]:
    """Per modality, where the file comes from (relative to the source
    ``root``) and how it is written (:func:`writing_method`)."""
    return {m: {'from': path.relative_to(root).as_posix(),
                'written': writing_method(path, pair.name, pair.border)}
            for m, path in zip(MODALITIES, (pair.rgb, pair.ir), strict=True)}


def write_pair(pair: SourcePair, out_dirs: dict[str, Path],
               root: Path) -> dict[str, dict]:
    """Check ``pair`` and write both images atomically.

    Args:
        pair (SourcePair): The pair to write.
        out_dirs (dict[str, Path]): Output folder per modality (``'rgb'``,
            ``'ir'``).
        root (Path): The source root.

    Returns:
        dict[str, dict]: :func:`planned_record` with the ``bytes`` and
        ``sha256`` of each written file.
    """
    check_pair(pair)
    record = planned_record(pair, root)
    for modality, source in zip(MODALITIES, (pair.rgb, pair.ir),
                                strict=True):
        try:
            data = encode(source, pair.name, pair.border)
        except OSError as error:  # Pillow: undecodable pixel data
            raise BadPairError(f'pair {pair.name!r}: cannot re-encode '
                               f'{source}: {error}') from error
        write_atomically(out_dirs[modality] / pair.name,
                         lambda file, data=data: file.write(data))
        record[modality].update(bytes=len(data),
                                sha256=hashlib.sha256(data).hexdigest())
    return record
