"""Official documents: number allocation, PDF rendering, verification codes (issue: documents and audit)."""
