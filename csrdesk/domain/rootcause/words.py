"""The word lists the root-cause checks read answers with, in English and Chinese: stop words, the words of
each cause category and system element, and the patterns of blame, excuses and restated findings."""
from __future__ import annotations

import re
from typing import Mapping



# Characters that join rather than carry meaning in Chinese text: a run is split on them before taking bigrams.
CJK_STOP = set("的了和与及在是等对被把将其之也都就这那个为而或并且")
STOP_WORDS = frozenset("""
a an the of to in on at for from by with without into onto as and or but nor so than then that this these those it
its is are was were be been being am do does did done doing has have had having will would shall should can could
may might must not no yes there their they them we our us you your he she his her i my me which who whom whose what
when where why how all any some each every more most less much many very too also only just such same other own
due because since while during per via about against between under over up down out off again once here
factory facility company supplier site plant
n/a na none nil unknown nothing etc
""".split())
CJK_EMPTY = {"无", "没有", "暂无", "不详", "不知道", "未知", "不清楚"}


# Words that show a cause lies in this part of the management system (English stems, Chinese words).
CAUSE_WORDS: Mapping[str, tuple[str, ...]] = {
    "policy": ("policy", "policies", "code of conduct", "commitment", "rule allow", "政策", "方针", "承诺", "守则"),
    "procedure": ("procedure", "process", "planning", "plan ", "plann", "sop", "no system", "system for", "schedul",
                  "approval", "instruction", "checklist", "register", "制度", "程序", "流程", "计划", "规程", "审批",
                  "排班", "规定", "登记"),
    "training": ("train", "aware", "unaware", "knowledge", "not know", "did not know", "understand", "induction",
                 "briefing", "培训", "意识", "不了解", "不清楚", "不懂", "不熟悉", "宣导"),
    "responsibility": ("responsib", "accountab", "nobody", "no one", "assigned", "assign", "owner", "in charge",
                       "job description", "appoint", "负责", "职责", "责任", "任命", "指定", "分工", "问责"),
    "monitoring": ("monitor", "audit", "check", "track", "review", "supervis", "oversight of", "inspect",
                   "reconcil", "record", "监控", "监督", "检查", "审核", "内审", "跟踪", "核查", "巡查", "复核", "记录"),
    "communication": ("grievance", "communicat", "complaint", "worker voice", "hotline", "suggestion box",
                      "worker representative", "union", "申诉", "沟通", "投诉", "热线", "意见箱", "员工代表", "工会"),
    "resources": ("budget", "shortage", "capacity", "resource", "cost", "staffing", "understaff", "headcount",
                  "turnover", "equipment", "invest", "low wage", "base wage", "预算", "人手", "缺工", "招工难",
                  "产能", "资源", "成本", "流失", "设备", "工资低", "底薪"),
    "purchasing": ("buyer", "customer", "brand", "lead time", "order change", "late order", "order timing",
                   "price", "pricing", "purchas", "客户", "交期", "交货期", "改单", "下单", "订单", "价格", "采购"),
    "external": ("law ", "legal requirement", "regulation", "government", "authority", "authorities", "pandemic",
                 "power cut", "power outage", "法律", "法规", "政府", "停电", "疫情", "主管部门"),
}

