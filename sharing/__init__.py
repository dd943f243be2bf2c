"""Information-sharing duties and submissions."""
