"""Build MVIP from the public downloads of its sources: the readers of each
source (:mod:`.sources`, light: the tool's options come from them) and the
build (:mod:`.build`, which checks images with mmcv's decoders)."""
