r"""The text of a document as the grader sees it: its math (display and inline), the prose
before each display, the `% engine:` comments, and the side files of declarations.

Comments never define anything: `% \newcommand` or `<!-- the \newcommand lines were moved -->`
are blanked before the macros are collected. Line numbers are those of the file.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExpressionError

BUNDLED_DECLARATIONS = Path(__file__).resolve().parent.parent.parent / "derivations" / "latex_decls"

_DISPLAY = re.compile(
    r"\$\$(?P<dollars>.*?)\$\$"
    r"|\\\[(?P<brackets>.*?)\\\]"
    r"|\\begin\{(?P<env>equation|align|gather|multline|flalign|eqnarray|displaymath|alignat|"
    r"math)(?P<star>\*?)\}(?P<body>.*?)\\end\{(?P=env)(?P=star)\}"
    r"|(?<![\\$])\$(?!\$)(?P<inline>(?:\\.|[^$\\])+?)\$"
    r"|\\\((?P<paren>.*?)\\\)", re.S)
_WRAPPERS = re.compile(r"\\(?:begin|end)\{(?:aligned|alignedat|split|gathered|multlined|array)\}"
                       r"(?:\{[^{}]*\})?")
_ENGINE_COMMENT = re.compile(r"(?<!\\)%\s*engine:(?P<text>[^\n]*)|<!--\s*engine:(?P<html>.*?)-->",
                             re.S)
_TEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
# 1,792 or 102,764,544 in running text is one number (never a list: no bracket before it)
_DIGIT_GROUPS = re.compile(r"(?<![\d,(\[{.])\d{1,3}(?:,\d{3})+(?![\d,])")
_ROLE = re.compile(r"role\s*:?\s*(?P<role>definition|assumption|step|skip)\b", re.I)
_SECTION = re.compile(r"lines\s+(?P<first>\d+)\s*-\s*(?P<last>\d+)\s*:(?P<decls>.*)$", re.I)
_EXPECT = re.compile(r"expect\s+(?:line\s+)?(?P<line>\d+)?\s*:?\s*(?P<verdict>refuted|unknown|"
                     r"error)\b\s*(?:[-:]+\s*)?(?P<note>.*)$", re.I)


@dataclass(frozen=True)
class Line:
    """One line of math: its text (alignment marks kept), where it starts, and its display."""
    text: str
    line: int
    display: int
    expect: tuple = ()           # (verdict, note) from a `% engine: expect` comment


@dataclass(frozen=True)
class Display:
    """One formula of the document: display or inline, the prose just before it (for roles),
    a `% engine: role ...` override, and whether only blanks separate it from the one before."""
    index: int
    start: int
    end: int
    line: int
    inline: bool
    prose: str
    role: str = ""
    adjacent: bool = False


class _LineNumbers:
    """Line numbers of character offsets in O(log n) each (counting newlines from the start of
    the text for every line made grading quadratic in the length of the document)."""

    def __init__(self, text: str):
        self.starts = [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) + 1


def blank(text: str, pattern: re.Pattern) -> str:
    """`text` with every match of `pattern` replaced by spaces (newlines kept)."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def without_comments(text: str) -> str:
    """The text with TeX and HTML comments (and Markdown code) blanked, offsets kept."""
    return blank(blank(blank(text, _HTML_COMMENT), _TEX_COMMENT), _CODE)


def expand_document_macros(text: str) -> tuple[dict, str]:
    """The macros the document defines outside comments, and the text with their definitions
    blanked (comments kept, for the `% engine:` ones)."""
    from ..latex_input import collect_macros
    quiet = without_comments(text)
    macros, stripped = collect_macros(quiet)
    if stripped == quiet:
        return macros, text
    merged = "".join(original if kept == seen else kept
                     for original, kept, seen in zip(text, stripped, quiet))
    return macros, merged


def read_math(text: str, *, inline: bool = True) -> tuple[list[Display], list[Line]]:
    """Every formula of `text` (inline ones unless `inline` is False) and its lines, split at
    top-level \\\\, each with its own line number in the file."""
    searchable = blank(blank(text, _HTML_COMMENT), _CODE)
    searchable = _TEX_COMMENT.sub(lambda m: m.group() if "engine:" in m.group()
                                  else re.sub(r"[^\n]", " ", m.group()), searchable)
    number_of = _LineNumbers(text)
    displays: list[Display] = []
    lines: list[Line] = []
    previous_end = previous_display_end = 0
    for match in _DISPLAY.finditer(searchable):
        group = next(g for g in ("dollars", "brackets", "body", "inline", "paren")
                     if match.group(g) is not None)
        is_inline = group in ("inline", "paren")
        between = text[previous_end:match.start()]
        if is_inline and not inline:
            previous_end = match.end()
            continue
        role = ""
        for comment in _ENGINE_COMMENT.finditer(between[-300:]):
            found = _ROLE.search(comment.group("text") or comment.group("html") or "")
            if found:
                role = found.group("role").lower()
        body = text[match.start(group):match.end(group)]
        own_role = next((_ROLE.search(c.group("text") or c.group("html") or "")
                         for c in _ENGINE_COMMENT.finditer(body)), None)
        if own_role:
            role = own_role.group("role").lower()
        index = len(displays)
        adjacent = bool(displays) and not without_comments(between).strip()
        # a display's prose runs back past inline math ("Equating ... (drop the $2$) and:")
        before = text[previous_display_end:match.start()] if not is_inline \
            else text[max(0, match.start() - 200):match.start()]
        displays.append(Display(index, match.start(), match.end(), number_of(match.start()),
                                is_inline, _prose(before), role, adjacent))
        previous_end = match.end()
        if not is_inline:
            previous_display_end = match.end()
        start = match.start(group)
        if match.group("env") == "alignat":
            body = re.sub(r"^\s*\{\d+\}", lambda m: " " * len(m.group()), body)
        if is_inline:
            body = _DIGIT_GROUPS.sub(lambda m: m.group().replace(",", " ").replace(" ", ""), body) \
                if _DIGIT_GROUPS.search(body) else body
        for piece, offset, expect in _split_lines(body):
            if piece.strip():
                lead = offset + len(piece) - len(piece.lstrip())
                lines.append(Line(piece, number_of(start + lead), index, expect))
    return displays, lines


