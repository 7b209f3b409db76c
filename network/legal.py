"""The operator's facts for the legal pages (Impressum, Datenschutzerklärung, Erklärung zur
Barrierefreiheit), read from settings.LEGAL, which the environment fills.

Why settings and not a model edited in the admin: one installation has one operator, whose
name, address and contacts change about as often as its host name; they belong with the
rest of the deployment's configuration, are checked at start-up, and need no migration.
The texts around them are templates under version control, so a change of wording is
reviewed like code and every installation gets the same, maintained defaults.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core import checks

# Shown where a required fact is missing, so an operator sees what to set.
MISSING = "[noch nicht eingetragen: {}]"
REQUIRED = {
    "operator": "KNN_OPERATOR_NAME",
    "address": "KNN_OPERATOR_ADDRESS",
    "email": "KNN_OPERATOR_EMAIL",
}


@dataclass(frozen=True)
class LegalFacts:
    operator: str
    address: list[str]
    email: str
    represented_by: str = ""
    phone: str = ""
    public_body: bool = False
    register: str = ""
    vat_id: str = ""
    supervisory_authority: list[str] = field(default_factory=list)
    content_responsible: list[str] = field(default_factory=list)
    privacy_officer: list[str] = field(default_factory=list)
    privacy_authority: list[str] = field(default_factory=list)
    privacy_retention: list[str] = field(default_factory=list)
    hosting: list[str] = field(default_factory=list)
    accessibility_email: str = ""
    accessibility_phone: str = ""
    accessibility_status: str = "partial"  # full | partial | none
    accessibility_barriers: list[str] = field(default_factory=list)
    accessibility_date: date | None = None
    enforcement_body: list[str] = field(default_factory=list)
    enforcement_url: str = ""

    @property
    def has_email(self) -> bool:
        return "@" in self.email and not self.email.startswith("[")

    @property
    def feedback_email(self) -> str:
        """Where barriers are reported: the accessibility contact, else the operator."""
        return self.accessibility_email or (self.email if self.has_email else "")

    @property
    def feedback_phone(self) -> str:
        return self.accessibility_phone or self.phone


def missing_facts(values: dict | None = None) -> list[str]:
    """The environment variables of the required facts that are not set."""
    values = settings.LEGAL if values is None else values
    return [variable for key, variable in REQUIRED.items() if not values.get(key)]


def legal_facts() -> LegalFacts:
    values = dict(settings.LEGAL)
    for key, variable in REQUIRED.items():
        if not values.get(key):
            placeholder = MISSING.format(variable)
            values[key] = [placeholder] if key == "address" else placeholder
    return LegalFacts(**values)


@checks.register(checks.Tags.security, deploy=True)
def check_legal_facts(app_configs=None, **kwargs):
    """`manage.py check --deploy`: a public portal needs its operator in the Impressum."""
    return [
        checks.Warning(
            f"{variable} is not set: the Impressum, the privacy policy and the "
            "accessibility statement show a placeholder instead.",
            hint="Set the operator's facts in the environment (README, Rechtliche Seiten).",
            id="network.W001",
        )
        for variable in missing_facts()
    ]
