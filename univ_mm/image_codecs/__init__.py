"""Image files to pixels, without torch: whole-image and region decoding
(:mod:`.decoding`, :mod:`.turbojpeg_region`), file checks
(:mod:`.inspection`) and image listing (:mod:`.listing`), shared by the
training pipelines and the offline tools."""
