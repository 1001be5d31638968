"""Persistence (SQLAlchemy 2; SQLite by default) and the event bus."""