# Words that show a preventive action changes this management-system element.
ELEMENT_WORDS: Mapping[str, tuple[str, ...]] = {
    "policy": ("policy", "policies", "code of conduct", "commitment", "employer pays", "employer-pays",
               "政策", "方针", "承诺", "守则"),
    "procedure": ("procedure", "process", "sop", "instruction", "form ", "checklist", "planning", "plan ",
                  "schedul", "approval", "register", "rule", "system", "assess", "制度", "程序", "流程", "规定",
                  "计划", "审批", "表格", "清单", "登记", "排班", "规程", "评估", "接单"),
    "training": ("train", "briefing", "induction", "awareness", "educat", "coach", "workshop", "培训", "宣导",
                 "宣传", "教育", "讲解"),
    "responsibility": ("appoint", "responsib", "accountab", "assign", "job description", "designat", "in charge",
                       "kpi", "performance objective", "deputy", "owner", "任命", "职责", "负责", "责任", "指定",
                       "问责", "考核", "岗位说明"),
    "monitoring": ("monitor", "internal audit", "audit", "review", "check", "inspect", "report", "dashboard",
                   "alert", "track", "reconcil", "spot check", "walk-through", "监控", "监督", "内审", "审核", "检查",
                   "核查", "巡查", "报表", "报告", "预警", "跟踪", "复核", "稽核", "点检"),
    "communication": ("grievance", "hotline", "suggestion box", "worker committee", "worker representative",
                      "union", "complaint", "communicat", "notice board", "worker interview", "dialogue", "feedback",
                      "申诉", "投诉", "热线", "意见箱", "员工代表", "工会", "沟通", "公告栏", "反馈", "座谈"),
    "resources": ("budget", "hire", "hiring", "headcount", "staffing", "capacity", "invest", "equipment", "install",
                  "fund", "additional worker", "wage increase", "raise wage", "productivity", "预算", "招聘", "增加人手",
                  "人员配置", "产能", "投资", "设备", "资金", "增员", "加薪", "提高工资"),
    "purchasing": ("buyer", "brand", "customer", "lead time", "order timing", "order change", "purchasing",
                   "pricing", "costing", "客户", "品牌", "交期", "交货期", "改单", "订单", "采购"),
}

# Words that show each victim-protection measure is there.
VICTIM_WORDS: Mapping[str, tuple[str, ...]] = {
    "protection": ("protect", "safe accommodation", "no retaliation", "non-retaliation", "without retaliation",
                   "shelter", "safety of the worker", "continued employment", "keep their job", "keep their job",
                   "保护", "不报复", "安置", "安全住所", "继续雇佣"),
    "remedy": ("remedy", "remedies", "reimburs", "refund", "repay", "compensat", "back pay", "back wage",
               "restitution", "pay back", "paid back", "补偿", "赔偿", "退还", "返还", "补发", "偿还", "补救"),
    "return": ("repatriat", "reintegrat", "return home", "return to school", "back to school", "schooling",
               "education support", "遣返", "回国", "返乡", "回家", "重新融入", "复学", "返校", "上学", "就学"),
    "victim_services": ("ngo", "victim service", "victim-service", "civil society", "cso", "social worker",
                        "support organisation", "support organization", "anti-trafficking", "iom", "child rights",
                        "非政府组织", "社会组织", "社工", "救助", "公益", "妇联", "受害者服务", "儿童权益"),
}

FINDING_VICTIM_WORDS = ("forced labour", "forced labor", "bonded", "trafficking", "child labour", "child labor",
                         "debt bondage", "强迫劳动", "强制劳动", "人口贩卖", "拐卖", "童工", "债务奴役", "抵债劳动")

# Answers that blame the workers or restate the act, rather than naming a system failure.
BLAME_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"\b(workers?|employees?|staff|operators?|people)\s+(did|do|does|doing|worked|work|working|made|make|took|take)"
    r"\s+(the\s+|some\s+|a\s+lot\s+of\s+|too\s+much\s+)?(overtime|extra\s+hours|long\s+hours|more\s+hours)",
    r"\b(workers?|employees?|staff|operators?)\s+(wanted|want|wants|asked|asks|requested|request|chose|choose|"
    r"prefer|prefers|preferred|volunteered|insisted|liked|like)\b",
    r"\b(workers?|employees?|operators?)('s|s')?\s+(own\s+)?(negligence|carelessness|fault|mistake|choice|habit|"
    r"decision|request|wish)",
    r"\b(careless(ness)?|negligen\w*|human\s+error|forgot(ten)?|forget|oversight)\b",
    r"\b(workers?|employees?|operators?)\s+(did\s+not|didn't|do\s+not|don't|refused\s+to|would\s+not)\s+"
    r"(follow|obey|comply|wear|use|cooperate|listen)",
    r"(工人|员工|职工|作业员|操作工|工友)们?(自愿|主动|自己|要求|想|愿意|喜欢)?(要求)?(加班|超时)",
    r"(工人|员工|职工|作业员|操作工)们?(自愿|主动要求|自己要求|要求|想多赚钱|想多挣钱|想多赚|愿意)",
    r"(粗心|疏忽|大意|不小心|忘记|忘了|人为失误)",
    r"(工人|员工|职工|作业员|操作工)们?(不配合|不遵守|不听|不愿意|不愿|不肯)",
))

