"""A labelled corpus for the similar-decision check: what a team already has, and what
someone then declares, labelled with the earlier decisions it asks again (none when unrelated).

Probes are of three kinds: near-duplicates (typos, dropped words, small edits), rewordings
(the same question asked another way) and unrelated titles, many of them deliberately close
in words ("Pick the billing currency for Japan" beside "Pick the billing database").
"""

from __future__ import annotations

EXISTING = [
    "Pick the billing database",  # 0
    "Choose a CI provider for the mobile app",  # 1
    "Move the weekly planning meeting to Tuesdays",  # 2
    "Adopt TypeScript for the web frontend",  # 3
    "Which vendor for customer support chat",  # 4
    "Hire a second designer for the growth team",  # 5
    "Set the on-call rotation policy",  # 6
    "Deprecate the v1 public API",  # 7
    "Q3 pricing for the enterprise plan",  # 8
    "Switch error tracking from Sentry to Rollbar",  # 9
    "Rename the product to Deference",  # 10
    "Office move to the Berlin space",  # 11
    "Use Kubernetes for the staging cluster",  # 12
    "Postgres version upgrade to 16",  # 13
    "Define the code review policy",  # 14
    "Choose the analytics database",  # 15
    "Freeze dependencies before the launch",  # 16
    "Budget for the offsite in March",  # 17
    "Remote work policy for contractors",  # 18
    "Logo colour for the rebrand",  # 19
    "Retire the legacy billing service",  # 20
    "Pick a feature flag tool",  # 21
    "Cache strategy for the search API",  # 22
    "Roadmap priorities for Q1",  # 23
    "Approve the security audit vendor",  # 24
]

NEAR_DUPLICATES = [
    ("Pick the billing databse", {0}),
    ("Pick billing database", {0}),
    ("Pick the billing DB", {0}),
    ("Choose CI provider for mobile app", {1}),
    ("Move weekly planning to Tuesday", {2}),
    ("Adopt Typescript in the web front-end", {3}),
    ("Deprecate v1 of the public API", {7}),
    ("Pricing for the enterprise plan in Q3", {8}),
    ("Upgrade Postgres to version 16", {13}),
    ("Code review policy", {14}),
    ("Choose an analytics database", {15}),
    ("Feature flag tool: which one?", {21}),
    ("Roadmap priorities Q1", {23}),
    ("Renaming the product to Deference", {10}),
    ("Budget for the March offsite", {17}),
]

REWORDINGS = [
    ("Which database should billing use?", {0}),
    ("What database do we use for billing", {0}),
    ("Which CI service should the mobile app use", {1}),
    ("Should we hire another designer for growth?", {5}),
    ("On-call rotation: what policy?", {6}),
    ("Sunset the public v1 API", {7}),
    ("Move from Sentry to Rollbar for error tracking", {9}),
    ("Should the staging cluster run on Kubernetes?", {12}),
    ("Which vendor should do the security audit", {24}),
    ("Customer support chat: pick a vendor", {4}),
    ("Where do we put the cache for the search API", {22}),
    ("Offsite budget (March)", {17}),
    ("Contractors working remotely: policy", {18}),
    ("What colour should the new logo be", {19}),
    ("Shut down the old billing service", {20}),
    ("Do we freeze dependencies ahead of launch?", {16}),
    ("Which feature flag tool do we pick", {21}),
    ("Q1 roadmap: what are the priorities", {23}),
]

UNRELATED = [
    ("Pick the hiring process for interns", set()),
    ("Choose a name for the new meeting room", set()),
    ("Which laptop model for new hires", set()),
    ("Set the holiday calendar for 2027", set()),
    ("Plan the team lunch", set()),
    ("Pick the billing currency for Japan", set()),
    ("Choose the logging database", set()),
    ("Retire the legacy search service", set()),
    ("Q3 pricing for the starter plan", set()),
    ("Hire a second engineer for the platform team", set()),
    ("Move the retro meeting to Fridays", set()),
    ("Postgres connection pool size", set()),
    ("Deprecate the internal admin API", set()),
    ("Security training for new staff", set()),
    ("Adopt Rust for the data pipeline", set()),
    ("Choose a CDN for static assets", set()),
    ("Which font for the marketing site", set()),
    ("Travel policy for conferences", set()),
    ("Set up the quarterly all-hands", set()),
    ("Pick a date for the hackathon", set()),
]

PROBES = NEAR_DUPLICATES + REWORDINGS + UNRELATED
