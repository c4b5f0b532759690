"""Insight: engagement and inbound events, statistics, KPIs, S&T tasks, tracked links,
reporting periods and reports."""
