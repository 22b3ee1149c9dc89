"""The demo's releases and rollouts (releases.csv, rollouts.csv).

Each verdict of DESIGN section 4 "Releases" appears in the demo, from effects written
into the simulation itself (see `FAILURE_STEPS`, used by `portfolio._usage_events`, and
`directory.ROLLOUT_WAVES`):
- the CI Platform's "Flaky-test quarantine" cuts the pipeline failure rate: task success
  improves, which backs the causal claim of its OKR link;
- the Data Mart's "Self-serve datasets" rolls out to the engineering orgs in two waves
  (`directory.ROLLOUT_WAVES`); the orgs of the first wave win new users, which the
  difference-in-differences against the orgs of the second wave measures;
- the Data Mart's "Query history" quietly raises the failure rate of queries and
  refreshes: its task success (a backstop) is hurt;
- the other releases change nothing the data can see ("no clear change", "held"), except
  that the Developer Portal's "Service templates" sits near the start of the data (four
  months before it) and the Observability Stack's "Alert routing" is too recent to judge
  (one month after it: "not enough data").

Pure: returns DataFrames.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from valuemodel.demo import directory

ROLLOUT_RELEASE = "dm-self-serve"
FIRST_WAVE = min(month for month, _ in directory.ROLLOUT_WAVES)
# (product_id, release_id, month index in the window, day, title, kind)
RELEASES: tuple[tuple[str, str, int, int, str, str], ...] = (
    ("ci", "ci-quarantine", 9, 6, "Flaky-test quarantine", "feature"),
    ("ci", "ci-runners", 17, 12, "Runner image refresh", "change"),
    ("datamart", "dm-query-history", 6, 18, "Query history", "feature"),
    ("datamart", ROLLOUT_RELEASE, FIRST_WAVE, 3, "Self-serve datasets", "launch"),
    ("design", "ds-dark-tokens", 6, 9, "Dark-mode tokens", "feature"),
    ("design", "ds-token-sync", 14, 7, "Token sync v2", "change"),
    ("devportal", "dp-templates", 4, 10, "Service templates", "feature"),
    ("devportal", "dp-search", 12, 14, "Service catalogue search", "feature"),
    ("flags", "ff-kill-switch", 12, 2, "Kill-switch API", "feature"),
    ("observability", "ob-sampling", 10, 20, "Trace sampling rules", "change"),
    ("observability", "ob-alert-routing", 22, 9, "Alert routing", "fix"),
    ("hr", "hr-payslips", 8, 11, "Mobile payslips", "feature"),
    ("expense", "ex-scanner", 13, 5, "New receipt scanner", "feature"),
)

# Changes to a product's failure rate from a month index on (added to its ramp): the
# release effects the demo's releases carry.
FAILURE_STEPS: dict[str, tuple[tuple[int, float], ...]] = {
    "ci": ((9, -0.035),),
    "datamart": ((6, 0.08),),
}


def releases_frame(date: Callable[[int, int], str]) -> pd.DataFrame:
    """releases.csv; `date(month_index, day)` gives YYYY-MM-DD in the demo's window."""
    return pd.DataFrame(
        [
            (pid, rid, date(month, day), title, kind)
            for pid, rid, month, day, title, kind in RELEASES
        ],
        columns=["product_id", "release_id", "released_on", "title", "kind"],
    )


def rollouts_frame(date: Callable[[int, int], str]) -> pd.DataFrame:
    """rollouts.csv: the Data Mart's self-serve datasets, org by org, in waves."""
    day = next(d for _, rid, _, d, _, _ in RELEASES if rid == ROLLOUT_RELEASE)
    return pd.DataFrame(
        [
            (directory.ROLLOUT_PRODUCT, ROLLOUT_RELEASE, "org", org, date(month, day))
            for month, org in directory.ROLLOUT_WAVES
        ],
        columns=["product_id", "release_id", "attribute", "value", "rolled_out_on"],
    )
