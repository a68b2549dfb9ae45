"""A domain refusal as it crosses Temporal (an update's or an activity's failure) and back, code and all."""

from temporalio.exceptions import ApplicationError

from domain.errors import ERROR_TYPES, DomainError, error_from


def refusal(error: DomainError) -> ApplicationError:
    details = {"code": error.code, "field": error.field, "params": error.params}
    return ApplicationError(error.code, details, type=type(error).__name__, non_retryable=True)


def is_refusal(failure: BaseException | None) -> bool:
    return isinstance(failure, ApplicationError) and failure.type in ERROR_TYPES and bool(failure.details)


def error_of(failure: ApplicationError) -> DomainError:
    details = failure.details[0] if failure.details and isinstance(failure.details[0], dict) else {}
    return error_from(failure.type or "DomainError", details.get("code") or failure.message, details.get("field"),
                      details.get("params") or {})