# Circumstances that are no cause by themselves: the question is what let them lead to the violation.
EXCUSE_WORDS = (
    "peak", "season", "busy", "urgent", "rush", "order", "orders", "shipment", "shipments", "delivery", "deadline",
    "many", "lot", "high", "volume", "production", "need", "needs", "requirement", "time", "tight",
)
# Words that add nothing to a restated finding: who and when, in general terms.
GENERIC_WORDS = (
    "worker", "workers", "employee", "employees", "staff", "people", "operator", "operators", "work", "worked",
    "working", "hours", "hour", "day", "days", "week", "weeks", "month", "months", "happened", "occurred", "found",
    "exceeded", "result", "caused", "reason", "problem", "issue",
)
EXCUSE_ZH = re.compile(
    r"^(因为|由于|因)?(生产)?(旺季|淡季|赶货|赶单|赶工|赶出货|订单(太|较|很|比较)?多|急单|交货(期)?(紧|急)|货期(紧|急)|出货(紧|急)|"
    r"生产(任务)?(紧|忙|重)|工作(量)?(多|大))+(的)?(原因|导致|造成|所致|引起)?$"
)


# Answers that put the whole cause on the workers' awareness or attitude ("workers are not aware of the rules",
# 员工不了解消防规定, 工人意识不强): read clause by clause, each clause that opens with such a statement is taken out
# together with the rule it names (the rule is what they did not know, not a failure of the system), and the
# rest of the answer must still name a management-system failure.
_WORKERS_EN = (r"(?:(?:the|some|many|most|new|our|certain|individual|a\s+few)\s+)*"
               r"(?:workers?|employees?|staff|operators?|people|workforce|they)")
_WORKERS_ZH = (r"(?:部分|个别|少数|一些|有些|很多|大部分|新进|一线|现场|车间)?"
               r"(?:新员工|新工人|员工|工人|职工|作业员|操作工|操作员|工友|人员|他们)们?")
