"""The signed-in home page (我的待办) and, later, supervisors' boards and statistics."""
