"""One section's fragment for one member, rendered to HTML (escaped by the template)."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass
class SectionPart:
    key: str
    title: str
    html: SafeString

    @classmethod
    def render(cls, section, membership, period) -> "SectionPart":
        context = {
            **section.context(membership, period),
            "membership": membership,
            "period": period,
            "for_pdf": True,
        }
        return cls(section.key, str(section.title), render_to_string(section.template, context))
