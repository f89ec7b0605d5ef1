r"""A document's own macros: `collect_macros` reads its \newcommand, \renewcommand,
\providecommand, \def and \DeclareMathOperator definitions, `expand_macros` expands their uses,
with bounds on depth, count and size (a recursive or exploding definition is an ExpressionError,
never a hang)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ExpressionError

MAX_MACRO_DEPTH = 32         # nested macro expansions
MAX_EXPANSIONS = 20_000      # macro expansions in one document
MAX_EXPANDED = 2_000_000     # characters a document may grow to by macro expansion


# -- macros of a document -------------------------------------------------------------------

@dataclass(frozen=True)
class Macro:
    name: str
    parameters: int
    default: str | None       # the first parameter's default (\newcommand{\x}[2][d]{...})
    body: str


_DEFINITION = re.compile(r"\\(newcommand|renewcommand|providecommand|DeclareMathOperator|def)"
                         r"(?![A-Za-z])\*?")


def collect_macros(text: str) -> tuple[dict, str]:
    """The macros `text` defines (\\newcommand, \\renewcommand, \\providecommand, \\def,
    \\DeclareMathOperator) and the text with each definition blanked out (newlines kept, so
    line numbers do not move). ExpressionError for a definition that cannot be read."""
    macros: dict = {}
    out = []
    position = 0
    for match in _DEFINITION.finditer(text):
        if match.start() < position:
            continue
        kind = match.group(1)
        i = match.end()
        try:
            name, i = _macro_name(text, i)
            parameters, default = 0, None
            if kind == "def":
                spec = re.match(r"(?:#\d)*", text[i:])
                parameters = len(spec.group()) // 2
                if text[i + spec.end():i + spec.end() + 1] != "{":
                    raise ExpressionError(f"\\def\\{name}: only #1#2... parameters are supported")
                i += spec.end()
            elif kind != "DeclareMathOperator":
                counted = re.match(r"\s*\[(\d)\]", text[i:])
                if counted:
                    parameters = int(counted.group(1))
                    i += counted.end()
                    optional = re.match(r"\s*\[", text[i:])
                    if optional:
                        default, i = _balanced(text, i + optional.end() - 1, "[", "]")
            body, i = _braced_at(text, i)
        except ExpressionError as exc:
            line = text.count("\n", 0, match.start()) + 1
            raise ExpressionError(f"line {line}: cannot read the definition "
                                  f"{text[match.start():match.start() + 40]!r}: {exc.message}") \
                from None
        if kind == "DeclareMathOperator":
            body = r"\operatorname{%s}" % body
        if kind != "providecommand" or name not in macros:
            macros[name] = Macro(name, parameters, default, body)
        out.append(text[position:match.start()])
        out.append(re.sub(r"[^\n]", " ", text[match.start():i]))
        position = i
    out.append(text[position:])
    return macros, "".join(out)


def _macro_name(text: str, i: int) -> tuple[str, int]:
    match = re.match(r"\s*(?:\{\s*\\([A-Za-z@]+)\s*\}|\\([A-Za-z@]+|.))", text[i:])
    if not match:
        raise ExpressionError("expected the macro's name")
    return match.group(1) or match.group(2), i + match.end()


def _braced_at(text: str, i: int) -> tuple[str, int]:
    match = re.match(r"\s*\{", text[i:])
    if not match:
        raise ExpressionError("expected {")
    return _balanced(text, i + match.end() - 1, "{", "}")


def _balanced(text: str, start: int, opening: str, closing: str) -> tuple[str, int]:
    """The content of the group opening at text[start] and the index after it."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
        i += 1
    raise ExpressionError(f"unbalanced {opening}{closing}")


_CONTROL_WORD = re.compile(r"\\([A-Za-z@]+|.)")


def expand_macros(text: str, macros: dict) -> str:
    """`text` with every use of `macros` expanded (arguments substituted, then expanded again).
    ExpressionError when expansion nests deeper than MAX_MACRO_DEPTH (a recursive macro), grows
    beyond MAX_EXPANDED characters or takes more than MAX_EXPANSIONS expansions."""
    if not macros:
        return text
    budget = {"expansions": 0, "size": len(text)}
    return _expand(text, macros, 0, budget, None)


def _expand(text: str, macros: dict, depth: int, budget: dict, within: str | None) -> str:
    if depth > MAX_MACRO_DEPTH:
        raise ExpressionError(f"macro \\{within} expands more than {MAX_MACRO_DEPTH} levels deep "
                              "(a recursive definition?)")
    out = []
    i = 0
    while True:
        match = _CONTROL_WORD.search(text, i)
        if match is None:
            out.append(text[i:])
            break
        out.append(text[i:match.start()])
        name = match.group(1)
        macro = macros.get(name)
        if macro is None:
            out.append(match.group())
            i = match.end()
            continue
        budget["expansions"] += 1
        if budget["expansions"] > MAX_EXPANSIONS:
            raise ExpressionError(f"more than {MAX_EXPANSIONS} macro expansions (\\{name} "
                                  "expands forever?)")
        args, i = _macro_arguments(text, match.end(), macro)
        body = macro.body
        body = re.sub(r"#(\d)", lambda m: args[int(m.group(1)) - 1]
                      if 0 < int(m.group(1)) <= len(args) else m.group(), body)
        budget["size"] += len(body)
        if budget["size"] > MAX_EXPANDED:
            raise ExpressionError(f"macro \\{name} makes the text grow beyond {MAX_EXPANDED} "
                                  "characters (an exploding definition?)")
        expanded = _expand(body, macros, depth + 1, budget, name)
        # a control word at the end, then a letter: keep the space TeX swallowed
        if re.search(r"\\[A-Za-z@]+$", expanded) and i < len(text) and text[i].isalpha():
            expanded += " "
        out.append(expanded)
    return "".join(out)


def _macro_arguments(text: str, i: int, macro: Macro) -> tuple[list, int]:
    args = []
    for index in range(macro.parameters):
        if index == 0 and macro.default is not None:
            optional = re.match(r"\s*\[", text[i:])
            if optional:
                value, i = _balanced(text, i + optional.end() - 1, "[", "]")
                args.append(value)
            else:
                args.append(macro.default)
            continue
        j = i
        while j < len(text) and text[j].isspace():
            j += 1
        if j >= len(text):
            raise ExpressionError(f"macro \\{macro.name} is missing argument {index + 1}")
        if text[j] == "{":
            value, i = _balanced(text, j, "{", "}")
        elif text[j] == "\\":
            word = _CONTROL_WORD.match(text, j)
            value, i = word.group(), word.end()
        else:
            value, i = text[j], j + 1
        args.append(value)
    return args, i
