# the RGB-T segmentors' preprocessor: BGR to RGB on the RGB channels, each camera's own mean and std
rgbt_data_preprocessor = dict(
    _delete_=True,
    type='univ_mm.RGBTSegDataPreProcessor',
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size=(512, 512))
