"""The working-day calendar, deadline rules as data, deadline clocks and the sweep (issue: deadline engine)."""
