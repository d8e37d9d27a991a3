"""The 6R recommendation: a deterministic rule-and-score engine that explains itself.

Every strategy starts at 0 (rehost at 10: lift-and-shift is the default when nothing argues otherwise).
Each rule that fires adds or takes points from one or more strategies and leaves a line of evidence naming
the rule, the facts it read and the points it moved:

- RETIRE-LIFECYCLE: lifecycle ``retire`` -> retire +100.
- RETIRE-SUNSET-NO-USERS: lifecycle ``sunset`` with zero users -> retire +90; with users unknown -> retire +45,
  retain +10; with users -> retain +35, retire +15 (switch it off when they have moved).
- RETIRE-NO-USERS: zero users in any other lifecycle but ``invest`` -> retire +40.
- RETIRE-POWERED-OFF: every server powered off -> retire +25.
- NO-INVESTMENT: lifecycle ``sunset`` or ``retire`` -> rehost -30, replatform -40, refactor -60, repurchase -30.
- REPURCHASE-SAAS-REPLACEABLE: type ``saas_replaceable`` -> repurchase +110 (the user's own judgement).
- REPURCHASE-KNOWN-SAAS: a COTS product with a known SaaS offer (Siebel, Dynamics CRM, Exchange, SharePoint,
  PeopleSoft, Remedy, Jira Server, ...) -> repurchase +85; a COTS application of a category SaaS serves well
  (CRM, e-mail, HR, service desk, ...) -> repurchase +75; a custom application of such a category -> +15.
- VENDOR-CODE: COTS or SaaS-replaceable -> refactor -40 (the vendor owns the code).
- SPECIALIST-PLATFORM: a server on AIX, Solaris, HP-UX, IBM i, z/OS or a non-x86 architecture -> rehost -40,
  retain +35, replatform +10, refactor +15 for custom code.
- NOT-READY: another server not ready (unsupported OS release, 32-bit, too large) -> rehost -30,
  replatform +20, refactor +5.
- OS-END-OF-LIFE: an operating system past its end of support -> rehost -25, replatform +25 (rebuild on a
  supported release: rehosting as is carries an unpatched OS into the cloud). OS-BELOW-STANDARD: below the
  engagement's minimum -> rehost -10, replatform +10.
- RUNTIME-END-OF-LIFE: a runtime or language past its end of support (Java 8, .NET Framework 4.5, Python 2.7)
  -> rehost -15, replatform +15, refactor +10 for custom code.
- FRAMEWORK-END-OF-LIFE: an end-of-life or superseded framework (Struts 1, AngularJS, Web Forms) in custom
  code -> refactor +25, replatform +5, rehost -10.
- DATABASE-DEBT: a database past its end of support or below the minimum -> replatform +15.
- MANAGED-DATABASE: a database with a managed service on the target cloud -> replatform +10.
- APP-SERVER: an application server (Tomcat, JBoss, WebLogic, WebSphere, IIS) -> replatform +5; a commercial
  one (WebLogic, WebSphere) -> replatform +5 more.
- LEGACY-LANGUAGE: COBOL, RPG, PL/I, Natural, PowerBuilder, VB6, Delphi, classic ASP, FoxPro -> refactor +20
  (custom code still invested in or maintained), retain +15, rehost -10.
- LIFT-AND-SHIFT: servers linked, none not ready or unknown, no end-of-life component and no OS below the
  minimum -> rehost +35; ALL-READY: every server ready without conditions -> rehost +10.
- INVEST-CUSTOM: custom code in the ``invest`` lifecycle -> refactor +25, replatform +10.
  MAINTAIN: lifecycle ``maintain`` -> rehost +10, replatform +5.
- HIGH-COMPLEXITY: complexity 4 or 5 -> refactor -10, rehost +5 (keep change small on a complex move).
- DATA-RESIDENCY: compliance mentions residency, sovereignty or on-premises -> retain +20.
- GOALS: applied last, always: the engagement's goals (1-5 each) move the scores by
  (weight - 3) x affinity x 2 points, the affinities being speed (rehost +2, retire +2, retain +1, replatform -1,
  refactor -2), cost (retire +2, repurchase +1, replatform +1, retain -1), modernisation (refactor +2,
  replatform +1, repurchase +1, rehost -1, retain -2), operations (replatform +2, repurchase +2, refactor +1,
  retire +1, rehost -1, retain -1): at most 16 to 20 points either way per strategy. Goals tip close calls; a
  retire lifecycle, a sunset application without users or a declared SaaS replacement outweighs any goals.
  A COTS product with a known SaaS offer can lose to a clean lift-and-shift only when speed weighs 5 and
  modernisation and operations weigh 1.

The highest score wins (ties go to the less disruptive strategy: retire, repurchase, rehost, replatform,
refactor, retain). Alternatives are the other five, scored relative to the winner (winner = 1.0).
Confidence is 0.5 + 0.45 x (winner - runner-up) / winner, less 0.05 per unknown key fact (no servers linked,
lifecycle, type, users, a server's readiness unknown), within 0.2 .. 0.95. Effort is person-days by strategy
(a base plus a part per server and per end-of-life item) times a complexity factor (0.6, 0.8, 1, 1.4, 2),
shown as a T-shirt size (xs <= 5, s <= 15, m <= 40, l <= 100, xl above).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .complexity import Complexity
from .facts import STRATEGIES, AppFacts, Goals, ServerFacts
from .readiness import NOT_READY, READY, UNKNOWN, Readiness, is_powered_off, needs_specialist_platform
from .techdebt import BELOW_MINIMUM, END_OF_LIFE, DebtItem
from .versions import PRODUCT_LABELS, display_version, parse_component

TIE_ORDER: tuple[str, ...] = ("retire", "repurchase", "rehost", "replatform", "refactor", "retain")
GOAL_AFFINITY: dict[str, dict[str, int]] = {
    "speed": {"rehost": 2, "retire": 2, "retain": 1, "replatform": -1, "refactor": -2},
    "cost": {"retire": 2, "repurchase": 1, "replatform": 1, "retain": -1},
    "modernisation": {"refactor": 2, "replatform": 1, "repurchase": 1, "rehost": -1, "retain": -2},
    "operations": {"replatform": 2, "repurchase": 2, "refactor": 1, "retire": 1, "rehost": -1, "retain": -1},
}
GOAL_POINTS = 2

# COTS products with a SaaS offer: (pattern on name, vendor, description and tags; product; SaaS offers).
SAAS_PRODUCTS: tuple[tuple[str, str, str], ...] = (
    (r"\bsiebel\b", "Oracle Siebel CRM", "Salesforce Sales Cloud, Microsoft Dynamics 365 Sales, Oracle CX Sales"),
    (r"dynamics\s*(?:crm|ax|nav|gp)", "Microsoft Dynamics on-premises", "Microsoft Dynamics 365"),
    (r"\bsugar\s*crm\b", "SugarCRM", "SugarCloud"),
    (r"\bsap\s*crm\b", "SAP CRM", "SAP Sales Cloud"),
    (r"\bexchange(?:\s+server)?\b", "Microsoft Exchange Server", "Exchange Online (Microsoft 365)"),
    (r"\bsharepoint\b", "Microsoft SharePoint Server", "SharePoint Online (Microsoft 365)"),
    (r"\blotus\s*notes\b|\bdomino\b", "HCL Notes/Domino", "Microsoft 365, Google Workspace"),
    (r"\bpeoplesoft\b", "Oracle PeopleSoft", "Oracle Fusion Cloud HCM, Workday"),
    (r"e-business\s*suite|\boracle\s+ebs\b", "Oracle E-Business Suite", "Oracle Fusion Cloud ERP"),
    (r"\bkronos\b", "Kronos Workforce Central", "UKG Pro Workforce Management"),
    (r"\btaleo\b", "Oracle Taleo", "Oracle Recruiting Cloud"),
    (r"\bremedy\b", "BMC Remedy", "BMC Helix ITSM, ServiceNow ITSM"),
    (r"hp\s*service\s*manager|micro\s*focus\s*service\s*manager", "Service Manager", "ServiceNow ITSM"),
    (r"\bjira(?:\s+server|\s+data\s+center)?\b", "Jira Server", "Jira Cloud"),
    (r"\bconfluence\b", "Confluence Server", "Confluence Cloud"),
    (r"\bhyperion\b", "Oracle Hyperion", "Oracle EPM Cloud"),
    (r"\bcognos\b", "IBM Cognos Analytics", "IBM Cognos Analytics on Cloud"),
    (r"\bblackboard\b", "Blackboard Learn", "Blackboard Learn SaaS"),
    (r"\bzimbra\b", "Zimbra", "Microsoft 365, Google Workspace"),
)
SAAS_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    (r"\bcrm\b|customer\s+relationship", "CRM", "Salesforce Sales Cloud, Microsoft Dynamics 365 Sales"),
    (r"\be-?mail\b|\bmail\s*server\b|\bgroupware\b", "e-mail", "Microsoft 365, Google Workspace"),
    (r"\bhr\b|\bhrm?s\b|\bpayroll\b|human\s+resources", "HR", "Workday, SAP SuccessFactors"),
    (r"service\s*desk|help\s*desk|\bitsm\b|ticketing", "service desk", "ServiceNow, Jira Service Management"),
    (r"\bintranet\b|collaboration|\bwiki\b", "collaboration", "Microsoft 365, Confluence Cloud"),
    (r"\blms\b|learning\s+management", "learning", "Cornerstone, Docebo"),
    (r"expenses?\s+management|travel\s+and\s+expense", "expenses", "SAP Concur"),
)
_SAAS_PRODUCTS = tuple((re.compile(p, re.I), product, offers) for p, product, offers in SAAS_PRODUCTS)
_SAAS_CATEGORIES = tuple((re.compile(p, re.I), category, offers) for p, category, offers in SAAS_CATEGORIES)
LEGACY_LANGUAGES = re.compile(
    r"\bcobol\b|\brpg\b|\bpl/?i\b|\bnatural\b|powerbuilder|\bvb6\b|visual\s+basic\s+6|\bdelphi\b|classic\s+asp|"
    r"asp\s+classic|foxpro|progress\s+4gl|\bclipper\b",
    re.I,
)
RESIDENCY = re.compile(r"residen|sovereign|on[- ]?prem", re.I)
APP_SERVERS = {"tomcat", "jboss_eap", "weblogic", "websphere", "iis"}
COMMERCIAL_APP_SERVERS = {"weblogic", "websphere"}

COMPUTE = {"aws": "Amazon EC2", "azure": "Azure Virtual Machines", "gcp": "Compute Engine"}
MIGRATION_TOOL = {
    "aws": "AWS Application Migration Service",
    "azure": "Azure Migrate",
    "gcp": "Migrate to Virtual Machines",
}
MANAGED_DATABASE: dict[str, dict[str, str]] = {
    "aws": {
        "oracle_db": "Amazon RDS for Oracle",
        "sql_server": "Amazon RDS for SQL Server",
        "postgresql": "Amazon Aurora PostgreSQL",
        "mysql": "Amazon RDS for MySQL",
        "mariadb": "Amazon RDS for MariaDB",
        "mongodb": "Amazon DocumentDB",
        "db2": "Amazon RDS for Db2",
    },
    "azure": {
        "oracle_db": "Oracle Database@Azure",
        "sql_server": "Azure SQL Managed Instance",
        "postgresql": "Azure Database for PostgreSQL",
        "mysql": "Azure Database for MySQL",
        "mariadb": "Azure Database for MySQL",
        "mongodb": "Azure Cosmos DB for MongoDB",
    },
    "gcp": {
        "oracle_db": "Oracle Database@Google Cloud",
        "sql_server": "Cloud SQL for SQL Server",
        "postgresql": "Cloud SQL for PostgreSQL",
        "mysql": "Cloud SQL for MySQL",
        "mariadb": "Cloud SQL for MySQL",
        "mongodb": "MongoDB Atlas on Google Cloud",
    },
}
APP_PLATFORM = {
    "java": {"aws": "AWS Elastic Beanstalk", "azure": "Azure App Service", "gcp": "Cloud Run"},
    "dotnet_framework": {
        "aws": "AWS Elastic Beanstalk (Windows)",
        "azure": "Azure App Service (Windows)",
        "gcp": "GKE (Windows Server node pools)",
    },
    "other": {"aws": "Amazon ECS on AWS Fargate", "azure": "Azure Container Apps", "gcp": "Cloud Run"},
}
CLOUD_NATIVE = {
    "aws": ["Amazon EKS", "AWS Lambda"],
    "azure": ["Azure Kubernetes Service (AKS)", "Azure Functions"],
    "gcp": ["Google Kubernetes Engine (GKE)", "Cloud Run"],
}
ARCHIVE = {"aws": "Amazon S3 Glacier", "azure": "Azure Blob Storage (archive tier)", "gcp": "Cloud Storage (Archive)"}
SPECIALIST_SERVICE = {
    "aws": "IBM Power Virtual Server",
    "azure": "Skytap on Azure",
    "gcp": "IBM Power for Google Cloud",
}
EFFORT_BASE: dict[str, tuple[float, float]] = {
    "retire": (3, 1),
    "retain": (2, 0),
    "rehost": (5, 2),
    "replatform": (15, 4),
    "refactor": (60, 10),
    "repurchase": (40, 1),
}
COMPLEXITY_FACTOR = {1: 0.6, 2: 0.8, 3: 1.0, 4: 1.4, 5: 2.0}
EFFORT_SIZES: tuple[tuple[int, str], ...] = ((5, "xs"), (15, "s"), (40, "m"), (100, "l"))


@dataclass(frozen=True, slots=True)
class Recommendation:
    strategy: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    effort: str = "m"
    person_days: int = 0
    risks: list[str] = field(default_factory=list)
    target_services: list[str] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)


class _Scores:
    def __init__(self) -> None:
        self.points = dict.fromkeys(STRATEGIES, 0)
        self.points["rehost"] = 10
        self.evidence: list[str] = []

    def fire(self, rule: str, why: str, **moves: int) -> None:
        for strategy, points in moves.items():
            self.points[strategy] += points
        moved = ", ".join(f"{strategy} {points:+d}" for strategy, points in moves.items())
        self.evidence.append(f"[{rule}] {why}: {moved}")


def effort_size(person_days: int) -> str:
    """The T-shirt size of an effort in person-days."""
    return next((size for limit, size in EFFORT_SIZES if person_days <= limit), "xl")


def saas_match(app: AppFacts) -> tuple[str, str, bool] | None:
    """(what matched, SaaS offers, is a named product) when the application looks replaceable by SaaS."""
    text = " ".join(filter(None, [app.name, app.vendor, app.description, *app.tags]))
    for pattern, product, offers in _SAAS_PRODUCTS:
        if pattern.search(text):
            return product, offers, True
    for pattern, category, offers in _SAAS_CATEGORIES:
        if pattern.search(text):
            return category, offers, False
    return None


def recommend(
    app: AppFacts,
    *,
    servers: list[ServerFacts],
    readiness: Mapping[int, Readiness] | list[Readiness],
    debt: list[DebtItem],
    complexity: Complexity,
    goals: Goals,
    target_cloud: str,
) -> Recommendation:
    """The 6R strategy for an application with its evidence, alternatives, effort, risks and target services."""
    statuses = list(readiness.values()) if isinstance(readiness, Mapping) else list(readiness)
    scores = _Scores()
    lifecycle, app_type, users = app.lifecycle, app.app_type, app.users
    custom = app_type == "custom"
    stack = [parse_component(text) for text in (*app.languages, *app.frameworks, *app.databases, *app.middleware)]
    products = {component.product for component in stack if component is not None}

    # Retire and retain: the application's future.
    if lifecycle == "retire":
        scores.fire("RETIRE-LIFECYCLE", "lifecycle is retire", retire=100)
    elif lifecycle == "sunset":
        if users == 0:
            scores.fire("RETIRE-SUNSET-NO-USERS", "lifecycle is sunset and it has 0 users", retire=90)
        elif users is None:
            scores.fire("RETIRE-SUNSET-NO-USERS", "lifecycle is sunset, number of users unknown", retire=45, retain=10)
        else:
            scores.fire(
                "RETIRE-SUNSET-NO-USERS",
                f"lifecycle is sunset but {users} users still rely on it: keep it until they have moved",
                retain=35,
                retire=15,
            )
    elif users == 0 and lifecycle != "invest":
        scores.fire("RETIRE-NO-USERS", "it has 0 active users", retire=40)
    if servers and all(is_powered_off(s) for s in servers):
        scores.fire("RETIRE-POWERED-OFF", f"all {len(servers)} of its servers are powered off", retire=25)
    if lifecycle in ("sunset", "retire"):
        scores.fire(
            "NO-INVESTMENT",
            f"no investment in an application in the {lifecycle} lifecycle",
            rehost=-30,
            replatform=-40,
            refactor=-60,
            repurchase=-30,
        )

    # Repurchase: SaaS instead of running it.
    match = saas_match(app)
    if app_type == "saas_replaceable":
        offers = f" ({match[1]})" if match else ""
        scores.fire("REPURCHASE-SAAS-REPLACEABLE", f"type is saas_replaceable{offers}", repurchase=110)
    elif match and app_type == "cots":
        what, offers, named = match
        if named:
            scores.fire("REPURCHASE-KNOWN-SAAS", f"COTS product {what} has SaaS offers: {offers}", repurchase=85)
        else:
            scores.fire("REPURCHASE-KNOWN-SAAS", f"COTS {what} application, served by SaaS: {offers}", repurchase=75)
    elif match and custom:
        scores.fire("REPURCHASE-KNOWN-SAAS", f"custom {match[0]} application; SaaS exists: {match[1]}", repurchase=15)
    if app_type in ("cots", "saas_replaceable"):
        scores.fire("VENDOR-CODE", f"type is {app_type}: the vendor owns the code", refactor=-40)

    # The servers: can they move as they are?
    specialist = [s for s in servers if needs_specialist_platform(s)]
    if specialist:
        names = ", ".join(s.name for s in specialist[:3])
        moves = {"rehost": -40, "retain": 35, "replatform": 10}
        if custom:
            moves["refactor"] = 15
        scores.fire("SPECIALIST-PLATFORM", f"{len(specialist)} server(s) need a specialist platform ({names})", **moves)
    not_ready = [r for r in statuses if r.status == NOT_READY]
    if len(not_ready) > len(specialist):
        reason = next((r.reasons[0] for r in not_ready if r.reasons), "not ready")
        scores.fire(
            "NOT-READY", f"{len(not_ready)} server(s) not ready: {reason}", rehost=-30, replatform=20, refactor=5
        )

    os_eol = [d for d in debt if d.category == "os" and d.status == END_OF_LIFE]
    if os_eol:
        scores.fire(
            "OS-END-OF-LIFE",
            f"{_versions(os_eol)} out of support on {len(os_eol)} server(s): rehosting as is carries it into the cloud",
            rehost=-25,
            replatform=25,
        )
    os_below = [d for d in debt if d.category == "os" and d.status == BELOW_MINIMUM]
    if os_below:
        scores.fire("OS-BELOW-STANDARD", f"{_versions(os_below)} below the minimum standard", rehost=-10, replatform=10)
    runtime_eol = [d for d in debt if d.category in ("runtime", "language") and d.status == END_OF_LIFE]
    if runtime_eol:
        moves = {"rehost": -15, "replatform": 15}
        if custom:
            moves["refactor"] = 10
        scores.fire("RUNTIME-END-OF-LIFE", f"{_versions(runtime_eol)} out of support", **moves)
    framework_debt = [d for d in debt if d.category == "framework" and d.status in (END_OF_LIFE, BELOW_MINIMUM)]
    if framework_debt and custom:
        scores.fire(
            "FRAMEWORK-END-OF-LIFE",
            f"{_versions(framework_debt)} out of support or superseded in custom code",
            refactor=25,
            replatform=5,
            rehost=-10,
        )
    database_debt = [d for d in debt if d.category == "database" and d.status in (END_OF_LIFE, BELOW_MINIMUM)]
    if database_debt:
        scores.fire("DATABASE-DEBT", f"{_versions(database_debt)} out of support or below the minimum", replatform=15)
    managed = sorted(p for p in products if p in MANAGED_DATABASE.get(target_cloud, {}))
    if managed:
        services = ", ".join(MANAGED_DATABASE[target_cloud][p] for p in managed)
        scores.fire(
            "MANAGED-DATABASE", f"its database has a managed service on {target_cloud}: {services}", replatform=10
        )
    app_servers = sorted(products & APP_SERVERS)
    if app_servers:
        commercial = products & COMMERCIAL_APP_SERVERS
        scores.fire(
            "APP-SERVER",
            f"runs on an application server ({', '.join(app_servers)})"
            + ("; a commercial one, licences saved on a managed platform" if commercial else ""),
            replatform=10 if commercial else 5,
        )
    legacy = [text for text in app.languages if LEGACY_LANGUAGES.search(text)]
    if legacy:
        moves = {"retain": 15, "rehost": -10}
        if custom and lifecycle in ("invest", "maintain", None):
            moves["refactor"] = 20
        scores.fire("LEGACY-LANGUAGE", f"written in {', '.join(legacy)}", **moves)

    unknown_readiness = [r for r in statuses if r.status == UNKNOWN]
    eol_any = [d for d in debt if d.status == END_OF_LIFE]
    if servers and not not_ready and not unknown_readiness and not eol_any and not os_below:
        scores.fire(
            "LIFT-AND-SHIFT",
            f"{len(servers)} server(s) ready to move, no end-of-life component, OS within the standards",
            rehost=35,
        )
        if statuses and all(r.status == READY for r in statuses):
            scores.fire("ALL-READY", "every server ready without conditions", rehost=10)
    if lifecycle == "invest" and custom:
        scores.fire(
            "INVEST-CUSTOM", "custom code in the invest lifecycle: worth modernising", refactor=25, replatform=10
        )
    elif lifecycle == "maintain":
        scores.fire("MAINTAIN", "lifecycle is maintain: keep change small", rehost=10, replatform=5)
    if complexity.score >= 4:
        scores.fire("HIGH-COMPLEXITY", f"complexity {complexity.score} of 5", refactor=-10, rehost=5)
    residency = [c for c in app.compliance if RESIDENCY.search(c)]
    if residency:
        scores.fire("DATA-RESIDENCY", f"compliance: {', '.join(residency)}", retain=20)

    goal_line = _apply_goals(scores, goals)
    ranked = sorted(STRATEGIES, key=lambda s: (-scores.points[s], TIE_ORDER.index(s)))
    strategy, runner_up = ranked[0], ranked[1]
    top = scores.points[strategy]
    unknowns = _unknowns(app, servers, unknown_readiness)
    margin = (top - scores.points[runner_up]) / top if top > 0 else 0.0
    confidence = round(min(0.95, max(0.2, 0.5 + 0.45 * margin - 0.05 * len(unknowns))), 2)
    alternatives = [(s, round(max(scores.points[s], 0) / top, 2) if top > 0 else 0.0) for s in ranked[1:]]

    evidence = [*scores.evidence, _facts_line(app, servers, statuses, debt, complexity), goal_line]
    if unknowns:
        evidence.append(f"Unknown: {', '.join(unknowns)} (confidence -{0.05 * len(unknowns):.2f})")
    evidence.append("Scores: " + ", ".join(f"{s} {scores.points[s]}" for s in ranked))

    person_days = _person_days(strategy, servers, debt, complexity)
    return Recommendation(
        strategy=strategy,
        confidence=confidence,
        evidence=evidence,
        alternatives=alternatives,
        effort=effort_size(person_days),
        person_days=person_days,
        risks=_risks(strategy, app, servers, statuses, debt, products, target_cloud, unknown_readiness),
        target_services=_target_services(strategy, products, target_cloud, match, bool(specialist)),
        scores=dict(scores.points),
    )


def _versions(items: list[DebtItem]) -> str:
    seen: dict[str, None] = {}
    for item in items:
        label = PRODUCT_LABELS.get(item.component, item.component)
        label = f"{label} {display_version(item.component, item.version)}" if item.version else label
        seen.setdefault(label)
    return ", ".join(seen)


def _apply_goals(scores: _Scores, goals: Goals) -> str:
    weights = {
        "speed": goals.speed,
        "cost": goals.cost,
        "modernisation": goals.modernisation,
        "operations": goals.operations,
    }
    moves = dict.fromkeys(STRATEGIES, 0)
    for goal, weight in weights.items():
        for strategy, affinity in GOAL_AFFINITY[goal].items():
            moves[strategy] += (weight - 3) * affinity * GOAL_POINTS
    for strategy, points in moves.items():
        scores.points[strategy] += points
    stated = ", ".join(f"{goal} {weight}" for goal, weight in weights.items())
    moved = ", ".join(f"{s} {p:+d}" for s, p in moves.items() if p) or "no change (all goals at 3)"
    return f"[GOALS] engagement goals (1-5): {stated}: {moved}"


def _facts_line(
    app: AppFacts, servers: list[ServerFacts], statuses: list[Readiness], debt: list[DebtItem], complexity: Complexity
) -> str:
    readiness_counts: dict[str, int] = {}
    for r in statuses:
        readiness_counts[r.status] = readiness_counts.get(r.status, 0) + 1
    debt_counts: dict[str, int] = {}
    for d in debt:
        debt_counts[d.status] = debt_counts.get(d.status, 0) + 1
    parts = [
        f"type {app.app_type or 'unknown'}",
        f"lifecycle {app.lifecycle or 'unknown'}",
        f"criticality {app.business_criticality or 'unknown'}",
        f"users {app.users if app.users is not None else 'unknown'}",
        f"{len(servers)} server(s)"
        + (f" ({', '.join(f'{k} {v}' for k, v in sorted(readiness_counts.items()))})" if readiness_counts else ""),
        f"{len(debt)} debt item(s)"
        + (f" ({', '.join(f'{k} {v}' for k, v in sorted(debt_counts.items()))})" if debt_counts else ""),
        f"complexity {complexity.score}",
    ]
    return "Facts: " + "; ".join(parts)


def _unknowns(app: AppFacts, servers: list[ServerFacts], unknown_readiness: list[Readiness]) -> list[str]:
    unknowns = []
    if not servers:
        unknowns.append("no servers linked")
    if app.lifecycle is None:
        unknowns.append("lifecycle")
    if app.app_type is None:
        unknowns.append("type")
    if app.users is None:
        unknowns.append("users")
    if unknown_readiness:
        unknowns.append(f"readiness of {len(unknown_readiness)} server(s)")
    return unknowns


def _person_days(strategy: str, servers: list[ServerFacts], debt: list[DebtItem], complexity: Complexity) -> int:
    base, per_server = EFFORT_BASE[strategy]
    days = base + per_server * len(servers)
    if strategy in ("rehost", "replatform"):
        days += 2 * sum(1 for d in debt if d.status == END_OF_LIFE)
    return max(1, math.ceil(days * COMPLEXITY_FACTOR.get(complexity.score, 1.0)))


def _risks(
    strategy: str,
    app: AppFacts,
    servers: list[ServerFacts],
    statuses: list[Readiness],
    debt: list[DebtItem],
    products: set[str],
    cloud: str,
    unknown_readiness: list[Readiness],
) -> list[str]:
    risks: list[str] = []
    os_eol = {d.server_id for d in debt if d.category == "os" and d.status == END_OF_LIFE}
    if os_eol and strategy in ("rehost", "retain"):
        risks.append(f"Out-of-support OS on {len(os_eol)} server(s): no security fixes until it is upgraded")
    eol_stack = [d for d in debt if d.category != "os" and d.status == END_OF_LIFE]
    if eol_stack and strategy in ("rehost", "replatform"):
        risks.append(f"End-of-life components ({_versions(eol_stack)}) need upgrading and regression testing")
    storage_tb = sum(s.storage_gb or 0 for s in servers) / 1000
    if storage_tb > 5 and strategy not in ("retire", "retain"):
        risks.append(f"{storage_tb:,.1f} TB of data: plan the transfer and the cut-over window")
    if app.business_criticality == "critical" and strategy not in ("retire", "retain"):
        risks.append("Business critical: rehearse the cut-over and agree a rollback plan")
    if (app.rto_hours is not None and app.rto_hours < 4) or (app.rpo_minutes is not None and app.rpo_minutes < 15):
        risks.append("Tight RTO/RPO: needs continuous replication and a short cut-over")
    if app.compliance and strategy not in ("retire", "retain"):
        risks.append(f"Compliance ({', '.join(app.compliance)}): assess the landing zone before data moves")
    if app.dependencies_in + app.dependencies_out > 10:
        risks.append(
            f"{app.dependencies_in + app.dependencies_out} dependencies: move with its group or keep hybrid links"
        )
    physical = sum(1 for s in servers if s.is_virtual is False)
    if physical and strategy in ("rehost", "replatform"):
        risks.append(f"{physical} physical server(s): physical-to-virtual replication")
    if unknown_readiness:
        risks.append(f"Readiness unknown for {len(unknown_readiness)} server(s): the inventory is incomplete")
    if "oracle_db" in products and strategy in ("rehost", "replatform"):
        risks.append(f"Oracle Database licensing on {cloud} counts vCPUs: check the licence terms")
    if "sql_server" in products and strategy == "rehost":
        risks.append("SQL Server licences: licence mobility needs Software Assurance, or pay as you go")
    if app.app_type == "cots" and strategy in ("rehost", "replatform"):
        risks.append(f"Check the vendor supports the product on {cloud}")
    if strategy == "repurchase":
        risks.append("Data migration, integrations and user retraining for the SaaS replacement")
    if strategy == "refactor":
        risks.append("Longest route: scope grows; run the current system in parallel until cut-over")
    if strategy == "retire":
        risks.append("Confirm with the business owner that nobody relies on it; archive its data per retention rules")
    if not servers:
        risks.append("No servers linked: sizing, readiness and cost are unknown")
    return risks


def _target_services(
    strategy: str, products: set[str], cloud: str, match: tuple[str, str, bool] | None, specialist: bool
) -> list[str]:
    databases = [MANAGED_DATABASE.get(cloud, {})[p] for p in sorted(products) if p in MANAGED_DATABASE.get(cloud, {})]
    compute = COMPUTE.get(cloud, "virtual machines")
    if strategy == "rehost":
        return [compute, MIGRATION_TOOL.get(cloud, "")] if cloud in MIGRATION_TOOL else [compute]
    if strategy == "replatform":
        if "dotnet_framework" in products or "iis" in products or "aspnet_webforms" in products:
            platform = APP_PLATFORM["dotnet_framework"].get(cloud)
        elif products & {"java", "tomcat", "jboss_eap", "weblogic", "websphere", "spring", "spring_boot", "struts"}:
            platform = APP_PLATFORM["java"].get(cloud)
        elif products & {"nodejs", "python", "php", "dotnet"}:
            platform = APP_PLATFORM["other"].get(cloud)
        else:
            platform = compute
        return list(dict.fromkeys(filter(None, [platform, *databases])))
    if strategy == "refactor":
        return list(dict.fromkeys([*CLOUD_NATIVE.get(cloud, []), *databases]))
    if strategy == "repurchase":
        offers = match[1] if match else "a SaaS product (market scan)"
        return [offer.strip() for offer in offers.split(",")]
    if strategy == "retire":
        return [ARCHIVE[cloud]] if cloud in ARCHIVE else []
    if strategy == "retain" and specialist:
        return [SPECIALIST_SERVICE[cloud]] if cloud in SPECIALIST_SERVICE else []
    return []
