"""Hyperparameter specs: default, valid range, scale and help, shared by engine, CLI and UI.

Every registry (optimizers, schedules, surfaces, ...) describes its parameters with
:class:`Param`; :func:`resolve` validates user values against them eagerly, so a bad value
is refused with a message naming the parameter and its allowed range.

Kinds: ``float`` (ints accepted), ``int``, ``bool`` (``true``/``false``), ``str`` (one of
``choices``) and ``tuple`` (integers in increasing order, each within the bounds; written
``30/80/140``). ``optional`` parameters also take ``None`` (text ``none`` or empty), which
means "derived", as told in their help (e.g. cyclic's step_size_down = step_size_up).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from gdsim.errors import GdsimError

Value = float | int | bool | str | tuple | None
LIST_SEP = "/"


@dataclass(frozen=True)
class Param:
    """One named parameter: its type, default, bounds (open or closed), scale and help."""

    name: str
    default: Value
    help: str
    kind: type = float
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    log: bool = False
    choices: tuple[str, ...] = ()  # kind str: the allowed words
    optional: bool = False  # None allowed (a derived value, see help)

    def range_text(self) -> str:
        """The allowed range as a person reads it, e.g. ``0 ≤ momentum < 1``."""
        text = self._range_text()
        return text + " (or none)" if self.optional else text

    def _range_text(self) -> str:
        if self.kind is bool:
            return f"{self.name} is true or false"
        if self.kind is str:
            return f"{self.name} is one of {', '.join(self.choices)}"
        if self.kind is tuple:
            bounds = self._bounds_text("each")
            item = f"integers {bounds[5:]} " if bounds else "integers "
            return (f"{self.name} is a list of {item}in increasing order, separated by "
                    f"{LIST_SEP} (e.g. {format_value(self.default)})")
        kind = "an integer" if self.kind is int else "a finite number"
        if self.low is None and self.high is None:
            return f"{self.name} is {kind}"
        return self._bounds_text(self.name)

    def _bounds_text(self, name: str) -> str:
        if self.low is None and self.high is None:
            return ""
        parts = []
        if self.low is not None:
            parts.append(f"{_fmt(self.low)} {'<' if self.low_open else '≤'} ")
        parts.append(name)
        if self.high is not None:
            parts.append(f" {'<' if self.high_open else '≤'} {_fmt(self.high)}")
        text = "".join(parts)
        if name == "each":  # "each ≥ 1" reads better than "1 ≤ each"
            if self.high is None:
                text = f"each {'>' if self.low_open else '≥'} {_fmt(self.low)}"
            elif self.low is None:
                text = f"each {'<' if self.high_open else '≤'} {_fmt(self.high)}"
        return text

    def _out_of_range(self, value: float) -> bool:
        return bool(
            (self.low is not None and (value < self.low or (self.low_open and value == self.low)))
            or (
                self.high is not None
                and (value > self.high or (self.high_open and value == self.high))
            )
        )

    def check(self, value: object, owner: str = "") -> Value:
        """Return ``value`` coerced to this parameter's type, or raise :class:`GdsimError`."""
        where = f"{owner}: " if owner else ""
        if isinstance(value, str):
            value = parse_text(value, self, owner)
        if value is None:
            if self.optional:
                return None
            raise GdsimError(f"{where}{self.name} must be given: need {self.range_text()}")
        if self.kind is str:
            if isinstance(value, str) and value in self.choices:
                return value
            raise GdsimError(f"{where}{self.name}={value!r} is not allowed: need "
                             f"{self.range_text()}")
        if self.kind is tuple:
            return self._check_list(value, where)
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            raise GdsimError(f"{where}{self.name} must be true or false, got {value!r}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise GdsimError(f"{where}{self.name} must be a number, got {value!r}")
        if self.kind is int:
            if isinstance(value, float):
                if not (math.isfinite(value) and value == int(value)):
                    raise GdsimError(f"{where}{self.name} must be an integer, got {value!r}")
                value = int(value)
        else:
            try:
                value = float(value)
            except OverflowError:  # an int beyond float range, e.g. 10**400
                value = math.inf
            if not math.isfinite(value):
                raise GdsimError(f"{where}{self.name} must be finite, got {value!r}")
        if self._out_of_range(value):
            raise GdsimError(
                f"{where}{self.name}={_fmt(value)} is out of range: need {self.range_text()}"
            )
        return value

    def _check_list(self, value: object, where: str) -> tuple[int, ...]:
        """A list value: integers (floats equal to one are taken), increasing, in bounds."""
        need = f"need {self.range_text()}"
        if not isinstance(value, list | tuple) or not value:
            raise GdsimError(f"{where}{self.name} must be a list of integers, got {value!r}: "
                             f"{need}")
        items = []
        for v in value:
            if isinstance(v, float) and math.isfinite(v) and v == int(v):
                v = int(v)
            if isinstance(v, bool) or not isinstance(v, int):
                raise GdsimError(f"{where}{self.name}: {v!r} is not an integer: {need}")
            items.append(v)
        text = format_value(tuple(items))
        if any(b <= a for a, b in zip(items, items[1:], strict=False)):
            raise GdsimError(f"{where}{self.name}={text} is not in increasing order: {need}")
        bad = [v for v in items if self._out_of_range(v)]
        if bad:
            raise GdsimError(f"{where}{self.name}={text} is out of range at {bad[0]}: {need}")
        return tuple(items)


def _fmt(x: float) -> str:
    return repr(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def format_value(value: Value) -> str:
    """A value as the CLI and the editors write it: true/false, 30/80/140, none, repr."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, tuple | list):
        return LIST_SEP.join(str(v) for v in value)
    return repr(value)


def parse_text(text: str, param: Param, owner: str = "") -> Value:
    """Parse a command-line or editor string for ``param`` (``true``/``false`` for booleans,
    a word for choices, ``30/80/140`` for lists, ``none`` or nothing for optional values)."""
    where = f"{owner}: " if owner else ""
    s = text.strip()
    if param.optional and s.lower() in ("", "none"):
        return None
    if param.kind is str:
        return s
    if param.kind is tuple:
        items = []
        for part in s.split(LIST_SEP):
            try:
                v = float(part.strip())
            except ValueError:
                raise GdsimError(f"{where}{param.name}: {part.strip()!r} is not an integer: "
                                 f"need {param.range_text()}") from None
            items.append(int(v) if math.isfinite(v) and v == int(v) else v)
        return tuple(items)
    if param.kind is bool:
        low = s.lower()
        if low == "true":
            return True
        if low == "false":
            return False
        raise GdsimError(f"{where}{param.name} must be true or false, got {text!r}")
    try:
        v = float(s)
    except ValueError:
        raise GdsimError(f"{where}{param.name} must be a number, got {text!r}") from None
    if param.kind is int and math.isfinite(v) and v == int(v):
        return int(v)
    return v


def resolve(specs: tuple[Param, ...], values: Mapping[str, object], owner: str) -> dict[str, Value]:
    """Validate ``values`` against ``specs``; return every parameter with defaults filled in."""
    known = {p.name: p for p in specs}
    unknown = [k for k in values if k not in known]
    if unknown:
        names = ", ".join(known) or "(none)"
        raise GdsimError(f"{owner}: unknown parameter {unknown[0]!r}; known: {names}")
    out: dict[str, Value] = {}
    for p in specs:
        out[p.name] = p.check(values[p.name], owner) if p.name in values else p.default
    return out


def unknown_name(kind: str, name: str, known: list[str] | tuple[str, ...]) -> GdsimError:
    """The error for an unknown registry name, listing the known ones."""
    return GdsimError(f"unknown {kind} {name!r}; known: {', '.join(known)}")


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """Split ``NAME[:KEY=VALUE[,KEY=VALUE...]]`` into the name and raw string values."""
    name, _, rest = spec.strip().partition(":")
    name = name.strip()
    if not name:
        raise GdsimError(f"empty name in {spec!r}; expected NAME[:KEY=VALUE,...]")
    values: dict[str, str] = {}
    if rest.strip():
        for item in rest.split(","):
            key, eq, val = item.partition("=")
            key = key.strip()
            if not eq or not key:
                raise GdsimError(f"bad item {item.strip()!r} in {spec!r}; expected KEY=VALUE")
            if key in values:
                raise GdsimError(f"{key!r} given twice in {spec!r}")
            values[key] = val.strip()
    return name, values
