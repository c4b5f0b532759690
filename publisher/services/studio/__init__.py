"""Studio: the media library, render jobs and their recipes, channel versions of media,
campaign media and the studio preview."""
