"""tools/model_converters/to_mmpretrain_vit.py writes what loads."""
import runpy

import timm
import torch
from mmengine.runner import load_checkpoint
from mmpretrain.models import VisionTransformer

main = runpy.run_path('tools/model_converters/to_mmpretrain_vit.py')['main']


def test_converted_timm_checkpoint_loads_into_mmpretrain(tmp_path, capsys):
    torch.manual_seed(0)
    source = timm.create_model('vit_small_patch16_224', pretrained=False,
                               img_size=32).eval()
    torch.nn.init.normal_(source.norm.weight)
    src, dst = tmp_path / 'deit.pth', tmp_path / 'mmpretrain.pth'
    torch.save({'model': source.state_dict()}, src)
    main([str(src), str(dst)])
    out = capsys.readouterr().out
    assert 'timm / official release' in out
    assert 'head.weight' in out and str(dst) in out
    vit = VisionTransformer(arch='deit-s', img_size=32, patch_size=16,
                            out_type='raw')
    load_checkpoint(vit, str(dst), strict=True)
    images = torch.randn(2, 3, 32, 32)
    vit.eval()
    with torch.no_grad():
        (ours, ) = vit(images)
        theirs = source.forward_features(images)
    torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-5)
