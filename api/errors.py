"""Refusals as HTTP answers: 422 names the field, 409 says why, 404 for an unknown id. Same shape as FastAPI's own 422."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.gateway import BinomeNotFound, CommandRefused


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CommandRefused)
    async def refused(request: Request, error: CommandRefused) -> JSONResponse:
        if error.status == 422:
            loc = ["header", error.field] if error.field == "Idempotency-Key" else ["body", error.field or "body"]
            return JSONResponse({"detail": [{"loc": loc, "msg": error.message, "type": "invalid_input"}]}, status_code=422)
        return JSONResponse({"detail": error.message}, status_code=error.status)

    @app.exception_handler(BinomeNotFound)
    async def not_found(request: Request, error: BinomeNotFound) -> JSONResponse:
        return JSONResponse({"detail": "Binôme inconnu."}, status_code=404)
