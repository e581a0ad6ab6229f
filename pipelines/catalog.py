"""Every asset and asset check of drijfjacht, in pipeline order: what Definitions and the CLI run."""

from __future__ import annotations

import dagster as dg

from assets import audit, clean, cordon, fair_share, ingest, outcomes, publish, targets

ASSETS: list[dg.AssetsDefinition] = [
    *ingest.ASSETS,
    *clean.ASSETS,
    *outcomes.ASSETS,
    *targets.ASSETS,
    *cordon.ASSETS,
    *fair_share.ASSETS,
    *audit.ASSETS,
    *publish.ASSETS,
]
CHECKS: list[dg.AssetChecksDefinition] = [
    *clean.CHECKS,
    *outcomes.CHECKS,
    *targets.CHECKS,
    *cordon.CHECKS,
    *fair_share.CHECKS,
    *publish.CHECKS,
]
