"""Public pages without login: duty lists, later online complaints, publications, receipt checks."""
