"""Regions (jurisdictions), agencies, memberships with roles, duty lists and public contact channels."""
