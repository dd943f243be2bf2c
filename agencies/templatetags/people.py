from django import template

register = template.Library()


@register.filter
def person_name(user) -> str:
    """Show a person the way colleagues write them: 张三 (family name first) for Chinese names, else "First Last"."""
    family, given = user.last_name.strip(), user.first_name.strip()
    if not (family or given):
        return user.get_username()
    if any("\u4e00" <= char <= "\u9fff" for char in family + given):
        return f"{family}{given}"
    return f"{given} {family}".strip()
