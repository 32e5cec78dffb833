"""{{ text|markdown }} and {{ text|markdown_plain }}: registry Markdown as safe HTML or plain words."""

from django import template

from studies import rich_text

register = template.Library()


@register.filter
def markdown(text: str):
    return rich_text.to_html(text)


@register.filter
def markdown_plain(text: str) -> str:
    return rich_text.to_plain_text(text)
