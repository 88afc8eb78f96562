"""User accounts: organizers create, import, disable and re-enable them; every user manages their password."""
