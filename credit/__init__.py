"""Market entities, credit records, joint punishment memos (issue: credit)."""
