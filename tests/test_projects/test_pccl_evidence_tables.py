"""pccl_evidence.tables: the downstream rows compare UNIV
with its teacher seed by seed."""
from pccl_evidence.tables import modality_protocols, seg_rows


def test_downstream_rows_pair_the_seeds():
    seg = {'ir': {'linear probe': {'teacher': [50., 52.],
                                   'univ': [51., 54.]}},
           'rgb': {'linear probe': {'teacher': [50., 40.],
                                    'univ': [25., 40.]}}}
    assert modality_protocols(seg) == [('ir', 'linear probe'),
                                       ('rgb', 'linear probe')]
    # IR: the per-seed gains 1 and 2; RGB: 50 % and 100 % kept
    assert seg_rows(seg)[2:] == [
        '| IR mIoU (%), linear probe | 51.00 ± 1.41 | 52.50 ± 2.12 '
        '| +1.50 ± 0.71 mIoU |',
        '| RGB mIoU (%), linear probe | 45.00 ± 7.07 | 32.50 ± 10.61 '
        '| 75.00 ± 35.36 % retained |']
