"""The mentors a mentee may be matched with, prepared once as arrays, so that scoring all of them for one mentee
takes a few numpy operations per criterion instead of one `matching.match` per mentor.

It scores exactly as `matching.match` does (same parts, same whole points; a test holds them equal); the
explanations of the few kept are then made by `matching.match` itself.
"""

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np

from domain import geography, matching
from domain.matching import DEFAULT_CRITERIA, GOOD_LEVELS, VIDEO, Criterion, Suggestion
from domain.profiles import AVAILABILITY_SLOTS, MEETING_PREFERENCES
from domain.sectors import NACE_SECTIONS

_SECTOR_BIT = {code: 1 << index for index, code in enumerate(NACE_SECTIONS)}
_SLOT_BIT = {slot: 1 << index for index, slot in enumerate(AVAILABILITY_SLOTS)}
_MODE = {mode: index for index, mode in enumerate(MEETING_PREFERENCES)}
_EITHER, _VIDEO_MODES = _MODE["either"], [_MODE[mode] for mode in VIDEO]
_WORD_FIELDS = {"function": "text", "expectations": "text", "interests": "list", "hobbies": "list"}


class MentorPool:
    def __init__(self, profiles: Mapping[str, Mapping[str, Any]]):
        self.ids = list(profiles)
        self._index = {person_id: index for index, person_id in enumerate(self.ids)}
        rows = [profiles[person_id] for person_id in self.ids]
        self._profiles = profiles
        self._sectors = np.array([_mask(p.get("sectors"), _SECTOR_BIT) | _mask(p.get("experience_sectors"),
                                                                                 _SECTOR_BIT) for p in rows], np.int64)
        self._words = {name: _WordIndex([_word_set(p.get(name), kind) for p in rows])
                       for name, kind in _WORD_FIELDS.items()}
        births = [_birth(p.get("birth_date")) for p in rows]
        self._born = np.array([b or (0, 0, 0) for b in births], np.int64).reshape(len(rows), 3)
        self._has_birth = np.array([b is not None for b in births], bool)
        self._levels = [p.get("language_levels") or {} for p in rows]
        self._language_codes = {code for levels in self._levels for code in levels}
        self._has_language = np.array([bool(levels) for levels in self._levels], bool)
        self._language_has = {code: np.array([code in levels for levels in self._levels], bool)
                              for code in self._language_codes}
        self._language_good = {code: np.array([levels.get(code) in GOOD_LEVELS for levels in self._levels], bool)
                               for code in self._language_codes}
        self._municipality = np.array([p.get("municipality") or "" for p in rows], object)
        places = [geography.location(m) if m else None for m in self._municipality]
        self._lon = np.radians(np.array([pl[0] if pl else np.nan for pl in places], np.float64))
        self._lat = np.radians(np.array([pl[1] if pl else np.nan for pl in places], np.float64))
        self._mode = np.array([_MODE.get(p.get("meeting_mode"), -1) for p in rows], np.int64)
        self._slots = np.array([_mask(p.get("availability"), _SLOT_BIT) for p in rows], np.int64)

    def scores(self, mentee: Mapping[str, Any], criteria: Mapping[str, Criterion] = DEFAULT_CRITERIA,
               on: date | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Every mentor's score for `mentee`, and whether every mandatory criterion allows the pair."""
        on = on or date.today()
        total = np.zeros(len(self.ids), np.int64)
        allowed = np.ones(len(self.ids), bool)
        maxima = matching.max_points(criteria)
        for name, criterion in criteria.items():
            part = getattr(self, f"_{name}")(mentee, on)
            known = ~np.isnan(part)
            total += np.where(known, np.round(maxima[name] * np.where(known, part, 0.0)), 0).astype(np.int64)
            if criterion.mandatory:
                allowed &= known & (np.where(known, part, 0.0) > 0)
        return total, allowed

    def columns(self, person_ids: list[str]) -> np.ndarray:
        """Where these mentors (all in the pool) sit in its arrays, in their order."""
        return np.array([self._index[p] for p in person_ids], dtype=np.int64)

    def among(self, person_ids: Iterable[str]) -> np.ndarray:
        """A mask of these mentors (those not in the pool are left out)."""
        mask = np.zeros(len(self.ids), bool)
        mask[[self._index[p] for p in person_ids if p in self._index]] = True
        return mask

    def suggestions(self, mentee: Mapping[str, Any], criteria: Mapping[str, Criterion] = DEFAULT_CRITERIA,
                    limit: int = 10, on: date | None = None, among: np.ndarray | None = None) -> list[Suggestion]:
        """As `matching.suggestions` for a mentee among these mentors (those of the mask `among`, if given): the
        best allowed, best score first, then by id; each explained by `matching.match`."""
        on = on or date.today()
        scores, allowed = self.scores(mentee, criteria, on)
        candidates = np.flatnonzero(allowed if among is None else allowed & among)
        if candidates.size > limit:  # the best `limit` scores, ties at the edge kept for the order by id
            edge = np.partition(scores[candidates], -limit)[-limit]
            candidates = candidates[scores[candidates] >= edge]
        kept = sorted(candidates.tolist(), key=lambda i: (-int(scores[i]), self.ids[i]))[:limit]
        return [Suggestion(self.ids[i], matching.match(self._profiles[self.ids[i]], mentee, criteria, on))
                for i in kept]

    # --- each criterion's part, per mentor (NaN: cannot be judged) -----------------------------------------

    def _sector(self, mentee, on) -> np.ndarray:
        wanted = _mask(mentee.get("sectors"), _SECTOR_BIT)
        if not wanted:
            return self._unknown()
        return np.where(self._sectors != 0, ((self._sectors & wanted) != 0).astype(np.float64), np.nan)

    def _function(self, mentee, on) -> np.ndarray:
        return self._words["function"].overlap(_word_set(mentee.get("function"), "text"), "min")

    def _interests(self, mentee, on) -> np.ndarray:
        return self._words["interests"].overlap(_word_set(mentee.get("interests"), "list"), "min")

    def _hobbies(self, mentee, on) -> np.ndarray:
        return self._words["hobbies"].overlap(_word_set(mentee.get("hobbies"), "list"), "min")

    def _expectations(self, mentee, on) -> np.ndarray:
        return self._words["expectations"].overlap(_word_set(mentee.get("expectations"), "text"), "three")

    def _age(self, mentee, on) -> np.ndarray:
        born = _birth(mentee.get("birth_date"))
        if born is None:
            return self._unknown()
        theirs = on.year - born[0] - ((on.month, on.day) < (born[1], born[2]))
        year, month, day = self._born[:, 0], self._born[:, 1], self._born[:, 2]
        before = (month > on.month) | ((month == on.month) & (day > on.day))
        gap = np.abs(on.year - year - before.astype(np.int64) - theirs)
        part = np.where(gap <= 10, 1.0, np.where(gap <= 20, 0.5, 0.0))
        return np.where(self._has_birth, part, np.nan)

    def _languages(self, mentee, on) -> np.ndarray:
        levels = mentee.get("language_levels") or {}
        if not levels:
            return self._unknown()
        shared = np.zeros(len(self.ids), bool)
        fluent = np.zeros(len(self.ids), bool)
        for code, level in levels.items():
            if code in self._language_has:
                shared |= self._language_has[code]
                if level in GOOD_LEVELS:
                    fluent |= self._language_good[code]
        return np.where(self._has_language, np.where(fluent, 1.0, np.where(shared, 0.5, 0.0)), np.nan)

    def _geography(self, mentee, on) -> np.ndarray:
        video = np.isin(self._mode, _VIDEO_MODES) & (mentee.get("meeting_mode") in VIDEO)
        municipality = mentee.get("municipality")
        place = geography.location(municipality) if municipality else None
        if place is None:
            return np.where(video, 1.0, np.nan)
        lon, lat = math.radians(place[0]), math.radians(place[1])
        h = np.sin((self._lat - lat) / 2) ** 2 + math.cos(lat) * np.cos(self._lat) * np.sin((self._lon - lon) / 2) ** 2
        km = np.where(self._municipality == municipality, 0.0,
                      2 * geography.EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)))
        part = np.full(len(self.ids), 0.0)
        for limit, share in reversed(matching.DISTANCE_BANDS):
            part = np.where(km <= limit, share, part)
        return np.where(video, 1.0, np.where(np.isnan(km), np.nan, part))

    def _availability(self, mentee, on) -> np.ndarray:
        theirs = _mask(mentee.get("availability"), _SLOT_BIT)
        if not theirs:
            return self._unknown()
        common = np.bitwise_count(self._slots & theirs).astype(np.float64)
        return np.where(self._slots != 0, np.minimum(1.0, common / 2), np.nan)

    def _meeting_mode(self, mentee, on) -> np.ndarray:
        theirs = _MODE.get(mentee.get("meeting_mode"), -1)
        if theirs < 0:
            return self._unknown()
        fits = (self._mode == _EITHER) | (theirs == _EITHER) | (self._mode == theirs)
        return np.where(self._mode >= 0, fits.astype(np.float64), np.nan)

    def _unknown(self) -> np.ndarray:
        return np.full(len(self.ids), np.nan)


