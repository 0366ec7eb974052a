"""The dataset converters, one module per benchmark; the scripts of
``tools/dataset_converters/`` are their command lines.

Detection (COCO JSON, :mod:`..voc_coco`): :mod:`.flir`, :mod:`.llvip`,
:mod:`.m3fd`. Segmentation (the mmseg layout, :mod:`..conversion`):
:mod:`.mfnet`, :mod:`.msrs`, :mod:`.scut_seg`, :mod:`.soda`. Both, for the
labelled synthetic world: :mod:`.synthetic`.
"""