def _prose(between: str) -> str:
    """The last sentence or two of the prose before a formula (where "suppose", "setting ... to
    zero" are said), comments removed, whitespace collapsed."""
    plain = " ".join(without_comments(between).split())
    return plain[-200:]


def _split_lines(body: str):
    """(text, offset, expectations) for each line of a display, split at top-level \\\\."""
    expects = []
    for comment in _TEX_COMMENT.finditer(body):
        found = _EXPECT.search(comment.group().lstrip("% ").replace("engine:", "", 1).strip())
        if "engine:" in comment.group() and found:
            expects.append((comment.start(), found))
    body = blank(body, _TEX_COMMENT)
    body = _WRAPPERS.sub(lambda m: " " * len(m.group()), body)
    pieces, depth, environments, start, i = [], 0, 0, 0, 0
    while i < len(body):
        if body.startswith("\\begin{", i):
            environments += 1
        elif body.startswith("\\end{", i):
            environments -= 1
        char = body[i]
        if char == "\\" and body.startswith("\\\\", i) and depth == 0 and environments == 0:
            pieces.append((body[start:i], start))
            i += 2
            spacing = re.match(r"\s*\[[^\]]*\]", body[i:])
            if spacing:
                i += spacing.end()
            start = i
            continue
        if char == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        i += 1
    pieces.append((body[start:], start))
    out = []
    for piece, offset in pieces:
        mine = tuple((found.group("verdict").lower(), found.group("note").strip())
                     for position, found in expects if offset <= position <= offset + len(piece))
        out.append((piece, offset, mine))
    return out


def engine_comments(text: str) -> tuple[str, list]:
    """The declarations in `% engine:` / `<!-- engine: -->` comments, and the `expect` lines
    (`role` comments are read with their display)."""
    declarations, expects = [], []
    for match in _ENGINE_COMMENT.finditer(text):
        content = (match.group("text") if match.group("text") is not None
                   else match.group("html")).strip()
        if content.lower().startswith("expect"):
            found = _EXPECT.match(content)
            if found and found.group("line"):
                expects.append((int(found.group("line")), found.group("verdict").lower(),
                                found.group("note").strip()))
            continue
        if _ROLE.match(content):
            continue
        declarations.append(content)
    return "; ".join(d for d in declarations if d), expects


def read_declarations_file(path: Path) -> tuple[str, list]:
    """The declarations of a side file (`#` comments, any number per line) and its expects."""
    declarations, expects = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        content = raw.split("#", 1)[0].strip()
        if not content:
            continue
        if content.lower().startswith("expect"):
            found = _EXPECT.match(content)
            if not found or not found.group("line"):
                raise ExpressionError(f"{path}:{number}: write 'expect LINE refuted [note]'")
            note = raw.split("#", 1)[1].strip() if "#" in raw and not found.group("note") \
                else found.group("note").strip()
            expects.append((int(found.group("line")), found.group("verdict").lower(), note))
            continue
        if _SECTION.match(content):
            continue                           # declaration_sections reads these
        declarations.append(content.rstrip(";"))
    return "; ".join(declarations), expects


def declaration_sections(path: Path) -> list[tuple[int, int, str]]:
    """The `lines A-B: DECLS` entries of a declarations file: (A, B, DECLS), the entries of
    one range joined in the file's order."""
    sections: dict = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        found = _SECTION.match(raw.split("#", 1)[0].strip())
        if found:
            span = (int(found.group("first")), int(found.group("last")))
            sections.setdefault(span, []).append(found.group("decls").strip().rstrip(";"))
    return [(first, last, "; ".join(parts)) for (first, last), parts in sections.items()]


def declarations_for(document: Path, explicit: Path | None) -> Path | None:
    """The declarations file of a document: --decls, else FILE.decls beside it, else the
    bundled derivations/latex_decls/<name>.decls; None if there is none."""
    if explicit is not None:
        return explicit
    for candidate in (document.with_name(document.name + ".decls"),
                      BUNDLED_DECLARATIONS / f"{document.name}.decls",
                      BUNDLED_DECLARATIONS / f"{document.stem}.decls"):
        if candidate.is_file():
            return candidate
    return None
