from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.companies import Company


class Role(enum.StrEnum):
    CANDIDATE = "candidate"
    RECRUITER = "recruiter"
    HIRING_MANAGER = "hiring_manager"
    ADMIN = "admin"
    # Sees only the equal-opportunity aggregates: never a candidate or an application.
    COMPLIANCE = "compliance"


STAFF_ROLES = frozenset({Role.RECRUITER, Role.HIRING_MANAGER, Role.ADMIN, Role.COMPLIANCE})
# The staff who work with candidates; `is_staff` (every reviewer check) means one of these.
REVIEWER_ROLES = frozenset({Role.RECRUITER, Role.HIRING_MANAGER, Role.ADMIN})
ROLE_VALUES = tuple(r.value for r in Role)


class User(db.Model):
    __tablename__ = "users"
    __personal_data__ = ("email", "full_name")
    __table_args__ = (
        # Emails are stored normalised, so a plain unique index is case-insensitive.
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint(f"role IN {ROLE_VALUES}", name="role_known"),
        # Staff belong to exactly one company, candidates to none.
        CheckConstraint(
            "(role = 'candidate' AND company_id IS NULL) OR (role <> 'candidate' AND company_id IS NOT NULL)",
            name="company_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped whenever the password changes or the account is deactivated, so
    # sessions and tokens issued earlier can be told apart and refused.
    auth_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person proved they hold the address (a status link's account);
    # only then are a company's candidate records with this email linked to the account.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The daily digest (staff): off when opted out; when the last one was claimed (at most one a day).
    digest_opt_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company: Mapped[Company | None] = relationship(lazy="joined")

    @property
    def is_staff(self) -> bool:
        """A reviewer of this company's candidates (compliance staff are not)."""
        return self.role in REVIEWER_ROLES

    @property
    def is_compliance(self) -> bool:
        return self.role == Role.COMPLIANCE

    @property
    def is_candidate(self) -> bool:
        return self.role == Role.CANDIDATE

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
