"""All models, imported here so Alembic and the app see one metadata."""

from app.models.api_keys import ApiKey
from app.models.applications import Application, JobStageCount, Note, StageChange
from app.models.audit import AuditEvent
from app.models.booking import BookingRequest, BookingSlot, BookingStatus, SlotStatus
from app.models.candidates import Candidate
from app.models.companies import Company
from app.models.data_requests import DataRequest
from app.models.duplicates import CandidateMerge, DuplicateCandidate
from app.models.eeo import EeoQuestionSet, EeoResponse
from app.models.email_templates import EmailTemplate
from app.models.feedback import InterviewFeedback, InterviewFeedbackRevision, Recommendation
from app.models.files import StoredFile
from app.models.idempotency import IdempotencyKey
from app.models.imports import CandidateImport, CandidateImportRow
from app.models.interviews import (
    CalendarFeed,
    Interview,
    InterviewInterviewer,
    InterviewKind,
    InterviewStatus,
)
from app.models.jobs import EmploymentType, Job, JobStatus
from app.models.notifications import Notification, NotificationKind
from app.models.offers import Offer, OfferApprover, OfferEvent, OfferLetterTemplate
from app.models.outbox import MessageStatus, OutboxMessage
from app.models.pipelines import RejectionReason, StageTemplate
from app.models.privacy import PrivacyNotice
from app.models.questions import ApplicationAnswer, JobQuestion, QuestionKind
from app.models.replies import InboundMessage, ReplyAddress
from app.models.retention import RetentionRun
from app.models.search import CandidateSearch, ResumeText
from app.models.sessions import WebSession
from app.models.summaries import ApplicationSummary
from app.models.tags import CandidateTag, PoolMember, Tag, TalentPool
from app.models.tokens import RevokedToken
from app.models.users import REVIEWER_ROLES, STAFF_ROLES, Role, User
from app.models.webhooks import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

__all__ = [
    "REVIEWER_ROLES",
    "STAFF_ROLES",
    "ApiKey",
    "Application",
    "ApplicationAnswer",
    "ApplicationSummary",
    "AuditEvent",
    "BookingRequest",
    "BookingSlot",
    "BookingStatus",
    "CalendarFeed",
    "Candidate",
    "CandidateImport",
    "CandidateImportRow",
    "CandidateMerge",
    "CandidateSearch",
    "CandidateTag",
    "Company",
    "DataRequest",
    "DeliveryStatus",
    "DuplicateCandidate",
    "EeoQuestionSet",
    "EeoResponse",
    "EmailTemplate",
    "EmploymentType",
    "Event",
    "IdempotencyKey",
    "InboundMessage",
    "Interview",
    "InterviewFeedback",
    "InterviewFeedbackRevision",
    "InterviewInterviewer",
    "InterviewKind",
    "InterviewStatus",
    "Job",
    "JobQuestion",
    "JobStageCount",
    "JobStatus",
    "MessageStatus",
    "Note",
    "Notification",
    "NotificationKind",
    "Offer",
    "OfferApprover",
    "OfferEvent",
    "OfferLetterTemplate",
    "OutboxMessage",
    "PoolMember",
    "PrivacyNotice",
    "QuestionKind",
    "Recommendation",
    "RejectionReason",
    "ReplyAddress",
    "ResumeText",
    "RetentionRun",
    "RevokedToken",
    "Role",
    "SlotStatus",
    "StageChange",
    "StageTemplate",
    "StoredFile",
    "Tag",
    "TalentPool",
    "User",
    "WebSession",
    "WebhookDelivery",
    "WebhookEndpoint",
]
