"""Login attempts, limited per account and per client address (moving windows, `limits` in memory): each attempt
is counted before its password is checked, so parallel guesses cannot all slip through one window; a success
forgets the account's count (its longer windows too: the owner logging in wipes a slow guesser's hour). The
address's count keeps every attempt, successes included. Past a limit a login is refused with 429 and Retry-After.
Counted per API process; run behind a proxy that limits too when several processes serve."""

import math
import time

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from application.errors import Saturated


class LoginGuard:
    def __init__(self, per_account: str, per_address: str):
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._limits = {"account": parse_many(per_account) if per_account.strip() else [],
                        "address": parse_many(per_address) if per_address.strip() else []}

    def _keys(self, username: str, address: str) -> list[tuple[str, str]]:
        return [("account", username.strip().casefold()), ("address", address)]

    def attempt(self, username: str, address: str) -> None:
        """Counts an attempt; raises Saturated (429) when the account or the address has used up its attempts.

        Every limit is tested before any is counted, so an attempt refused by one counts against none (nothing
        awaits in between: the event loop runs no other attempt meanwhile)."""
        windows = [(limit, kind, key) for kind, key in self._keys(username, address) for limit in self._limits[kind]]
        for limit, kind, key in windows:
            if not self._limiter.test(limit, kind, key):
                reset = self._limiter.get_window_stats(limit, kind, key).reset_time
                raise Saturated("too_many_login_attempts", retry_after=max(1, math.ceil(reset - time.time())))
        for limit, kind, key in windows:
            self._limiter.hit(limit, kind, key)

    def succeeded(self, username: str) -> None:
        """The right password: the account's earlier attempts are forgotten (the address's are not)."""
        for limit in self._limits["account"]:
            self._limiter.clear(limit, "account", username.strip().casefold())