# what kind of awareness: 安全意识, 消防意识, 法律意识...
_KIND_ZH = r"(?:安全|消防|法律|守法|法制|环保|质量|劳动|自我保护|保护|合规|规则|纪律|风险|卫生|健康|防护|责任)?"
_AWARENESS_EN = r"(?:awareness|discipline|knowledge|understanding|attitude|habits?|sense\s+of\s+responsibility)"
BLAME_CLAUSES = tuple(re.compile(p, re.IGNORECASE) for p in (
    # workers + what they are, do not do, or lack
    _WORKERS_EN + r"(?:\s+themselves)?\s+(?:are|were|is|was|being)\s+(?:(?:often|sometimes|still|very)\s+)?"
    r"(?:not\s+(?:aware|familiar|careful|cooperative|willing|conscious|serious)|unaware|unfamiliar|careless|"
    r"negligent|lazy|uncooperative|unwilling|undisciplined|ignorant)\b",
    _WORKERS_EN + r"\s+(?:do|does|did)\s*(?:not|n['’]t)\s+(?:(?:always|really|fully)\s+)?(?:know|understand|follow|"
    r"obey|comply|care|cooperate|listen|pay\s+attention|take\b[^,;]*?\bseriously|wear|use|read|remember)",
    _WORKERS_EN + r"\s+(?:lack|lacks|lacked|lacking)\s+(?:of\s+)?(?:\w+\s+)?" + _AWARENESS_EN,
    _WORKERS_EN + r"(?:['’]s?|s['’])?\s+(?:\w+\s+)?" + _AWARENESS_EN + r"\s+(?:is|was|are|were)\s+(?:(?:too|very)\s+)?"
    r"(?:low|weak|poor|insufficient|lacking|limited|bad|inadequate|not\s+(?:enough|good|strong|sufficient))",
    _WORKERS_EN + r"\s+(?:have|has|had)\s+(?:(?:a|too)\s+)?(?:low|poor|weak|little|no|limited|insufficient|bad)\s+"
    r"(?:\w+\s+)?" + _AWARENESS_EN,
    _WORKERS_EN + r"\s+(?:refused|refuse|refuses|would\s+not|won['’]t|will\s+not)\s+(?:to\s+)?(?:cooperate|follow|"
    r"comply|obey|wear|use|listen)",
    _WORKERS_EN + r"\s+(?:forgot|forget|forgets|ignored|ignore|ignores|neglected|neglect|violated|broke)\b",
    # no subject: the awareness or attitude itself
    r"(?:(?:a|the)\s+)?(?:lack\s+of|low|poor|weak|insufficient|limited|inadequate|no)\s+(?:\w+\s+)?"
    r"(?:awareness|discipline)\b",
    r"(?:(?:a|the)\s+)?(?:lack\s+of|low|poor|weak|insufficient|limited|inadequate)\s+(?:worker|employee|staff|"
    r"operator)s?['’]?\s+(?:\w+\s+)?" + _AWARENESS_EN,
    r"(?:worker|employee|operator|staff|human)s?['’]?\s+(?:carelessness|negligence|errors?|mistakes?|fault|"
    r"attitude|habits?|indiscipline|ignorance)",
    # Chinese: (workers) (of/about the rule) + not knowing, weak awareness, carelessness, not cooperating
    r"(?:" + _WORKERS_ZH + r")?(?:的|自身|本身|自己)?(?:对(?P<obj>[^，,；;。]{0,30}?))?(?:"
    r"" + _KIND_ZH + r"(?:意识|观念)(?:不强|不够|不足|薄弱|淡薄|较差|较弱|差|弱|低|不高|欠缺|不到位)"
    r"|缺乏" + _KIND_ZH + r"(?:意识|常识|知识|观念)"
    r"|不了解|不清楚|不知道|不熟悉|不懂|不明白|不理解|没有意识到|未意识到|不重视|不在意|不注意"
    r"|疏忽大意|疏忽|粗心大意|粗心|马虎|大意|不小心|忘记了?|忘了|不配合|不遵守|不服从|不听从?|不愿意?|不肯"
    r"|违反|违规操作|私自|擅自|图方便|贪方便|怕麻烦|嫌麻烦|习惯不好|习惯差|素质(?:低|不高|差|较低)"
    r"|责任心(?:不强|差)|纪律性差|自觉性(?:差|不强))",
))
CLAUSE_SPLIT = re.compile(
    r"[，,；;。.!！?？\n、:：()（）]+|因为|由于|所以|因此|导致|造成|以致|以至于?|而且|并且|但是|同时|加上|另外"
    r"|\b(?:because|since|as\s+a\s+result|so\s+that|so|and|but|while|which|leading\s+to|resulting\s+in|due\s+to)\b",
    re.IGNORECASE)
CLAUSE_OPENING = re.compile(
    r"^(?:(?:主要|根本)?原因(?:是|为|在于)?|主要是|主要|是|因|the\s+(?:main\s+|root\s+)?(?:cause|reason)\s+(?:is|was)"
    r"\s+(?:that\s+)?|mainly\s+|simply\s+)", re.IGNORECASE)
# The rule that workers did not know or follow: named in the blame, it is not a system failure of its own.
RULE_NAMED = re.compile(
    r"(?:[\u4e00-\u9fff]{0,6}?(?:规章制度|操作规程|规定|制度|法规|法律|规则|要求|标准|程序|流程|政策|守则|纪律|规程))"
    r"|\b(?:rules?|regulations?|laws?|legal\s+limits?|limits?|requirements?|procedures?|policy|policies|"
    r"standards?|instructions?|sops?|code\s+of\s+conduct)\b", re.IGNORECASE)
