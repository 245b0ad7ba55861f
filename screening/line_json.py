"""The ``lines`` of ``screen --json``, rendered from the stored rows of a batch.

A line's JSON holds nothing its run_lines row does not: row number and id, verdict,
destination, licensing destination, newly licensable, and its findings, which are its
findings set's own JSON text. So whoever stores the rows renders the JSON too (the writer's
thread, or the child process storing a big run), and the screening loop builds neither.
Each distinct head (verdict, destinations, newly licensable) is rendered once; a line costs
its start and a join.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from screening.store.runs import LINE_COLUMNS, LineBatch

_encode: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False).encode
_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
_START = ',{{"row": {}, "line_id": {}, '.format
_START_PLAIN_ID = ',{{"row": {}, "line_id": "{}", '.format
#: What JSON escapes in a string (``encode_basestring``): quotes, backslashes, controls.
_JSON_ESCAPED = re.compile(r'[\x00-\x1f"\\]')
_JSON_ESCAPED_BYTES = bytes(range(0x20)) + b'"\\'

_row, _line_id, _set = (itemgetter(LINE_COLUMNS.index(c))
                        for c in ("row", "line_id", "findings_set"))
#: What a line's JSON heads with, after its row and id (rendered once per distinct key).
_HEAD_FIELDS = ("verdict", "destination", "licensing_destination", "newly_licensable")
_head_key = itemgetter(*(LINE_COLUMNS.index(c) for c in _HEAD_FIELDS))
# A LineBatch's columns are LINE_COLUMNS up to raw_json, its tails the rest from raw_json on.
_HEAD_ROW, _HEAD_ID, _HEAD_DESTINATION = (LINE_COLUMNS.index(c)
                                          for c in ("row", "line_id", "destination"))
_tail_verdict, _tail_licensing, _tail_newly, _tail_set = (
    itemgetter(LINE_COLUMNS.index(c) - LINE_COLUMNS.index("raw_json"))
    for c in ("verdict", "licensing_destination", "newly_licensable", "findings_set"))
assert LINE_COLUMNS.index("destination") < LINE_COLUMNS.index("raw_json") < min(
    LINE_COLUMNS.index(c) for c in ("verdict", "licensing_destination", "newly_licensable"))


def json_plain(texts: Iterable[str]) -> bool:
    """True if none of ``texts`` has anything JSON escapes (they go between quotes as is)."""
    joined = "".join(texts)
    if joined.isascii():  # a byte-wide pass: about twice as fast as the regular expression
        data = joined.encode("ascii")
        return len(data.translate(None, _JSON_ESCAPED_BYTES)) == len(data)
    return _JSON_ESCAPED.search(joined) is None


def _head(key: tuple[str, str | None, str | None, bool]) -> bytes:
    verdict, destination, licensing, newly = key
    return (f'"verdict": "{verdict}", "destination": {_encode(destination)}, '
            f'"licensing_destination": {_encode(licensing)}, '
            f'"newly_licensable": {"true" if newly else "false"}, "findings": ').encode()


class _Heads(dict[Any, bytes]):
    def __missing__(self, key: Any) -> bytes:
        value = self[key] = _head(key)
        return value


class LineJson:
    """Renders the lines of one run, batch after batch, in line order."""

    def __init__(self) -> None:
        self.sets: dict[int, bytes] = {}  # findings set number: its JSON text
        self.heads = _Heads()
        self.first = True

    def render(self, sets: list[tuple[int, int, str]], lines: LineBatch) -> bytes:
        """The lines of a batch (``runs.LineBatch``) as UTF-8, each after a comma but the
        run's first line; ``sets`` are the findings sets new with this batch (run_id,
        set_no, findings_json)."""
        for _run, number, text in sets:
            self.sets[number] = text.encode()
        heads, tails = lines
        if not tails:
            return b""
        if heads is None:  # whole rows
            ids = list(map(_line_id, tails))
            numbers: Iterable[int] = map(_row, tails)
            keys: Iterable[Any] = map(_head_key, tails)
            set_numbers: Iterable[int] = map(_set, tails)
        else:  # columns, and each line's outcome part (its verdict, licensing, newly, set)
            ids, numbers = heads[_HEAD_ID], heads[_HEAD_ROW]
            keys = zip(map(_tail_verdict, tails), heads[_HEAD_DESTINATION],
                       map(_tail_licensing, tails), map(_tail_newly, tails), strict=True)
            set_numbers = map(_tail_set, tails)
        starts = map(_START_PLAIN_ID, numbers, ids) if json_plain(ids) else \
            map(_START, numbers, map(_text, ids))
        data = b"".join(chain.from_iterable(zip(
            map(str.encode, starts), map(self.heads.__getitem__, keys),
            map(self.sets.__getitem__, set_numbers), repeat(b"}"))))
        if self.first:
            self.first = False
            return data[1:]
        return data
