"""Notifications: the in-app bell, e-mail copies sent by the job consumer, and deadline reminders.

Every audited event passes through :func:`awards.audit.services.record`, which hands it to
:func:`awards.notifications.services.on_event`; the table there names, per action, who is told. Rows land in the
caller's transaction (a rollback drops them). Mail goes out after the commit, from a Huey job.
"""
