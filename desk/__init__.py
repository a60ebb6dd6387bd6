"""The desk: the SOP workflow of a call, from pick-up to QA review.

Calls with validated caller identity and SOP clocks, escalations to the team
leader and back (with KB update proposals), knowledge gaps, QA reviews,
accounts and roles. Every write lands in the shared audit log.

Example:
    >>> from desk import Desk, validate_identity
    >>> desk = Desk.open(engine)                                    # doctest: +SKIP
    >>> agent = desk.users.authenticate("agen", password)           # doctest: +SKIP
    >>> call = desk.calls.start(agent, "samsat")                    # doctest: +SKIP
    >>> who = validate_identity("samsat", name="Budi", plate="d1234abc",
    ...                         region="Samsat Kota Cimahi")        # doctest: +SKIP
    >>> desk.calls.set_identity(call.id, agent, who)                # doctest: +SKIP
"""

from desk.auth import WeakPassword, generate_password, hash_password, verify_password
from desk.calls import (
    DRAFT_FIELDS,
    OUTCOME_LABELS,
    Call,
    CallAlreadyOpen,
    CallClosed,
    CallError,
    CallIncomplete,
    CallLog,
    CallNotFound,
    NotCallOwner,
    PanelSnapshot,
    ShownSuggestion,
)
from desk.escalations import (
    DECISION_LABELS,
    DraftInvalid,
    Escalation,
    EscalationDesk,
    EscalationError,
    EscalationNotFound,
    EscalationPending,
    InvalidEscalationState,
    draft_article,
)
from desk.gaps import GapGroup, GapLog, GapNotFound, KnowledgeGap, group_gaps
from desk.identity import (
    CallerIdentity,
    IdentityError,
    InvalidIdentity,
    InvalidName,
    InvalidNIK,
    InvalidNPWP,
    InvalidPlate,
    InvalidTaxpayerId,
    MissingField,
    UnknownRegion,
    mask_number,
    mask_text,
    normalize_nik,
    normalize_npwp,
    normalize_plate,
    parse_taxpayer_id,
    samsat_offices,
    validate_identity,
)
from desk.qa import RUBRIC, InvalidReview, QAReview, QAReviews, prefill, score
from desk.roles import ROLE_LABELS, ROLES, AccessDenied, can, require
from desk.service import Desk
from desk.sla import STEP_LABELS, STEPS, SLAPolicy, SLAStatus, policy_for, sla_status
from desk.users import (
    AuthenticationFailed,
    InvalidUsername,
    User,
    UserDirectory,
    UserExists,
    UserNotFound,
)

__all__ = [
    "DECISION_LABELS",
    "DRAFT_FIELDS",
    "OUTCOME_LABELS",
    "ROLES",
    "ROLE_LABELS",
    "RUBRIC",
    "STEPS",
    "STEP_LABELS",
    "AccessDenied",
    "AuthenticationFailed",
    "Call",
    "CallAlreadyOpen",
    "CallClosed",
    "CallError",
    "CallIncomplete",
    "CallLog",
    "CallNotFound",
    "CallerIdentity",
    "Desk",
    "DraftInvalid",
    "Escalation",
    "EscalationDesk",
    "EscalationError",
    "EscalationNotFound",
    "EscalationPending",
    "GapGroup",
    "GapLog",
    "GapNotFound",
    "IdentityError",
    "InvalidEscalationState",
    "InvalidIdentity",
    "InvalidNIK",
    "InvalidNPWP",
    "InvalidName",
    "InvalidPlate",
    "InvalidReview",
    "InvalidTaxpayerId",
    "InvalidUsername",
    "KnowledgeGap",
    "MissingField",
    "NotCallOwner",
    "PanelSnapshot",
    "QAReview",
    "QAReviews",
    "SLAPolicy",
    "SLAStatus",
    "ShownSuggestion",
    "UnknownRegion",
    "User",
    "UserDirectory",
    "UserExists",
    "UserNotFound",
    "WeakPassword",
    "can",
    "draft_article",
    "generate_password",
    "group_gaps",
    "hash_password",
    "mask_number",
    "mask_text",
    "normalize_nik",
    "normalize_npwp",
    "normalize_plate",
    "parse_taxpayer_id",
    "policy_for",
    "prefill",
    "require",
    "samsat_offices",
    "score",
    "sla_status",
    "validate_identity",
    "verify_password",
]
