"""Publishing: posts and their review, deliveries, calendar, campaigns and plans, channels,
and what the compose page needs (drafts)."""
