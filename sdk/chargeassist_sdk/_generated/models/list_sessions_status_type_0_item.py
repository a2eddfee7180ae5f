from typing import Literal

ListSessionsStatusType0Item = Literal[
    "CANCELLED",
    "CDR_AVAILABLE",
    "CHARGING",
    "COMPLETED",
    "ERROR",
    "PARKING",
    "REJECTED",
    "REQUESTED",
    "STARTING",
    "STOPPING",
    "TIMEOUT",
]

LIST_SESSIONS_STATUS_TYPE_0_ITEM_VALUES: set[ListSessionsStatusType0Item] = {
    "CANCELLED",
    "CDR_AVAILABLE",
    "CHARGING",
    "COMPLETED",
    "ERROR",
    "PARKING",
    "REJECTED",
    "REQUESTED",
    "STARTING",
    "STOPPING",
    "TIMEOUT",
}


def check_list_sessions_status_type_0_item(value: str) -> ListSessionsStatusType0Item:
    if value in LIST_SESSIONS_STATUS_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIST_SESSIONS_STATUS_TYPE_0_ITEM_VALUES!r}")
