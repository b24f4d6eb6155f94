"""Safe parser for typed surfaces f(x, y): a whitelist over Python's ``ast`` into a tiny IR.

The user's text is only ever *parsed* (``ast.parse`` builds a syntax tree, it runs nothing);
every node is checked against a whitelist and turned into plain tuples, with constant
sub-expressions folded in float64. Nothing here imports sympy, so live validation in the app
(:func:`parse_formula`) costs well under a millisecond.

IR nodes (tuples): ``("num", value)``, ``("var", "x"|"y")``, ``("neg", a)``,
``("add"|"sub"|"mul"|"div"|"pow", a, b)``, ``("call", name, a[, b, ...])``.
"""

from __future__ import annotations

import ast
import difflib
import math
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdsim.errors import GdsimError

MAX_LENGTH = 500          # characters
MAX_NESTING = 40          # brackets and calls inside each other
MAX_DEPTH = 120           # syntax-tree depth (a sum of 100 terms is 100 deep)
MAX_NODES = 300           # numbers, names and operations
MAX_EXPONENT = 100        # |n| of a constant exponent
MAX_TOTAL_EXPONENT = 10_000  # product of nested constant exponents, as in (x**100)**100

VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "e": math.e}


def _sigmoid(u):
    """Logistic function 1/(1+exp(−u)), overflow-free for any u."""
    return np.exp(-np.logaddexp(0.0, -u))


# name -> (number of arguments (None: two or more), float64 implementation for folding)
FUNCTIONS: dict[str, tuple[int | None, Any]] = {
    "sin": (1, np.sin), "cos": (1, np.cos), "tan": (1, np.tan),
    "exp": (1, np.exp), "log": (1, np.log), "log10": (1, np.log10),
    "sqrt": (1, np.sqrt), "abs": (1, np.abs),
    "tanh": (1, np.tanh), "sinh": (1, np.sinh), "cosh": (1, np.cosh),
    "arcsin": (1, np.arcsin), "arccos": (1, np.arccos), "arctan": (1, np.arctan),
    "sigmoid": (1, _sigmoid),
    "min": (None, np.minimum), "max": (None, np.maximum),
}

KNOWN_NAMES = (*VARIABLES, *CONSTANTS, *FUNCTIONS)

# Characters people paste from documents, mapped to what they meant.
_LOOKALIKES = {
    "\u0430": "a", "\u0441": "c", "\u0435": "e", "\u043e": "o", "\u0440": "p",
    "\u0445": "x", "\u0443": "y", "\u0456": "i", "\u0455": "s", "\u0410": "A",
    "\u0421": "C", "\u0415": "E", "\u041e": "O", "\u0420": "P", "\u0425": "X",
    "\u03bf": "o", "\u03c7": "x", "\u03b3": "y", "\u03c0": "pi", "\u03b5": "e",
    "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00d7": "*", "\u00b7": "*",
    "\u22c5": "*", "\u2217": "*", "\u00f7": "/", "\u2044": "/", "\u00b2": "^2",
    "\u00b3": "^3",
}

_OPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
_OP_TOKENS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.Mod: "%",
    ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^",
}
_CMP_TOKENS = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}
_WHAT = {
    "Lambda": "'lambda'", "ListComp": "a comprehension", "SetComp": "a comprehension",
    "DictComp": "a comprehension", "GeneratorExp": "a comprehension",
    "JoinedStr": "an f-string", "FormattedValue": "an f-string", "IfExp": "'if ... else'",
    "BoolOp": "'and'/'or'", "NamedExpr": "':=' (assignment)", "Starred": "'*' (unpacking)",
    "Subscript": "'[' (indexing)", "Slice": "a slice", "List": "a list '[...]'",
    "Tuple": "a tuple (a comma outside a call)", "Set": "a set '{...}'",
    "Dict": "a dict '{...}'", "Await": "'await'", "Yield": "'yield'", "YieldFrom": "'yield'",
}


