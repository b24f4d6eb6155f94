"""Parameter specs: coercion, ranges with open/closed bounds, spec strings, unknown names."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdsim.errors import GdsimError
from gdsim.params import Param, parse_spec, parse_text, resolve

MOMENTUM = Param("momentum", 0.0, "heavy-ball coefficient", low=0.0, high=1.0, high_open=True)
LR = Param("lr", 0.01, "learning rate", low=0.0, low_open=True, log=True)
STEPS = Param("step_size", 100, "period", kind=int, low=1)
FLAG = Param("nesterov", False, "use Nesterov", kind=bool)


def test_range_text_uses_open_and_closed_bounds():
    assert MOMENTUM.range_text() == "0 ≤ momentum < 1"
    assert LR.range_text() == "0 < lr"


@pytest.mark.parametrize("value", [1.0, 1.5, -0.1])
def test_out_of_range_names_parameter_and_range(value):
    with pytest.raises(GdsimError, match=r"sgd: momentum=.* out of range: need 0 ≤ momentum < 1"):
        MOMENTUM.check(value, "sgd")


@pytest.mark.parametrize("value", [0.0, -1.0, math.inf, math.nan, "abc", None, True, 10**400])
def test_lr_refuses_non_positive_non_finite_and_non_numbers(value):
    with pytest.raises(GdsimError, match="lr"):
        LR.check(value, "adam")


def test_strings_are_parsed_by_kind():
    assert MOMENTUM.check("0.9") == 0.9
    assert FLAG.check("true") is True and FLAG.check("False") is False
    assert STEPS.check("20") == 20 and isinstance(STEPS.check("20"), int)
    with pytest.raises(GdsimError, match="integer"):
        STEPS.check(2.5)
    for word in ("maybe", "yes", "1", "on", ""):  # SPEC §6: booleans are true/false
        with pytest.raises(GdsimError, match="true or false"):
            parse_text(word, FLAG)


def test_resolve_fills_defaults_and_lists_known_names():
    out = resolve((LR, MOMENTUM), {"momentum": "0.5"}, "sgd")
    assert out == {"lr": 0.01, "momentum": 0.5}
    with pytest.raises(GdsimError, match=r"unknown parameter 'lrr'; known: lr, momentum"):
        resolve((LR, MOMENTUM), {"lrr": 1}, "sgd")


def test_parse_spec_splits_name_and_values():
    assert parse_spec("adam:lr=0.05, beta1=0.8") == ("adam", {"lr": "0.05", "beta1": "0.8"})
    assert parse_spec("gd") == ("gd", {})
    for bad in ["", ":lr=1", "adam:lr", "adam:lr=1,lr=2", "adam:=3"]:
        with pytest.raises(GdsimError):
            parse_spec(bad)


@given(st.floats(min_value=0.0, max_value=1.0, exclude_max=True))
def test_every_value_in_range_is_accepted_unchanged(v):
    assert MOMENTUM.check(v) == v
