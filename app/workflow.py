"""The application stage machine, built from a job's pipeline.

A pipeline is an ordered list of stages, each with a key (unique in the
pipeline; what the API's `to` names), a name and a category:

    applied <= screening <= interview <= offer <= hired       (in that order)

plus the two final stages every pipeline has, `rejected` and `withdrawn`.
The rules, whatever the stages:

    a stage -> the next one            (or any later one if the pipeline allows skipping)
    a hired-category stage only from an offer-category stage
    any non-final stage -> rejected    (reason required; recruiter or admin)
    any non-final stage -> withdrawn   (only the candidate who applied)
    hired, rejected and withdrawn are final

The Standard pipeline (applied -> screening -> interview -> offer -> hired, no
skipping) is the seed's machine exactly. The `transitions` library holds each
graph; a compiled pipeline is cached by its content, so a request never builds
one unless the pipeline changed. Who may make a move is decided here too, so
both front doors share one answer.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from transitions import Machine, MachineError

from app.errors import Forbidden, IllegalTransition, ValidationFailed

CATEGORIES = ("applied", "screening", "interview", "offer", "hired")
FINAL_CATEGORIES = ("rejected", "withdrawn")
ALL_CATEGORIES = (*CATEGORIES, *FINAL_CATEGORIES)
CATEGORY_LABELS = {
    "applied": "Applied",
    "screening": "Screening",
    "interview": "Interview",
    "offer": "Offer",
    "hired": "Hired",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
}
FINAL_KEYS = FINAL_CATEGORIES  # the two final stages every pipeline has, keyed by their category

# The Standard pipeline: its keys are the category names.
PIPELINE = CATEGORIES
STAGES = (*PIPELINE, *FINAL_KEYS)
FINAL_STAGES = frozenset({"hired", "rejected", "withdrawn"})
ACTIVE_STAGES = tuple(s for s in STAGES if s not in FINAL_STAGES)
STAGE_LABELS = CATEGORY_LABELS

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_STAGES = 20
NAME_MAX = 60

# Who may perform a move into each destination.
_STAFF_MOVERS = frozenset({"recruiter", "admin"})


# Categories whose stages email the candidate on entry unless the stage says otherwise.
EMAIL_CATEGORIES = ("screening", "interview", "offer", "hired", "rejected")
MAX_EMAIL_DELAY_MINUTES = 30 * 24 * 60
# A stage's email settings (None: the default rule), stored on the stage only when set.
EMAIL_SETTINGS = ("email", "email_template", "email_delay_minutes")


@dataclass(frozen=True)
class Stage:
    """A stage of a pipeline, with how entering it emails the candidate.

    `email`: whether entering it emails the candidate (None: entering a new
    category of EMAIL_CATEGORIES does); `email_template`: the email template key
    sent (None: the category's, `stage_<category>`); `email_delay_minutes`: how
    long the email waits (None: no wait, a rejection MAIL_REJECTION_DELAY).
    """

    key: str
    name: str
    category: str
    internal: bool = False
    email: bool | None = None
    email_template: str | None = None
    email_delay_minutes: int | None = None

    @property
    def final(self) -> bool:
        return self.category in FINAL_STAGES

    def as_dict(self) -> dict:
        out = {"key": self.key, "name": self.name, "category": self.category, "internal": self.internal}
        for name in EMAIL_SETTINGS:
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


STANDARD_STAGES: tuple[Stage, ...] = tuple(Stage(key, CATEGORY_LABELS[key], key) for key in PIPELINE)
_FINALS = tuple(Stage(key, CATEGORY_LABELS[key], key) for key in FINAL_KEYS)


def standard_stages_json() -> list[dict]:
    """The Standard pipeline as stored on a job or template (a fresh list each call)."""
    return [stage.as_dict() for stage in STANDARD_STAGES]


@dataclass
class _Token:
    """The object the machine drives; `state` is the stage key."""

    state: str


class Pipeline:
    """One compiled pipeline: its stages, its graph and the rules for who moves what."""

    def __init__(self, stages: tuple[Stage, ...], allow_skip: bool):
        self.stages = stages
        self.allow_skip = allow_skip
        self.all_stages: tuple[Stage, ...] = (*stages, *_FINALS)
        self.by_key: dict[str, Stage] = {stage.key: stage for stage in self.all_stages}
        self.keys: tuple[str, ...] = tuple(self.by_key)
        self.active_keys: tuple[str, ...] = tuple(s.key for s in stages if not s.final)
        self.machine = Machine(
            model=None,
            states=list(self.keys),
            transitions=self._transitions(),
            initial=self.keys[0],
            auto_transitions=False,
            model_attribute="state",
        )
        self._moves = {key: tuple(self.machine.get_triggers(key)) for key in self.keys}

    def _transitions(self) -> list[dict]:
        moves: list[dict] = []
        active = list(self.active_keys)
        for index, source in enumerate(self.stages):
            if source.final:
                continue
            later = self.stages[index + 1 :] if self.allow_skip else self.stages[index + 1 : index + 2]
            for dest in later:
                if dest.category == "hired" and source.category != "offer":
                    continue
                moves.append({"trigger": dest.key, "source": source.key, "dest": dest.key})
        if active:
            moves.append({"trigger": "rejected", "source": active, "dest": "rejected"})
            moves.append({"trigger": "withdrawn", "source": active, "dest": "withdrawn"})
        return moves

    @cached_property
    def first_key(self) -> str:
        return self.stages[0].key

    def stage(self, key: str) -> Stage | None:
        return self.by_key.get(key)

    def category(self, key: str) -> str:
        stage = self.by_key.get(key)
        return stage.category if stage else (key if key in CATEGORY_LABELS else "applied")

    def label(self, key: str) -> str:
        stage = self.by_key.get(key)
        return stage.name if stage else CATEGORY_LABELS.get(key, key)

    def public_label(self, key: str) -> str:
        """What the candidate sees: the stage's name, or its category's if the company marked it internal."""
        stage = self.by_key.get(key)
        if stage is None:
            return CATEGORY_LABELS.get(key, key)
        return CATEGORY_LABELS[stage.category] if stage.internal else stage.name

    def public_key(self, key: str) -> str:
        """The key a candidate is shown: internal stages read as their category."""
        stage = self.by_key.get(key)
        return stage.category if stage is not None and stage.internal else key

    def keys_in(self, categories: Iterable[str]) -> list[str]:
        wanted = set(categories)
        return [stage.key for stage in self.all_stages if stage.category in wanted]

    def graph_moves(self, key: str) -> list[str]:
        """Every stage reachable in one move from `key`, whoever moves it."""
        return list(self._moves.get(key, ()))

    def allowed_moves(self, key: str, role: str, is_applicant: bool) -> list[str]:
        """The moves from `key` that this actor may make."""
        return [dest for dest in self._moves.get(key, ()) if may_move(role, is_applicant, dest)]

    def move(self, key: str, dest: str, *, role: str, is_applicant: bool, reason: str | None = None) -> str:
        """Validate and perform one move; returns the new stage key.

        Raises Forbidden when the actor may not make such a move at all,
        IllegalTransition when the graph has no such move, ValidationFailed when
        the destination is not a stage of this pipeline or a rejection has no reason.
        """
        if dest not in self.by_key:
            raise ValidationFailed(
                "Unknown stage.", errors={"to": [f"Must be one of this job's stages: {', '.join(self.keys)}."]}
            )
        if not may_move(role, is_applicant, dest):
            raise Forbidden(_forbidden_detail(role, dest))
        if dest not in self._moves.get(key, ()):
            raise IllegalTransition(key, dest, self.graph_moves(key))
        if dest == "rejected" and not (reason or "").strip():
            raise ValidationFailed(
                "A rejection needs a reason.", errors={"reason": ["A reason is required to reject."]}
            )
        token = _Token(key)
        try:
            self.machine.events[dest].trigger(token)
        except MachineError as exc:  # pragma: no cover - guarded by the checks above
            raise IllegalTransition(key, dest, self.graph_moves(key)) from exc
        return token.state


def _freeze(stages: Iterable[Mapping | Stage]) -> tuple[Stage, ...]:
    return tuple(
        s
        if isinstance(s, Stage)
        else Stage(
            s["key"],
            s["name"],
            s["category"],
            bool(s.get("internal", False)),
            s.get("email"),
            s.get("email_template"),
            s.get("email_delay_minutes"),
        )
        for s in stages
    )


@lru_cache(maxsize=512)
def _compiled(stages: tuple[Stage, ...], allow_skip: bool) -> Pipeline:
    return Pipeline(stages, allow_skip)


def compile_pipeline(stages: Iterable[Mapping | Stage], allow_skip: bool = False) -> Pipeline:
    """The compiled pipeline for these stages (built once per distinct content)."""
    return _compiled(_freeze(stages), bool(allow_skip))


STANDARD = compile_pipeline(STANDARD_STAGES)


def for_job(job) -> Pipeline:
    """The job's own pipeline (jobs without one stored run the Standard one).

    Kept on the job object for the stage list it was built from: a page of one job's
    applications asks once per row. A new list (assigned, or reloaded after an expire) builds it again.
    """
    stages = job.pipeline_stages
    if not stages:
        return STANDARD
    allow_skip = job.pipeline_allow_skip
    state = getattr(job, "__dict__", None)
    known = state.get(_PIPELINE_KEPT) if state is not None else None
    if known is not None and known[0] is stages and known[1] == allow_skip:
        return known[2]
    pipeline = compile_pipeline(stages, allow_skip)
    if state is not None:
        state[_PIPELINE_KEPT] = (stages, allow_skip, pipeline)
    return pipeline


_PIPELINE_KEPT = "_workflow_pipeline"


def validate_stages(raw, *, field: str = "stages") -> tuple[list[dict], dict[str, list[str]]]:
    """Clean a pipeline's stage list; returns (stages, errors by field).

    Keys are made from names when missing and must be unique; categories run in
    order (applied first, hired last, an offer stage just before hired).
    """
    errors: dict[str, list[str]] = {}
    if not isinstance(raw, list) or not raw:
        return [], {field: ["Give at least one stage per category from applied to hired, as a list."]}
    if len(raw) > MAX_STAGES:
        return [], {field: [f"At most {MAX_STAGES} stages."]}
    clean: list[dict] = []
    used: set[str] = set(FINAL_KEYS)
    # Keys given are kept: a new stage named like a later kept one must not take its key.
    given = {item.get("key") for item in raw if isinstance(item, Mapping) and isinstance(item.get("key"), str)}
    for index, item in enumerate(raw):
        where = f"{field}.{index}"
        if not isinstance(item, Mapping):
            errors.setdefault(where, []).append("Each stage is an object with a name and a category.")
            continue
        name = item.get("name")
        name = " ".join(name.split()) if isinstance(name, str) else ""
        if not name or len(name) > NAME_MAX:
            errors.setdefault(f"{where}.name", []).append(f"A name of 1 to {NAME_MAX} characters is required.")
        elif not _storable(name):
            errors.setdefault(f"{where}.name", []).append("Contains a character that is not allowed.")
        category = item.get("category")
        if category not in CATEGORIES:
            errors.setdefault(f"{where}.category", []).append(f"Must be one of: {', '.join(CATEGORIES)}.")
        key = item.get("key")
        if key is None or key == "":
            key = _unique_key(slug_key(name) or "stage", used | given)
        elif not isinstance(key, str) or not KEY_PATTERN.match(key):
            errors.setdefault(f"{where}.key", []).append(
                "Lower-case letters, digits and underscores, starting with a letter (at most 40)."
            )
        elif key in used:
            errors.setdefault(f"{where}.key", []).append(
                "Already used by another stage." if key not in FINAL_KEYS else "Reserved for the final stage."
            )
        internal = item.get("internal", False)
        if not isinstance(internal, bool):
            errors.setdefault(f"{where}.internal", []).append("Must be true or false.")
        if isinstance(key, str):
            used.add(key)
        stage = {"key": key, "name": name, "category": category, "internal": internal is True}
        stage.update(_email_settings(item, category, where, errors))
        clean.append(stage)
    if errors:
        return clean, errors
    problem = _order_problem([stage["category"] for stage in clean])
    if problem:
        errors[field] = [problem]
    return clean, errors


def _email_settings(item: Mapping, category, where: str, errors: dict[str, list[str]]) -> dict:
    """A stage's email settings as given (missing or null: the default), checked."""
    from app.mail.default_templates import DEFAULTS  # the keys a stage may send

    out: dict = {}
    email = item.get("email")
    if email is not None:
        if isinstance(email, bool):
            out["email"] = email
        else:
            errors.setdefault(f"{where}.email", []).append("Must be true, false or left out (the default).")
    template = item.get("email_template")
    if template is not None and template != "":
        if isinstance(template, str) and template in DEFAULTS:
            out["email_template"] = template
        else:
            errors.setdefault(f"{where}.email_template", []).append(f"Must be one of: {', '.join(DEFAULTS)}.")
    elif out.get("email") and category not in EMAIL_CATEGORIES:
        errors.setdefault(f"{where}.email_template", []).append("Choose which email a stage of this category sends.")
    delay = item.get("email_delay_minutes")
    if delay is not None and delay != "":
        if isinstance(delay, int) and not isinstance(delay, bool) and 0 <= delay <= MAX_EMAIL_DELAY_MINUTES:
            out["email_delay_minutes"] = delay
        else:
            errors.setdefault(f"{where}.email_delay_minutes", []).append(
                f"A whole number of minutes from 0 to {MAX_EMAIL_DELAY_MINUTES}."
            )
    return out


def email_default(pipeline: Pipeline, from_stage: str | None, to_stage: str) -> bool:
    """Whether entering `to_stage` emails by default: it enters a new category that tells the candidate."""
    category = pipeline.category(to_stage)
    if category not in EMAIL_CATEGORIES:
        return False
    return from_stage is None or pipeline.category(from_stage) != category


def _order_problem(categories: list[str]) -> str | None:
    rank = {category: n for n, category in enumerate(CATEGORIES)}
    if categories[0] != "applied":
        return "The first stage must be of the applied category: new applications enter it."
    if any(rank[a] > rank[b] for a, b in itertools.pairwise(categories)):
        return "Stages must run in category order: applied, screening, interview, offer, hired."
    if categories.count("hired") != 1:
        return "A pipeline ends with exactly one stage of the hired category."
    if len(categories) < 2 or categories[-2] != "offer":
        return "The stage before the hired one must be of the offer category."
    return None


def _storable(text: str) -> bool:
    """No NUL and no lone surrogate: text the database keeps and a page can show."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def slug_key(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()  # Résumé: resume
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if slug and not slug[0].isalpha():
        slug = f"s_{slug}"
    return slug[:40].rstrip("_")


def _unique_key(base: str, used: set[str]) -> str:
    key, n = base, 2
    while key in used:
        suffix = f"_{n}"
        key, n = f"{base[: 40 - len(suffix)]}{suffix}", n + 1
    return key


# The Standard pipeline's answers, for callers that have no job at hand.
def graph_moves(stage: str) -> list[str]:
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    return STANDARD.graph_moves(stage)


def allowed_moves(stage: str, role: str, is_applicant: bool) -> list[str]:
    return STANDARD.allowed_moves(stage, role, is_applicant)


def move(stage: str, dest: str, *, role: str, is_applicant: bool, reason: str | None = None) -> str:
    return STANDARD.move(stage, dest, role=role, is_applicant=is_applicant, reason=reason)


def may_move(role: str, is_applicant: bool, dest: str) -> bool:
    """Whether an actor of `role` may move an application into `dest`.

    `is_applicant` is true when the actor is the candidate who applied. Company
    membership is checked by the caller before this is asked.
    """
    if dest == "withdrawn":
        return is_applicant
    return role in _STAFF_MOVERS


def _forbidden_detail(role: str, dest: str) -> str:
    if dest == "withdrawn":
        return "Only the candidate who applied can withdraw an application."
    if role == "candidate":
        return "Candidates can only withdraw their own applications."
    return "Only recruiters and admins can move applications between stages."
