"""Media studio: Vietnamese infographics, short video clips, per-channel fitting, library.

Pure rendering from plain inputs (never connectors, never the database). Entry points:
:func:`media.infographic.render_infographic`, :func:`media.video.render_video`,
:func:`media.fit.fit`, :class:`media.library.MediaLibrary`, :func:`media.probe.probe`.
Errors are :class:`media.errors.MediaError` with a catalogue key. See docs/media.md.
"""
