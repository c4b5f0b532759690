"""Accounts: who acts (actor and permissions), users, login sessions, organisations, audit."""
