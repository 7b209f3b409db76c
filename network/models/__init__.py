from .changes import DataChange
from .documents import Document
from .meetings import ActionItem, AgendaItem, Attendance, Decision, Meeting
from .people import (
    Department,
    Invitation,
    Membership,
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
    "Invitation",
    "Meeting",
    "Membership",
    "Municipality",
    "Network",
    "Report",
    "Role",
    "User",
]
