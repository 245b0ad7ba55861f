"""PySide6 desktop front end for the screening core (see issue: desktop app)."""
