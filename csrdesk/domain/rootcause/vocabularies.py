"""The vocabularies of a root-cause entry: cause categories, risk sources, management-system elements and
victim-protection measures, with the severities that call for more."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Mapping



MAX_WHYS = 5


class RiskSource(str, Enum):
    """Where a risk comes from, as a systems-improvement plan states it."""

    BUSINESS_PROCESS = "business process"
    OPERATIONAL_FUNCTION = "operational function"
    STRUCTURAL_GAP = "structural gap"


@dataclass(frozen=True)
class CauseCategory:
    """A root-cause category a factory can pick, with the question that helps decide and its source of risk."""

    key: str
    title: str
    title_zh: str
    question: str  # the question that helps a factory decide whether this category applies
    risk_source: RiskSource


CAUSE_CATEGORIES: tuple[CauseCategory, ...] = (
    CauseCategory("policy", "Policy", "政策", "Is there no written rule, or does the rule allow it?",
                  RiskSource.STRUCTURAL_GAP),
    CauseCategory("procedure", "Procedure", "程序与流程", "Is there no procedure, or is it unclear or not followed?",
                  RiskSource.BUSINESS_PROCESS),
    CauseCategory("training", "Training and awareness", "培训与意识",
                  "Did the people involved not know the requirement or how to meet it?",
                  RiskSource.OPERATIONAL_FUNCTION),
    CauseCategory("responsibility", "Responsibility and accountability", "职责与问责",
                  "Is nobody named to own it, or is nobody held to account?", RiskSource.OPERATIONAL_FUNCTION),
    CauseCategory("monitoring", "Monitoring and internal audit", "监控与内部审核",
                  "Would anyone have noticed before the auditor did?", RiskSource.BUSINESS_PROCESS),
    CauseCategory("communication", "Worker communication and grievance channels", "员工沟通与申诉渠道",
                  "Could workers have raised it safely, and would it have reached management?",
                  RiskSource.STRUCTURAL_GAP),
    CauseCategory("resources", "Resources and capacity", "资源与产能",
                  "Were there too few people, too little money, time or equipment?", RiskSource.STRUCTURAL_GAP),
    CauseCategory("purchasing", "Buyer purchasing practices", "采购行为（客户方）",
                  "Did order timing, late changes, lead times or prices from buyers push the factory into it?",
                  RiskSource.BUSINESS_PROCESS),
    CauseCategory("external", "External or legal", "外部或法律因素",
                  "Did a law, an authority or an outside event play a part?", RiskSource.STRUCTURAL_GAP),
)
CATEGORY_BY_KEY: Mapping[str, CauseCategory] = {c.key: c for c in CAUSE_CATEGORIES}


@dataclass(frozen=True)
class SystemElement:
    """A part of the management system that a preventive action changes."""

    key: str
    title: str
    title_zh: str


SYSTEM_ELEMENTS: tuple[SystemElement, ...] = (
    SystemElement("policy", "Policy", "政策"),
    SystemElement("procedure", "Procedure", "程序与流程"),
    SystemElement("training", "Training and awareness", "培训与意识"),
    SystemElement("responsibility", "Responsibility and accountability", "职责与问责"),
    SystemElement("monitoring", "Monitoring and internal audit", "监控与内部审核"),
    SystemElement("communication", "Worker communication and grievance channels", "员工沟通与申诉渠道"),
    SystemElement("resources", "Resources and capacity", "资源与产能"),
    SystemElement("purchasing", "Purchasing practices (with buyers)", "采购行为（与客户）"),
)
ELEMENT_BY_KEY: Mapping[str, SystemElement] = {e.key: e for e in SYSTEM_ELEMENTS}
NO_ELEMENT_TITLE = "a one-off correction (no system change)"


@dataclass(frozen=True)
class VictimMeasure:
    """A measure that protects and remedies the workers a finding harmed (protection, remedy, return)."""

    key: str
    title: str
    title_zh: str


VICTIM_MEASURES: tuple[VictimMeasure, ...] = (
    VictimMeasure("protection", "full protection of the workers concerned", "对相关工人的全面保护"),
    VictimMeasure("remedy", "remedy (fees repaid, wages owed, compensation)", "补救（退还费用、补发工资、赔偿）"),
    VictimMeasure("return", "repatriation if wanted, or reintegration", "按意愿遣返或重新融入"),
    VictimMeasure("victim_services", "victim-service organisations consulted", "咨询受害者服务机构"),
)
VICTIM_MEASURE_BY_KEY: Mapping[str, VictimMeasure] = {m.key: m for m in VICTIM_MEASURES}

SEVERE = frozenset({"critical", "zero tolerance"})
