"""The append-only audit log: recording (services) and browsing (routes)."""