class FormulaError(GdsimError):
    """A typed formula was refused; ``column`` is 1-based in the text the user typed."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Parsed:
    """A validated formula: its IR tree and whether it uses x and y."""

    text: str
    tree: tuple
    uses: frozenset[str]


def parse_formula(text: str) -> Parsed:
    """Validate ``text`` and return its IR; raise :class:`FormulaError` naming token and column."""
    if not isinstance(text, str):
        raise FormulaError(f"formula must be text, got {type(text).__name__}")
    _check_characters(text)
    if not text.strip():
        raise FormulaError("formula is empty; type an expression in x and y, e.g. x^2 + y^2")
    # '^' means power: write it as '**', remembering where every character came from.
    src_cols: list[int] = []
    for i, ch in enumerate(text):
        src_cols.extend((i, i) if ch == "^" else (i,))
    src_cols.append(len(text))
    source = text.replace("^", "**")
    lead = len(source) - len(source.lstrip(" \t"))  # Python would call it an indent
    source, src_cols = source[lead:], src_cols[lead:]
    walker = _Walker(text, source, src_cols)
    _check_nesting(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for '\d' in a string
            module = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise walker.syntax_error(exc) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise FormulaError("formula could not be parsed; simplify it") from None
    tree = walker.walk(module.body, 1)
    if tree[0] == "num" and not math.isfinite(tree[1]):
        raise FormulaError("formula is a constant that is not a finite number")
    return Parsed(text, tree, frozenset(walker.uses))


def _check_characters(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"formula is {len(text)} characters long; the limit is {MAX_LENGTH}")
    for i, ch in enumerate(text):
        if ch == "\0":
            raise FormulaError(f"NUL byte at column {i + 1} is not allowed", i + 1)
        if ord(ch) > 127:
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            hint = _LOOKALIKES.get(ch) or unicodedata.normalize("NFKC", ch)
            meant = f"; did you mean {hint!r}?" if hint.isascii() and hint.strip() else ""
            raise FormulaError(
                f"non-ASCII character {ch!r} ({name}) at column {i + 1} is not allowed; "
                f"type formulas in plain ASCII{meant}", i + 1)
        if ch == "#":
            raise FormulaError(f"'#' (comment) at column {i + 1} is not allowed", i + 1)
        if ord(ch) < 32 and ch not in " \t" or ord(ch) == 127:
            raise FormulaError(
                f"control character U+{ord(ch):04X} at column {i + 1} is not allowed", i + 1)


def _check_nesting(text: str) -> None:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise FormulaError(
                    f"brackets nest deeper than {MAX_NESTING} levels at column {i + 1}", i + 1)
        elif ch in ")]}":
            depth -= 1


class _Walker:
    """Turns a whitelisted ``ast`` tree into IR, folding constants; raises on anything else."""

    def __init__(self, text: str, source: str, src_cols: list[int]):
        self.text, self.source, self.src_cols = text, source, src_cols
        self.nodes = 0
        self.uses: set[str] = set()

    # -- positions -------------------------------------------------------------------
    def col(self, offset: int) -> int:
        """1-based column in the user's text of 0-based ``offset`` into the parsed source."""
        return self.src_cols[min(max(offset, 0), len(self.src_cols) - 1)] + 1

    def segment(self, node: ast.AST) -> str:
        a = self.src_cols[node.col_offset]
        b = self.src_cols[node.end_col_offset - 1] + 1 if node.end_col_offset else a + 1
        return self.text[a:b]

    def fail(self, message: str, offset: int, tail: str = "") -> FormulaError:
        """The error ``message at column N`` + ``tail`` for a 0-based source offset."""
        column = self.col(offset)
        return FormulaError(f"{message} at column {column}{tail}", column)

    def find(self, token: str, start: int, end: int) -> int:
        """Offset of ``token`` in the source between two nodes (operators have no position)."""
        k = self.source.find(token, start, end)
        return k if k >= 0 else start

    def syntax_error(self, exc: SyntaxError) -> FormulaError:
        offset = (exc.offset or 1) - 1
        if (exc.lineno or 1) > 1:  # only reachable with a line break inside brackets
            offset = len(self.source) - 1
        for i, ch in enumerate(self.source):
            if ch in "'\"":
                return self.fail("strings are not allowed", i)
            if ch in "\\;:=<>!&|~%@#$?`[]{}":
                token = {"[": "'[' (indexing)", "]": "']'", "{": "'{'", "}": "'}'"}.get(ch)
                return self.fail(f"{token or repr(ch)} is not allowed", i)
        for i in range(len(self.source) - 1):  # implicit multiplication such as 2x
            if self.source[i].isdigit() and self.source[i + 1].isalpha() and not (
                    self.source[i + 1] in "eE" and self.source[i + 2:i + 3].isdigit()):
                j = i
                while j > 0 and (self.source[j - 1].isalnum() or self.source[j - 1] == "."):
                    j -= 1
                if not self.source[j].isalpha():
                    column = self.col(i + 1)
                    return FormulaError(
                        f"missing '*' at column {column}: write "
                        f"{self.source[j:i + 1]}*{self.source[i + 1]} to multiply", column)
        stripped = self.text.rstrip()
        if stripped and stripped[-1] in "+-*/^(,.":
            column = len(stripped)
            return FormulaError(f"formula ends with {stripped[-1]!r} at column {column}; "
                                "something is missing after it", column)
        reason = (exc.msg or "invalid syntax").replace(". Perhaps you forgot a comma?", "")
        reason = reason.replace("'(' was never closed", "unclosed '('")
        if reason == "invalid syntax":
            reason += " (a missing operator such as '*'?)"
        if offset >= len(self.source):
            return FormulaError(f"incomplete formula: {reason}", len(self.text))
        column = self.col(offset)
        near = self.text[column - 1:column + 9].rstrip()
        return FormulaError(f"syntax error at column {column} near {near!r}: {reason}", column)

    # -- the walk --------------------------------------------------------------------
    def walk(self, node: ast.AST, depth: int) -> tuple:
        self.nodes += 1
        offset = getattr(node, "col_offset", 0)
        if self.nodes > MAX_NODES:
            raise self.fail(f"formula is too large (more than {MAX_NODES} terms)", offset)
        if depth > MAX_DEPTH:
            raise self.fail(f"formula nests deeper than {MAX_DEPTH} levels", offset)
        kind = type(node).__name__
        method = getattr(self, "_" + kind, None)
        if method is None:
            what = _WHAT.get(kind, kind)
            raise self.fail(f"{what} is not allowed", offset)
        return method(node, depth + 1)

    def _Constant(self, node: ast.Constant, depth: int) -> tuple:
        v = node.value
        if isinstance(v, bool) or v is None or v is Ellipsis:
            raise self.fail(f"{v!r} is not allowed", node.col_offset)
        if isinstance(v, str | bytes):
            raise self.fail("strings are not allowed", node.col_offset)
        if isinstance(v, complex):
            raise self.fail(f"imaginary number {self.segment(node)!r}", node.col_offset,
                            " is not allowed")
        try:
            value = float(v)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            raise self.fail(f"number {self.segment(node)!r}", node.col_offset, " is too large")
        return ("num", value)

    def _Name(self, node: ast.Name, depth: int) -> tuple:
        name = node.id
        if name in VARIABLES:
            self.uses.add(name)
            return ("var", name)
        if name in CONSTANTS:
            return ("num", CONSTANTS[name])
        if name in FUNCTIONS:
            raise self.fail(f"function {name!r}", node.col_offset,
                            f" needs an argument in parentheses, as in {name}(x)")
        raise self._unknown_name(name, node.col_offset)

    def _unknown_name(self, name: str, offset: int, call: bool = False) -> FormulaError:
        if name.startswith("_"):
            return self.fail(f"{name!r} is not allowed", offset)
        column = self.col(offset)
        if call:
            close = difflib.get_close_matches(name.lower(), list(FUNCTIONS), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(FUNCTIONS)
            return FormulaError(f"unknown function {name!r} at column {column}; {hint}", column)
        close = difflib.get_close_matches(name.lower(), KNOWN_NAMES, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return FormulaError(
            f"unknown name {name!r} at column {column}; use x and y{hint}", column)

    def _Attribute(self, node: ast.Attribute, depth: int) -> tuple:
        value = node.value
        if isinstance(value, ast.Name):
            if value.id.startswith("_"):  # a dunder before the dot is named first
                raise self._unknown_name(value.id, value.col_offset)
        else:
            self.walk(value, depth)  # e.g. the __import__ in __import__('os').system
        at = self.find(".", node.value.end_col_offset, node.end_col_offset)
        raise self.fail("'.' (attribute access) is not allowed", at)

    def _Compare(self, node: ast.Compare, depth: int) -> tuple:
        token = _CMP_TOKENS.get(type(node.ops[0]), "comparison")
        at = self.find(token.split()[0], node.left.end_col_offset, node.end_col_offset)
        raise self.fail(f"comparison {token!r} is not allowed", at)

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> tuple:
        if isinstance(node.op, ast.Not):
            raise self.fail("'not' is not allowed", node.col_offset)
        if isinstance(node.op, ast.Invert):
            raise self.fail("'~' is not allowed", node.col_offset)
        a = self.walk(node.operand, depth)
        if isinstance(node.op, ast.UAdd):
            return a
        if a[0] == "num":
            return ("num", -a[1])
        return ("neg", a)

    def _BinOp(self, node: ast.BinOp, depth: int) -> tuple:
        op = _OPS.get(type(node.op))
        if op is None:
            token = _OP_TOKENS.get(type(node.op), type(node.op).__name__)
            at = self.find(token, node.left.end_col_offset, node.right.col_offset)
            raise self.fail(f"operator {token!r} is not allowed", at)
        # a long sum or product is a left-leaning chain, not nesting a person would see
        chain = isinstance(node.left, ast.BinOp) and _PRECEDENCE.get(type(node.left.op)) \
            == _PRECEDENCE.get(type(node.op)) is not None
        a = self.walk(node.left, depth - 1 if chain else depth)
        b = self.walk(node.right, depth)
        if op == "pow":
            return self._power(node, a, b)
        if a[0] == "num" and b[0] == "num":
            return self._fold(node, op, a[1], b[1])
        if op == "div" and b == ("num", 0.0):
            raise self.fail("division by zero", node.right.col_offset)
        return (op, a, b)

    def _power(self, node: ast.BinOp, a: tuple, b: tuple) -> tuple:
        if b[0] == "num":
            n = b[1]
            if abs(n) > MAX_EXPONENT:
                shown = self.segment(node.right)
                value = f" = {int(n)}" if n.is_integer() and abs(n) < 1e15 else f" = {n:.6g}"
                if shown.strip("() ") == value[3:]:
                    value = ""
                raise self.fail(f"exponent {shown}{value}", node.right.col_offset,
                                f" is too large; the limit is |exponent| ≤ {MAX_EXPONENT}")
            if a[0] == "num":
                return self._fold(node, "pow", a[1], n)
            total = _total_exponent(a) * max(1.0, abs(n))
            if total > MAX_TOTAL_EXPONENT:
                raise self.fail("nested powers", node.right.col_offset,
                                f" multiply to an exponent of {total:.10g}; the limit is "
                                f"{MAX_TOTAL_EXPONENT}")
        elif a[0] == "num" and a[1] <= 0:
            raise self.fail(f"base {self.segment(node.left)}", node.left.col_offset,
                            " of a variable power must be positive (write e.g. 2^x, not "
                            "(-2)^x or 0^x)")
        elif _has_variable_power(b):
            raise self.fail(f"power tower {self.segment(node)!r}", node.col_offset,
                            " is not allowed: a variable exponent may not itself contain "
                            "a variable power")
        return ("pow", a, b)

    def _fold(self, node: ast.AST, op: str, a: float, b: float) -> tuple:
        fa, fb = np.float64(a), np.float64(b)
        with np.errstate(all="ignore"):
            value = {"add": np.add, "sub": np.subtract, "mul": np.multiply,
                     "div": np.divide, "pow": np.power}[op](fa, fb)
        return self._constant(node, float(value))

    def _constant(self, node: ast.AST, value: float) -> tuple:
        if not math.isfinite(value):
            raise self.fail(f"constant {self.segment(node)!r}", node.col_offset,
                            " is not a finite number")
        return ("num", value)

    def _Call(self, node: ast.Call, depth: int) -> tuple:
        func = node.func
        if not isinstance(func, ast.Name):
            return self.walk(func, depth)  # an attribute, subscript, ...: refused there
        name = func.id
        if name not in FUNCTIONS:
            if name in VARIABLES or name in CONSTANTS:
                at = self.find("(", func.end_col_offset, node.end_col_offset)
                raise self.fail(f"missing '*' between {name!r} and '('", at)
            raise self._unknown_name(name, func.col_offset, call=True)
        if node.keywords:
            kw = node.keywords[0]
            raise self.fail(f"keyword argument {kw.arg or '**'!r} is not allowed",
                            kw.col_offset)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail("'*' (unpacking) is not allowed", arg.col_offset)
        arity, impl = FUNCTIONS[name]
        n = len(node.args)
        if arity is None and n < 2:
            raise self.fail(f"{name}() needs two or more arguments, got {n}", node.col_offset)
        if arity is not None and n != arity:
            raise self.fail(f"{name}() takes exactly one argument, got {n}", node.col_offset)
        args = [self.walk(arg, depth) for arg in node.args]
        if all(a[0] == "num" for a in args):
            with np.errstate(all="ignore"):
                value = float(args[0][1]) if arity else None
                if arity:
                    value = float(impl(np.float64(value)))
                else:
                    value = float(impl.reduce(np.array([a[1] for a in args])))
            return self._constant(node, value)
        return ("call", name, *args)


def _total_exponent(tree: tuple) -> float:
    """Largest exponent sympy could build by merging constant powers, as in (x**a)**b."""
    kind = tree[0]
    if kind in ("num", "var", "call"):
        return 1.0
    if kind == "pow":
        base = _total_exponent(tree[1])
        return base * max(1.0, abs(tree[2][1])) if tree[2][0] == "num" else base
    if kind in ("mul", "div"):
        return _total_exponent(tree[1]) + _total_exponent(tree[2])
    return max(_total_exponent(t) for t in tree[1:])


def _has_variable_power(tree: tuple) -> bool:
    if tree[0] == "pow" and tree[2][0] != "num":
        return True
    return any(isinstance(t, tuple) and _has_variable_power(t) for t in tree[1:])
