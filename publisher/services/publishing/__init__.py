"""Publishing: posts and their review, deliveries, calendar, campaigns and plans, channels,
bulk imports, edits after publishing, the media each channel gets (versions, campaign
media), and what the compose page needs (drafts)."""
