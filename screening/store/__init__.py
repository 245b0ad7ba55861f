"""Recorded runs, their lines, mapping profiles (SQLAlchemy; Core for bulk paths)."""
