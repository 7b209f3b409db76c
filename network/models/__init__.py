from .changes import DataChange
from .documents import Document
from .meetings import ActionItem, AgendaItem, Attendance, Decision, Meeting
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
from .reports import Report

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "DataChange",
    "Decision",
    "Department",
    "Document",
    "EmailChange",
    "Invitation",
    "Meeting",
    "Membership",
    "MembershipRequest",
    "Municipality",
    "Network",
    "Report",
    "Role",
    "User",
]
