"""The documented JSON API for provincial platforms (a later issue)."""
