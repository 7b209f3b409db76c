from django import template

from procurement.glossary import glossary

register = template.Library()


@register.inclusion_tag("procurement/_glossary.html")
def status_glossary(*kinds):
    """`{% status_glossary "adoption" "approval" %}`: what the status words mean."""
    return {"sections": glossary(*kinds)}