class _WordIndex:
    """Which mentors have each word, and how many words each has."""

    def __init__(self, sets: list[set[str]]):
        self.sizes = np.array([len(words) for words in sets], np.int64)
        self._has: dict[str, list[int]] = {}
        for index, words in enumerate(sets):
            for word in words:
                self._has.setdefault(word, []).append(index)

    def overlap(self, theirs: set[str], kind: str) -> np.ndarray:
        if not theirs:
            return np.full(self.sizes.size, np.nan)
        common = np.zeros(self.sizes.size, np.int64)
        for word in theirs:
            if word in self._has:
                common[self._has[word]] += 1
        if kind == "three":
            part = np.minimum(1.0, common / 3)
        else:
            part = common / np.maximum(np.minimum(self.sizes, len(theirs)), 1)
        return np.where(self.sizes > 0, part, np.nan)


def _mask(codes: Any, bits: Mapping[str, int]) -> int:
    found = 0
    for code in codes or ():
        found |= bits.get(code, 0)
    return found


def _word_set(value: Any, kind: str) -> set[str]:
    if kind == "text":
        return matching.words_of(value)
    return {word.casefold() for word in value or ()}


def _birth(value: Any) -> tuple[int, int, int] | None:
    if not value:
        return None
    born = date.fromisoformat(value) if isinstance(value, str) else value
    return born.year, born.month, born.day
