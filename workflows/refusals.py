"""A domain refusal as it crosses Temporal (an update's or an activity's failure), code and all; the gateway
rebuilds it on the other side (`application.temporal_gateway`)."""

from temporalio.exceptions import ApplicationError

from domain.errors import ERROR_TYPES, DomainError


def refusal(error: DomainError) -> ApplicationError:
    details = {"code": error.code, "field": error.field, "params": error.params}
    return ApplicationError(error.code, details, type=type(error).__name__, non_retryable=True)


def is_refusal(failure: BaseException | None) -> bool:
    return isinstance(failure, ApplicationError) and failure.type in ERROR_TYPES and bool(failure.details)

