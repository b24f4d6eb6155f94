"""Hyperparameter specs: default, valid range, scale and help, shared by engine, CLI and UI.

Every registry (optimizers, schedules, surfaces, ...) describes its parameters with
:class:`Param`; :func:`resolve` validates user values against them eagerly, so a bad value
is refused with a message naming the parameter and its allowed range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from gdsim.errors import GdsimError

Value = float | int | bool


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

    def range_text(self) -> str:
        """The allowed range as a person reads it, e.g. ``0 ≤ momentum < 1``."""
        if self.kind is bool:
            return f"{self.name} is true or false"
        kind = "an integer" if self.kind is int else "a finite number"
        if self.low is None and self.high is None:
            return f"{self.name} is {kind}"
        parts = []
        if self.low is not None:
            parts.append(f"{_fmt(self.low)} {'<' if self.low_open else '≤'} ")
        parts.append(self.name)
        if self.high is not None:
            parts.append(f" {'<' if self.high_open else '≤'} {_fmt(self.high)}")
        return "".join(parts)

    def check(self, value: object, owner: str = "") -> Value:
        """Return ``value`` coerced to this parameter's type, or raise :class:`GdsimError`."""
        where = f"{owner}: " if owner else ""
        if isinstance(value, str):
            value = parse_text(value, self, owner)
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
        bad = (
            (self.low is not None and (value < self.low or (self.low_open and value == self.low)))
            or (
                self.high is not None
                and (value > self.high or (self.high_open and value == self.high))
            )
        )
        if bad:
            raise GdsimError(
                f"{where}{self.name}={_fmt(value)} is out of range: need {self.range_text()}"
            )
        return value


def _fmt(x: float) -> str:
    return repr(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def parse_text(text: str, param: Param, owner: str = "") -> Value:
    """Parse a command-line or editor string for ``param`` (``true``/``false`` for booleans)."""
    where = f"{owner}: " if owner else ""
    s = text.strip()
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
