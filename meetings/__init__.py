"""Joint-meeting bodies, meetings, agenda items, minutes and decisions (issue: joint meetings)."""
