"""Platform connectors: one module per platform, plain data in, result or error out.

Connectors know nothing of the database or the publisher package; they take plain data
(:class:`connectors.base.OutgoingPost`, :class:`connectors.base.ChannelConfig`) and return a
:class:`connectors.base.PublishResult` or raise one of :mod:`connectors.errors`.
"""
