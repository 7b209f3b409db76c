from .api import ApiToken
from .changes import DataChange
from .documents import Document
from .exchange import Case, CaseLink, Contribution
from .funding import FundingProgramme
from .meetings import ActionItem, AgendaItem, Attendance, Decision, Guest, Meeting
from .notifications import MailPreference, Notification, OutboxMail
from .people import (
    Department,
    EmailChange,
    Invitation,
    Membership,
    MembershipRequest,
    Municipality,
    Network,
    Role,
    User,
)
from .public import Publication, Release
from .reports import Report
from .snapshots import FigureSnapshot

__all__ = [
    "ActionItem",
    "AgendaItem",
    "ApiToken",
    "Attendance",
    "Case",
    "CaseLink",
    "Contribution",
    "DataChange",
    "Decision",
    "Department",
    "Document",
    "FigureSnapshot",
    "FundingProgramme",
    "Guest",
    "EmailChange",
    "Invitation",
    "MailPreference",
    "Meeting",
    "Membership",
    "MembershipRequest",
    "Municipality",
    "Network",
    "Notification",
    "OutboxMail",
    "Publication",
    "Release",
    "Report",
    "Role",
    "User",
]
