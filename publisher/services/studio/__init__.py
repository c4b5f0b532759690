"""Studio: the media library (uploads and generated assets), render jobs and their recipes,
and the studio's live preview."""
