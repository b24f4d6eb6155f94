"""Learn texts: for every optimizer and schedule, an everyday picture of how it moves, when to
use it and the failure it fixes, in English, Simplified and Traditional Chinese.

One JSON file per language beside this module (``en.json``, ``zh_CN.json``, ``zh_TW.json``):
``{"optimizers": {name: {"title", "intuition", "when", "fixes"}}, "schedules": {...}}``.
The update rule is not translated: it is the registry's formula. ``demos.json`` names, per
entry, a preset file (``{"preset": stem}``) or an inline experiment that shows it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from gdsim.errors import GdsimError

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "zh_CN", "zh_TW")
KINDS = ("optimizers", "schedules")
FIELDS = ("title", "intuition", "when", "fixes")
# SPEC §10 names, explained here even before the registries hold them
SPEC10_OPTIMIZERS = ("rprop", "asgd", "adafactor", "lion", "qhm", "qhadam", "adabelief",
                     "yogi", "sf_sgd", "sf_adamw")
SPEC10_SCHEDULES = ("linear", "polynomial", "multistep", "cosine_restarts", "onecycle",
                    "cyclic", "plateau")


@cache
def texts(lang: str) -> dict[str, dict[str, dict[str, str]]]:
    """All texts of ``lang`` (one of LANGUAGES)."""
    if lang not in LANGUAGES:
        raise GdsimError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    return json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))


def registry_names(kind: str) -> list[str]:
    """Names the engine's registry holds for ``kind``, then the SPEC §10 ones it lacks."""
    if kind == "optimizers":
        from gdsim.optimizers import OPTIMIZERS as reg

        extra = SPEC10_OPTIMIZERS
    else:
        from gdsim.schedules import SCHEDULES as reg

        extra = SPEC10_SCHEDULES
    return list(reg) + [n for n in extra if n not in reg]


def entry(kind: str, name: str, lang: str = "en") -> dict[str, str]:
    """The texts of one entry in ``lang`` (English where that language lacks one), plus
    ``formula`` from the registry ("" when the registry does not hold ``name`` yet)."""
    out = dict(texts("en")[kind].get(name, {}))
    out.update(texts(lang)[kind].get(name, {}) if lang != "en" else {})
    out["formula"] = formula(kind, name)
    return out


def formula(kind: str, name: str) -> str:
    """The registry's update rule (optimizer) or rate formula (schedule), or ""."""
    if kind == "optimizers":
        from gdsim.optimizers import OPTIMIZERS as reg
    else:
        from gdsim.schedules import SCHEDULES as reg
    info = reg.get(name)
    return info.formula if info is not None else ""


@cache
def _demos() -> dict[str, dict[str, Any]]:
    return json.loads((HERE / "demos.json").read_text(encoding="utf-8"))


def demo(kind: str, name: str) -> dict[str, Any]:
    """``{"preset": stem}`` or an inline experiment dict (without format/version)."""
    try:
        return dict(_demos()[kind][name])
    except KeyError:
        raise GdsimError(f"no demo for {kind[:-1]} {name!r}") from None


def demo_experiment(kind: str, name: str, presets_dir: Path | None = None):
    """The :class:`Experiment` showing ``name``: its preset file, or the inline race.
    GdsimError when it cannot be built (e.g. the optimizer is not in this version)."""
    from gdsim.io import FORMAT, VERSION, experiment_from_dict

    d = demo(kind, name)
    if "preset" in d:
        if presets_dir is None:
            raise GdsimError("preset demos need the presets folder")
        path = presets_dir / f"{d['preset']}.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise GdsimError(f"cannot read preset {path.name!r}: {e}") from None
        raw.pop("title", None)
        raw.pop("description", None)
        return experiment_from_dict(raw)
    d = {"format": FORMAT, "version": VERSION, **d}
    return experiment_from_dict(d)
