"""All models, imported here so Alembic and the app see one metadata."""

from app.models.api_keys import ApiKey
from app.models.applications import Application, JobStageCount, Note, StageChange
from app.models.audit import AuditEvent
from app.models.candidates import Candidate
from app.models.companies import Company
from app.models.email_templates import EmailTemplate
from app.models.files import StoredFile
from app.models.idempotency import IdempotencyKey
from app.models.jobs import EmploymentType, Job, JobStatus
from app.models.notifications import Notification, NotificationKind
from app.models.offers import Offer, OfferApprover, OfferEvent, OfferLetterTemplate
from app.models.outbox import MessageStatus, OutboxMessage
from app.models.pipelines import RejectionReason, StageTemplate
from app.models.privacy import PrivacyNotice
from app.models.questions import ApplicationAnswer, JobQuestion, QuestionKind
from app.models.replies import InboundMessage, ReplyAddress
from app.models.search import CandidateSearch, ResumeText
from app.models.sessions import WebSession
from app.models.tags import CandidateTag, PoolMember, Tag, TalentPool
from app.models.tokens import RevokedToken
from app.models.users import STAFF_ROLES, Role, User
from app.models.webhooks import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

__all__ = [
    "STAFF_ROLES",
    "ApiKey",
    "Application",
    "ApplicationAnswer",
    "AuditEvent",
    "Candidate",
    "CandidateSearch",
    "CandidateTag",
    "Company",
    "DeliveryStatus",
    "EmailTemplate",
    "EmploymentType",
    "Event",
    "IdempotencyKey",
    "InboundMessage",
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
    "RejectionReason",
    "ReplyAddress",
    "ResumeText",
    "RevokedToken",
    "Role",
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
