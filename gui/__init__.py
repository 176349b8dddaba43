"""The clerk's desktop program: renders and edits what core/ offers. No counting rules here."""
