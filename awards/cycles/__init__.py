"""Cycles, their timeline and categories."""
