"""Catalogue modules, one per area; see :mod:`publisher.i18n`."""
