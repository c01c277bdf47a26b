"""Dialogs opened from several places of the window (tracker import, letters...)."""
