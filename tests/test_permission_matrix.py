"""The permission matrix of the whole portal: one row per URL name, and a test that fails
when a URL has no row (a new view must say who may use it).

For every row of a network page: the anonymous visitor goes to the login page, the outsider
gets 404 (the network's existence is not revealed), everybody the row allows gets the page
(GET) or is not refused (POST), and everybody else in the network is refused with 403/404
and nothing in the database changes. Pages outside a network say what the anonymous
visitor gets.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone

from building import services as building_services
from building import weighting
from network.documents import document_store
from network.models import Decision, FundingProgramme, Invitation, Report, Role
from network.models.people import hash_token
from network.models.public import Release
from procurement.models import Adoption, DepartmentApproval, Roadmap
from tests.building.factories import GuidelineFactory, ProjectFactory, VariantFactory, small_board
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendanceFactory,
    DepartmentFactory,
    MeetingFactory,
)
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    DepartmentApprovalFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db

NETWORK = frozenset({"moderator", "expert", "observer", "coordinator", "staff", "other"})
MODERATION = frozenset({"moderator"})
CONTENT = frozenset({"moderator", "expert"})  # meeting documents, minutes, guidelines
LUENEN = frozenset({"moderator", "coordinator", "staff"})  # Lünen's own data
LUENEN_PEOPLE = frozenset({"moderator", "coordinator"})  # Lünen's departments and staff
MEMBERS = frozenset({"moderator", "coordinator", "staff", "other"})  # any member, own data
INVITERS = frozenset({"moderator", "coordinator", "other"})  # coordinators invite own staff
CASE_OWNER = frozenset({"moderator", "coordinator"})  # the case's owner and the moderation
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Row:
    args: object  # data -> URL arguments after the network slug
    get: frozenset | None = None  # who may GET (None: not a page)
    post: frozenset | None = None  # who may POST (None: no form)


@dataclass(frozen=True)
class Outside:
    """A URL outside any network: what an anonymous GET answers."""

    args: object
    anonymous: int  # status code


def r(get=None, post=None, args=lambda d: []):
    return Row(args, get, post)


MATRIX = {
    # --- network core ------------------------------------------------------------------------
    "network:network": r(NETWORK),
    "network:dashboard": r(NETWORK),
    # Everybody in the network reads the rows behind a figure and the overdue list.
    "network:figure_rows": r(NETWORK, args=lambda d: ["tender_share_count_pct", "luenen"]),
    "network:overdue": r(NETWORK),
    "network:membership": r(NETWORK, args=lambda d: ["luenen"]),
    "network:people": r(NETWORK),
    "network:role_remove": r(post=LUENEN_PEOPLE, args=lambda d: [d.staff_role.pk]),
    "network:role_department": r(LUENEN_PEOPLE, LUENEN_PEOPLE, lambda d: [d.staff_role.pk]),
    "network:invitations": r(INVITERS, INVITERS),
    "network:invitation_revoke": r(post=LUENEN_PEOPLE, args=lambda d: [d.invitation.pk]),
    "network:member_add": r(MODERATION, MODERATION),
    "network:membership_edit": r(MODERATION, MODERATION, lambda d: ["luenen"]),
    "network:membership_history": r(NETWORK, args=lambda d: ["luenen"]),
    "network:membership_manage": r(LUENEN_PEOPLE, LUENEN_PEOPLE, lambda d: ["luenen"]),
    "network:department_create": r(LUENEN_PEOPLE, LUENEN_PEOPLE, lambda d: ["luenen"]),
    "network:department_edit": r(
        LUENEN_PEOPLE, LUENEN_PEOPLE, lambda d: ["luenen", d.department.pk]
    ),
    "network:department_history": r(NETWORK, args=lambda d: ["luenen", d.department.pk]),
    "network:department_delete": r(post=LUENEN_PEOPLE, args=lambda d: ["luenen", d.department.pk]),
    # --- meetings --------------------------------------------------------------------------
    "network:meeting_list": r(NETWORK),
    "network:meeting_create": r(MODERATION, MODERATION),
    "network:action_item_list": r(NETWORK),
    "network:action_item_edit": r(CONTENT, CONTENT, lambda d: [d.action_item.pk]),
    "network:action_item_history": r(NETWORK, args=lambda d: [d.action_item.pk]),
    "network:calendar_subscribe": r(NETWORK, NETWORK),
    "network:meeting_detail": r(NETWORK, args=lambda d: [d.meeting.pk]),
    "network:meeting_edit": r(MODERATION, MODERATION, lambda d: [d.meeting.pk]),
    "network:meeting_cancel": r(post=MODERATION, args=lambda d: [d.meeting.pk]),
    "network:meeting_history": r(NETWORK, args=lambda d: [d.meeting.pk]),
    "network:agenda_item_create": r(MODERATION, MODERATION, lambda d: [d.meeting.pk]),
    "network:agenda_items_paste": r(MODERATION, MODERATION, lambda d: [d.meeting.pk]),
    "network:agenda_item_edit": r(
        MODERATION, MODERATION, lambda d: [d.meeting.pk, d.agenda_item.pk]
    ),
    "network:agenda_item_delete": r(
        post=MODERATION, args=lambda d: [d.meeting.pk, d.agenda_item.pk]
    ),
    "network:agenda_item_move": r(
        post=MODERATION, args=lambda d: [d.meeting.pk, d.agenda_item.pk, "runter"]
    ),
    # GET: the preview with the recipients to tick; POST sends.
    "network:meeting_invite": r(MODERATION, MODERATION, lambda d: [d.meeting.pk]),
    "network:attendance_confirm_registered": r(post=MODERATION, args=lambda d: [d.meeting.pk]),
    "network:guest_add": r(post=MODERATION, args=lambda d: [d.meeting.pk]),
    "network:attendance_signatures": r(MODERATION, args=lambda d: [d.meeting.pk]),
    # Every invited person answers for themselves; the observer is not invited.
    "network:attendance_respond": r(
        post=frozenset({"moderator", "expert", "coordinator", "staff", "other"}),
        args=lambda d: [d.upcoming.pk],
    ),
    "network:attendance_record": r(MODERATION, MODERATION, lambda d: [d.meeting.pk]),
    "network:minutes_edit": r(CONTENT, CONTENT, lambda d: [d.meeting.pk]),
    "network:minutes_release": r(post=CONTENT, args=lambda d: [d.meeting.pk]),
    # The meeting's minutes are a draft: only who writes them reads them (and their PDF).
    "network:minutes_pdf": r(CONTENT, args=lambda d: [d.meeting.pk]),
    "network:decision_edit": r(CONTENT, CONTENT, lambda d: [d.meeting.pk, d.decision.pk]),
    "network:decision_history": r(NETWORK, args=lambda d: [d.meeting.pk, d.decision.pk]),
    "network:action_item_owner_choices": r(CONTENT),
    "network:decision_create": r(CONTENT, CONTENT, lambda d: [d.meeting.pk]),
    "network:action_item_create": r(CONTENT, CONTENT, lambda d: [d.meeting.pk, d.decision.pk]),
    "network:document_upload": r(CONTENT, CONTENT, lambda d: [d.meeting.pk]),
    "network:document_download": r(NETWORK, args=lambda d: [d.meeting.pk, d.document.pk]),
    "network:document_delete": r(post=CONTENT, args=lambda d: [d.meeting.pk, d.document.pk]),
    # --- reports ---------------------------------------------------------------------------
    "network:report_list": r(NETWORK),
    "network:report_request": r(post=LUENEN | {"other"}),
    "network:report_detail": r(NETWORK, args=lambda d: [d.report.pk]),
    "network:report_status": r(NETWORK, args=lambda d: [d.report.pk]),
    "network:report_download": r(NETWORK, args=lambda d: [d.report.pk]),
    "network:report_html": r(NETWORK, args=lambda d: [d.report.pk]),
    "network:report_retry": r(post=LUENEN, args=lambda d: [d.failed_report.pk]),
    "network:report_preview": r(NETWORK, args=lambda d: [d.report.pk]),
    # --- funding register: every member reads it, the moderation keeps it ----------------
    "network:funding_list": r(NETWORK),
    "network:funding_create": r(MODERATION, MODERATION),
    "network:funding_edit": r(MODERATION, MODERATION, lambda d: [d.programme.pk]),
    # --- public page: everybody reads who released what; each coordinator releases for its
    # own member only, the moderation switches the page and approves (network.views.public)
    "network:public_manage": r(NETWORK),
    "network:public_settings": r(MODERATION, MODERATION),
    "network:public_release": r(post=frozenset({"coordinator"}), args=lambda d: ["luenen"]),
    "network:public_approve": r(post=MODERATION, args=lambda d: [d.release.pk]),
    # --- collegial consultation: Lünen's coordinator brought the case (network.exchange) ----
    "network:case_list": r(NETWORK),
    "network:case_create": r(MEMBERS, MEMBERS),
    "network:case_detail": r(NETWORK, args=lambda d: [d.case.pk]),
    "network:case_edit": r(CASE_OWNER, CASE_OWNER, lambda d: [d.case.pk]),
    "network:case_phase": r(post=CASE_OWNER, args=lambda d: [d.case.pk]),
    "network:contribution_create": r(post=MEMBERS | {"expert"}, args=lambda d: [d.case.pk]),
    "network:conclusion_edit": r(CASE_OWNER, CASE_OWNER, lambda d: [d.case.pk]),
    "network:case_schedule": r(MODERATION, MODERATION, lambda d: [d.case.pk]),
    "network:case_outcome": r(post=MODERATION, args=lambda d: [d.done_case.pk, "leitlinie"]),
    "network:case_history": r(NETWORK, args=lambda d: [d.case.pk]),
    # --- procurement -------------------------------------------------------------------------
    "procurement:index": r(NETWORK),
    "procurement:criterion_list": r(NETWORK),
    "procurement:criterion_create": r(MODERATION, MODERATION),
    "procurement:import": r(MODERATION, MODERATION),
    "procurement:criterion_detail": r(NETWORK, args=lambda d: [d.criterion.pk]),
    "procurement:criterion_edit": r(MODERATION, MODERATION, lambda d: [d.criterion.pk]),
    "procurement:criterion_status": r(post=MODERATION, args=lambda d: [d.criterion.pk]),
    "procurement:product_group_create": r(MODERATION, MODERATION),
    "procurement:product_group_edit": r(MODERATION, MODERATION, lambda d: [d.group.pk]),
    "procurement:network_matrix": r(NETWORK),
    "procurement:approval_inbox": r(NETWORK),
    "procurement:approval_detail": r(NETWORK, args=lambda d: [d.approval.pk]),
    "procurement:approval_decide": r(post=LUENEN, args=lambda d: [d.approval.pk]),
    "procurement:roadmap_template": r(NETWORK),
    "procurement:template_milestone_create": r(MODERATION, MODERATION),
    "procurement:template_milestone_edit": r(
        MODERATION, MODERATION, lambda d: [d.template_milestone.pk]
    ),
    "procurement:adoption_matrix": r(NETWORK, LUENEN, lambda d: ["luenen"]),
    "procurement:adoption_csv": r(NETWORK, args=lambda d: ["luenen"]),
    "procurement:adoption_detail": r(NETWORK, LUENEN, lambda d: ["luenen", d.adoption.pk]),
    "procurement:adoption_request": r(post=LUENEN, args=lambda d: ["luenen", d.adoption.pk]),
    "procurement:adoption_status": r(post=LUENEN, args=lambda d: ["luenen", d.adoption.pk]),
    "procurement:tender_list": r(NETWORK, args=lambda d: ["luenen"]),
    "procurement:tender_csv": r(NETWORK, args=lambda d: ["luenen"]),
    "procurement:tender_create": r(LUENEN, LUENEN, lambda d: ["luenen"]),
    "procurement:tender_edit": r(LUENEN, LUENEN, lambda d: ["luenen", d.tender.pk]),
    "procurement:roadmap": r(NETWORK, args=lambda d: ["luenen"]),
    "procurement:roadmap_start": r(post=LUENEN, args=lambda d: ["luenen"]),
    "procurement:milestone_create": r(LUENEN, LUENEN, lambda d: ["luenen"]),
    "procurement:milestone_edit": r(LUENEN, LUENEN, lambda d: ["luenen", d.milestone.pk]),
    # --- building ------------------------------------------------------------------------------
    "building:project_list": r(NETWORK),
    "building:project_create": r(MEMBERS, MEMBERS),
    "building:project_detail": r(NETWORK, args=lambda d: [d.project.pk]),
    "building:project_edit": r(LUENEN, LUENEN, lambda d: [d.project.pk]),
    "building:project_economics": r(NETWORK, args=lambda d: [d.project.pk]),
    "building:variant_create": r(LUENEN, LUENEN, lambda d: [d.project.pk]),
    "building:variant_edit": r(LUENEN, LUENEN, lambda d: [d.project.pk, d.variant.pk]),
    "building:variant_delete": r(post=LUENEN, args=lambda d: [d.project.pk, d.variant.pk]),
    # GET asks first (the confirmed POST creates the draft)
    "building:assessment_create": r(LUENEN, LUENEN, lambda d: [d.project.pk]),
    "building:comparison": r(NETWORK),
    "building:settings": r(NETWORK, MODERATION),
    "building:assessment_detail": r(NETWORK, args=lambda d: [d.assessment.pk]),
    "building:assessment_score": r(LUENEN, LUENEN, lambda d: [d.assessment.pk]),
    "building:assessment_submit": r(post=LUENEN, args=lambda d: [d.assessment.pk]),
    # Four eyes: the moderation and the experts review, never Lünen's own people.
    "building:assessment_review": r(post=CONTENT, args=lambda d: [d.assessment.pk]),
    "building:board_list": r(NETWORK),
    "building:board_create": r(MODERATION, MODERATION),
    "building:board_detail": r(NETWORK, args=lambda d: [d.draft.pk]),
    "building:board_edit": r(MODERATION, MODERATION, lambda d: [d.draft.pk]),
    "building:board_activate": r(post=MODERATION, args=lambda d: [d.draft.pk]),
    "building:board_new_version": r(post=MODERATION, args=lambda d: [d.board.pk]),
    "building:group_create": r(MODERATION, MODERATION, lambda d: [d.draft.pk]),
    "building:group_edit": r(
        MODERATION, MODERATION, lambda d: [d.draft.pk, d.draft.groups.first().pk]
    ),
    "building:criterion_create": r(MODERATION, MODERATION, lambda d: [d.draft.pk]),
    "building:criterion_edit": r(
        MODERATION,
        MODERATION,
        lambda d: [d.draft.pk, d.draft.groups.first().criteria.first().pk],
    ),
    "building:level_create": r(MODERATION, MODERATION, lambda d: [d.draft.pk]),
    "building:level_edit": r(
        MODERATION, MODERATION, lambda d: [d.draft.pk, d.draft.levels.first().pk]
    ),
    "building:board_part_delete": r(
        post=MODERATION, args=lambda d: [d.draft.pk, "stufe", d.draft.levels.first().pk]
    ),
    "building:document": r(NETWORK, args=lambda d: [d.attachment.pk]),
    "building:guideline_list": r(NETWORK),
    "building:guideline_create": r(CONTENT, CONTENT),
    "building:guideline_detail": r(NETWORK, args=lambda d: [d.guideline.pk]),
    "building:guideline_edit": r(CONTENT, CONTENT, lambda d: [d.guideline.pk]),
    "building:guideline_attach": r(post=CONTENT, args=lambda d: [d.guideline.pk]),
    # Weighting workshop: everybody follows it, the moderation runs it, each member's
    # coordinator casts its ballot (here Lünen's).
    "building:weighting_list": r(NETWORK, args=lambda d: [d.board.pk]),
    "building:weighting_open": r(MODERATION, MODERATION, lambda d: [d.board.pk]),
    "building:weighting_detail": r(NETWORK, args=lambda d: [d.board.pk, d.vote.pk]),
    "building:weighting_ballot": r(
        frozenset({"coordinator"}),
        frozenset({"coordinator"}),
        lambda d: [d.board.pk, d.vote.pk, "luenen"],
    ),
    "building:weighting_close": r(post=MODERATION, args=lambda d: [d.board.pk, d.vote.pk]),
    "building:weighting_apply": r(
        MODERATION, MODERATION, lambda d: [d.closed_vote.board_id, d.closed_vote.pk]
    ),
}

OUTSIDE = {
    "network:home": Outside(lambda d: [], 302),
    "network:start_waiting": Outside(lambda d: [], 302),
    "network:start_due": Outside(lambda d: [], 302),
    "network:start_overdue": Outside(lambda d: [], 302),
    "network:healthz": Outside(lambda d: [], 200),
    "network:impressum": Outside(lambda d: [], 200),
    "network:privacy": Outside(lambda d: [], 200),
    "network:accessibility": Outside(lambda d: [], 200),
    "network:favicon": Outside(lambda d: [], 302),
    # Read without login; 404 while the network's public page is off (the default).
    "network:public_network": Outside(lambda d: ["knn"], 404),
    "network:public_member": Outside(lambda d: ["knn", "luenen"], 404),
    "network:public_embed": Outside(lambda d: ["knn", "luenen"], 404),
    "network:public_report": Outside(lambda d: ["knn"], 404),
    "network:public_report_pdf": Outside(lambda d: ["knn"], 404),
    "network:calendar_feed": Outside(lambda d: ["knn", "x" * 40], 404),  # the token is the key
    "login": Outside(lambda d: [], 200),
    "logout": Outside(lambda d: [], 405),
    "password_reset": Outside(lambda d: [], 200),
    "password_reset_done": Outside(lambda d: [], 200),
    "password_reset_confirm": Outside(lambda d: ["MQ", "falsch"], 200),
    "password_reset_complete": Outside(lambda d: [], 200),
    "profile": Outside(lambda d: [], 302),
    "password_change": Outside(lambda d: [], 302),
    "invitation_accept": Outside(lambda d: ["unbekannt"], 404),
    "email_change_confirm": Outside(lambda d: ["unbekannt"], 302),
    "membership_request_accept": Outside(lambda d: [1], 302),
    "membership_request_decline": Outside(lambda d: [1], 302),
    "set_language": Outside(lambda d: [], 405),  # POST only: the footer's two buttons
    "api_token_create": Outside(lambda d: [], 302),  # POST only, for the logged-in person
    "api_token_revoke": Outside(lambda d: [1], 302),  # only one's own (tests/network/test_api.py)
    # The read-only API: a token, never the session (tests/network/test_api.py tests the
    # scope of the roles); its description and the documentation page are open.
    "api:schema": Outside(lambda d: [], 200),
    "api:docs": Outside(lambda d: [], 200),
    "api:docs_interactive": Outside(lambda d: [], 200),
    "api:networks": Outside(lambda d: [], 401),
    "api:members": Outside(lambda d: ["knn"], 401),
    "api:meetings": Outside(lambda d: ["knn"], 401),
    "api:figures": Outside(lambda d: ["knn"], 401),
    "api:roadmaps": Outside(lambda d: ["knn"], 401),
    "api:criteria": Outside(lambda d: ["knn"], 401),
    "api:tenders": Outside(lambda d: ["knn"], 401),
    "api:projects": Outside(lambda d: ["knn"], 401),
    # A person's own notifications (404 for anybody else's: tests/network/test_notifications)
    "notifications:list": Outside(lambda d: [], 302),
    "notifications:open": Outside(lambda d: [1], 302),
    "notifications:read": Outside(lambda d: [1], 302),
    "notifications:read_all": Outside(lambda d: [], 302),
    "notifications:settings": Outside(lambda d: [], 302),
    "notifications:unsubscribe": Outside(lambda d: ["gefaelscht"], 404),  # the token is the key
    # Open data, without login: 404 while the network's page is off (tests/network/test_opendata)
    "network:opendata": Outside(lambda d: ["knn"], 404),
    "network:opendata_package": Outside(lambda d: ["knn"], 404),
    "network:opendata_csv": Outside(lambda d: ["knn", "members"], 404),
    "network:opendata_json": Outside(lambda d: ["knn", "members"], 404),
    # Searches the networks of the logged-in person (tests/network/test_search.py)
    "network:search": Outside(lambda d: [], 302),
}


def url_names():
    def walk(resolver, namespace=None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver()))


def test_every_url_has_a_row_in_the_matrix():
    """A new view fails here until its row says who may use it."""
    missing = url_names() - MATRIX.keys() - OUTSIDE.keys()
    assert sorted(missing) == []
    assert sorted((MATRIX.keys() | OUTSIDE.keys()) - url_names()) == []


@dataclass
class Data:
    meeting: object
    upcoming: object
    agenda_item: object
    decision: object
    action_item: object
    document: object
    report: object
    failed_report: object
    department: object
    staff_role: object
    invitation: object
    group: object
    criterion: object
    adoption: object
    approval: object
    tender: object
    milestone: object
    template_milestone: object
    project: object
    variant: object
    board: object
    draft: object
    assessment: object
    guideline: object
    attachment: object
    programme: object = None
    release: object = None
    case: object = None  # in its conclusion phase, open
    done_case: object = None
    vote: object = None  # open, on the active board
    closed_vote: object = None  # on the draft board


@pytest.fixture
def data(actors, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    network = actors.network
    meeting = MeetingFactory(network=network, starts_at=timezone.now() - timedelta(days=3))
    upcoming = MeetingFactory(network=network, starts_at=timezone.now() + timedelta(days=7))
    for user in (actors.moderator, actors.expert, actors.coordinator, actors.staff, actors.other):
        AttendanceFactory(meeting=upcoming, user=user)
    decision = Decision.objects.create(meeting=meeting, text="Kriterien beschließen")
    document = document_store(
        network=network,
        meeting=meeting,
        upload=SimpleUploadedFile("Protokoll.pdf", PDF),
        user=actors.moderator,
        title="Protokoll",
    )
    report = Report.objects.create(
        network=network,
        membership=actors.luenen,
        kind=Report.Kind.MUNICIPALITY,
        period_start="2026-01-01",
        period_end="2026-06-30",
        year=2026,
        number=1,
    )
    report.store(report.claim(), PDF, {"members": {}, "labels": {}}, "<p>HTML-Fassung</p>")
    failed = Report.objects.create(
        network=network,
        membership=actors.luenen,
        kind=Report.Kind.MUNICIPALITY,
        period_start="2025-01-01",
        period_end="2025-12-31",
        year=2025,
        number=1,
    )
    failed.fail(failed.claim(), "kaputt")
    group = ProductGroupFactory(network=network)
    criterion = CriterionFactory(network=network, product_group=group)
    adoption = AdoptionFactory(
        membership=actors.luenen, criterion=criterion, status=Adoption.Status.CONSULTATION
    )
    approval = DepartmentApprovalFactory(adoption=adoption, department=actors.luenen_department)
    assert approval.status == DepartmentApproval.Status.PENDING
    board = small_board(network)
    project = ProjectFactory(membership=actors.luenen)
    guideline = GuidelineFactory(network=network)
    attachment = document_store(
        network=network,
        upload=SimpleUploadedFile("Merkblatt.pdf", PDF),
        user=actors.moderator,
    )
    guideline.attachments.add(attachment)
    draft = small_board(network, active=False, name="Entwurf")
    closed_vote = weighting.vote_open(board=draft, title="Runde 1", user=actors.moderator)
    closed_vote.close(actors.moderator)
    return Data(
        meeting=meeting,
        upcoming=upcoming,
        agenda_item=AgendaItemFactory(meeting=meeting),
        decision=decision,
        action_item=ActionItemFactory(network=network, decision=decision, owner=actors.expert),
        document=document,
        report=report,
        failed_report=failed,
        department=DepartmentFactory(municipality=actors.luenen.municipality, name="Umweltamt"),
        staff_role=Role.objects.get(user=actors.staff, network=network),
        invitation=Invitation.objects.create(
            network=network,
            email="neu@luenen.example",
            kind=Role.Kind.STAFF,
            membership=actors.luenen,
            token_hash=hash_token("geheim"),
            invited_by=actors.coordinator,
            expires_at=timezone.now() + timedelta(days=14),
        ),
        group=group,
        criterion=criterion,
        adoption=adoption,
        approval=approval,
        tender=TenderFactory(membership=actors.luenen, product_group=group),
        milestone=MilestoneFactory(roadmap=RoadmapFactory(membership=actors.luenen)),
        template_milestone=MilestoneFactory(
            roadmap=Roadmap.objects.create(network=network, membership=None)
        ),
        project=project,
        variant=VariantFactory(project=project),
        board=board,
        draft=draft,
        assessment=building_services.assessment_start(project=project, board=board),
        guideline=guideline,
        attachment=attachment,
        programme=FundingProgramme.objects.create(
            network=network,
            name="BEG Einzelmaßnahmen",
            provider="BAFA",
            kinds=["renovation", "heating"],
            grant_rate_pct=30,
            valid_from="2024-01-01",
            last_checked="2026-10-01",
        ),
        release=Release.objects.create(membership=actors.luenen, section="x", released=True),
        case=case_of(actors, phase="conclusion", phase_open=True),
        done_case=case_of(actors, phase="done", phase_open=False, conclusion="Pilot"),
        vote=weighting.vote_open(board=board, title="Runde 2", user=actors.moderator),
        closed_vote=closed_vote,
    )


def case_of(actors, **state):
    from network.models import Case

    return Case.objects.create(
        network=actors.network,
        membership=actors.luenen,
        owner=actors.coordinator,
        title="Die Kämmerei lehnt Lebenszykluskosten ab",
        description="x",
        **state,
    )


def database_state():
    """Rows of every table of the portal's apps, history tables included (one query): a
    refused write must not add, remove or (through its history record) change anything."""
    tables = [
        model._meta.db_table
        for name in ("network", "procurement", "building")
        for model in apps.get_app_config(name).get_models()
        if model._meta.label != "network.DataChange"
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def url(name, row, data):
    return reverse(name, args=["knn", *row.args(data)])


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_and_outsider(actors, data, client, name):
    row = MATRIX[name]
    target = url(name, row, data)
    for method in ("get", "post"):
        response = getattr(client, method)(target)
        assert response.status_code == 302, (name, method)
        assert response["Location"].startswith(reverse("login")), (name, method)
    outsider = actors.client(actors.outsider)
    before = database_state()
    for method in ("get", "post"):
        assert getattr(outsider, method)(target).status_code == 404, (name, method)
    assert database_state() == before, name


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_allowed_get_through_and_everybody_else_is_refused(actors, data, name):
    row = MATRIX[name]
    target = url(name, row, data)
    for who in sorted(NETWORK):
        client = actors.client(getattr(actors, who))
        if row.get is not None:
            status = client.get(target).status_code
            if who in row.get:
                assert status == 200, (name, who, "GET", status)
            else:
                assert status in (403, 404), (name, who, "GET", status)
        else:
            assert client.get(target).status_code in (403, 404, 405), (name, who, "GET")
        if row.post is not None and who not in row.post:
            before = database_state()
            status = client.post(target).status_code
            assert status in (403, 404), (name, who, "POST", status)
            assert database_state() == before, (name, who, "POST")


@pytest.mark.parametrize("name", sorted(name for name, row in MATRIX.items() if row.post))
def test_the_allowed_may_post(actors, data, name):
    row = MATRIX[name]
    target = url(name, row, data)
    for who in sorted(row.post):
        # Each in a savepoint rolled back afterwards: the next finds what it would delete.
        with transaction.atomic():
            status = actors.client(getattr(actors, who)).post(target).status_code
            transaction.set_rollback(True)
        assert status not in (403, 404, 405, 500), (name, who, status)


@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_pages_outside_a_network(db, name):
    row = OUTSIDE[name]
    response = Client().get(reverse(name, args=row.args(None)))
    assert response.status_code == row.anonymous, (name, response.status_code)
