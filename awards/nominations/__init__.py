"""Nomination dossiers: drafting, evidence, submission, screening and compliance."""
