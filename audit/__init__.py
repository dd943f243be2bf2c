"""The append-only, hash-chained event log and its verifier (issue: documents and audit)."""
