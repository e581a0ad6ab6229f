"""The one Definitions object of drijfjacht. Nothing imports it: Dagster loads it.

The programme folder and output folder come from DRIJFJACHT_PROGRAMME and DRIJFJACHT_OUT, which
`drijfjacht ui` sets; the job runs in-process (many small assets: subprocesses cost seconds).
"""

import dagster as dg

from pipelines.automation import PROGRAMME_JOB, inbox_sensor
from pipelines.catalog import ASSETS, CHECKS
from pipelines.resources import OutputFolder, ProgrammeFolder

programme_job = dg.define_asset_job(
    PROGRAMME_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest, validate, compute and publish the programme.",
)

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[programme_job],
    sensors=[inbox_sensor],
    resources={
        "programme": ProgrammeFolder(path=dg.EnvVar("DRIJFJACHT_PROGRAMME")),
        "output": OutputFolder(path=dg.EnvVar("DRIJFJACHT_OUT")),
    },
    executor=dg.in_process_executor,
)
