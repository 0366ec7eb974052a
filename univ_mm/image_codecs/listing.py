"""Which files are images, and lists of files in messages: plain Python,
so that the tools' options and checks load nothing else."""
from collections.abc import Sequence

#: The suffixes of the image files the datasets and tools list.
IMG_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff')


def short_list(items: Sequence[object], limit: int = 5) -> str:
    """At most ``limit`` items, saying how many more there are."""
    shown = ', '.join(str(i) for i in items[:limit])
    more = len(items) - limit
    return f'[{shown}{f", ... (+{more} more)" if more > 0 else ""}]'
