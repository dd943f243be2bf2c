"""Joint inspection plans, random draws, findings and publication."""
