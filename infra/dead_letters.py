"""Dead-letter queues of the scheduled jobs and the report worker: a nightly run that fails is kept, not lost.

EventBridge Scheduler invokes each job asynchronously. When Scheduler cannot deliver (after its own
retries) or the function fails every attempt Lambda makes, the event lands in the job's own encrypted
SQS queue (``<Function>DeadLetterQueue``, kept 14 days), and ``<Function>DeadLetterAlarm`` fires as soon
as a message is visible there. The queue's message is the original event: rerun the job on demand
(``POST /v1/admin/simpeg/sync``, ``POST /v1/admin/recaps/daily``), then purge the queue. The report worker's
events name a monthly export; its admin asks for the file again (the console says the export failed).
"""

from __future__ import annotations

from .cfn import Json, checkov_skip, get_att

RETENTION_S = 14 * 24 * 3600  # SQS's maximum


def queue_id(function_id: str) -> str:
    return f"{function_id}DeadLetterQueue"


def dead_letter_queue() -> Json:
    return {
        "Type": "AWS::SQS::Queue",
        "Metadata": checkov_skip(
            (
                "CKV_AWS_27",
                "encrypted at rest with SQS managed keys (SqsManagedSseEnabled); this check reads KmsMasterKeyId only",
            )
        ),
        "Properties": {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": RETENTION_S},
    }


def attach(function_id: str, properties: Json) -> None:
    """Point the function's failed asynchronous invocations and its schedules' failed deliveries at its queue."""
    arn = get_att(queue_id(function_id), "Arn")
    properties["DeadLetterQueue"] = {"Type": "SQS", "TargetArn": arn}
    for event in properties.get("Events", {}).values():
        if event.get("Type") == "ScheduleV2":
            event["Properties"]["DeadLetterConfig"] = {"Arn": arn}


def dead_letter_resources(function_ids: list[str]) -> dict[str, Json]:
    return {queue_id(function_id): dead_letter_queue() for function_id in sorted(function_ids)}
