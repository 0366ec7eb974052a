"""Image files to pixels, without torch: whole-image and region decoding
(:mod:`.decoding`, :mod:`.turbojpeg_region`) and file checks
(:mod:`.inspection`), shared by the training pipelines and the offline
tools."""
