"""Operations: setup, demo and sandbox, health, alerts, Prometheus metrics, backups, database
copy and tools, key rotation, table statistics."""
