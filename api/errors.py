"""Refusals as HTTP answers: 422 names the field, 409 says why, 404 for an unknown id. Same shape as FastAPI's own 422."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.gateway import BinomeNotFound, CommandPending, CommandRefused


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CommandRefused)
    async def refused(request: Request, error: CommandRefused) -> JSONResponse:
        if error.status == 422:
            loc = ["header", error.field] if error.field == "Idempotency-Key" else ["body", error.field or "body"]
            return JSONResponse({"detail": [{"loc": loc, "msg": error.message, "type": "invalid_input"}]}, status_code=422)
        return JSONResponse({"detail": error.message}, status_code=error.status)

    @app.exception_handler(CommandPending)
    async def pending(request: Request, error: CommandPending) -> JSONResponse:
        return JSONResponse(
            {"detail": "La commande n'a pas encore été traitée. Renvoyez-la avec le même en-tête Idempotency-Key : "
                       "elle ne sera enregistrée qu'une fois.", "command_id": str(error)},
            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(BinomeNotFound)
    async def not_found(request: Request, error: BinomeNotFound) -> JSONResponse:
        return JSONResponse({"detail": "Binôme inconnu."}, status_code=404)
