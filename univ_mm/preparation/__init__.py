"""Offline dataset preparation, what ``tools/dataset_converters`` run; it
imports neither torch nor the OpenMMLab model stack, so the tools answer
``--help`` at once and run on a machine without them.

- :mod:`.converters`: one converter per dataset, behind the scripts;
- :mod:`.conversion`: the segmentation converters' helpers;
- :mod:`.voc_coco`: VOC XML to COCO JSON for the detection converters;
- :mod:`.classes`: each benchmark's classes, as the converters write them
  and the datasets read them;
- :mod:`.mvip_builder`: MVIP from its public sources;
- :mod:`.pair_quality`: alignment and near-duplicate scores of RGB-IR pairs.
"""
