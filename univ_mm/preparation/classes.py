"""The classes of each segmentation benchmark, in label-index order: what
the converters write and the datasets' ``METAINFO`` reads."""

#: MFNet (Ha et al., IROS 2017).
MFNET_CLASSES = ('unlabeled', 'car', 'person', 'bike', 'curve', 'car_stop',
                 'guardrail', 'color_cone', 'bump')
#: MSRS: MFNet's nine classes, spelt as its release spells them.
MSRS_CLASSES = ('unlabelled', 'car', 'person', 'bike', 'curve', 'car stop',
                'guardrail', 'colour cone', 'bump')
#: SCUT-Seg, remapped to 0..9 from :data:`SCUT_SEG_RAW_IDS`.
SCUT_SEG_CLASSES = ('background', 'road', 'person', 'rider', 'car', 'truck',
                    'fence', 'tree', 'bus', 'pole')
#: Raw label id of each SCUT-Seg class, in class order (the official
#: release's Cityscapes-style ids).
SCUT_SEG_RAW_IDS = (0, 7, 24, 25, 26, 27, 13, 21, 28, 17)
#: SODA: 21 classes, palette indices of its PNG labels.
SODA_CLASSES = ('background', 'person', 'building', 'tree', 'road', 'pole',
                'grass', 'door', 'table', 'chair', 'car', 'bicycle', 'lamp',
                'monitor', 'trafficCone', 'trash can', 'animal', 'fence',
                'sky', 'river', 'sidewalk')
