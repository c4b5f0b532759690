"""Use cases. The UI, the CLI and the engine all act through these functions, so roles,
organisations and state machines are enforced in one place."""
