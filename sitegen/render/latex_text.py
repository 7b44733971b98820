"""LaTeX text (as found in BibTeX fields) to Unicode plain text.

Real bibliographies write names and titles with accent escapes (``{\\"u}``, ``\\'{e}``,
``{\\o}``, ``\\c{c}``), case-protecting braces, a little math (``CO$_2$``, ``$\\gamma$``),
journal macros (``\\apj``) and formatting commands. Pages and citation files want plain
text, so this decodes what is common and degrades gracefully (keeps the letters, drops the
markup) for anything else: a published paper must never fail because of its bibliography.
"""

from __future__ import annotations

import re
import unicodedata

# fmt: off
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331", "t": "\u0361",
    # Math-mode accents, as in ``\ifmmode\acute{c}\else\'{c}\fi``.
    "acute": "\u0301", "grave": "\u0300", "hat": "\u0302", "ddot": "\u0308", "tilde": "\u0303",
    "bar": "\u0304", "dot": "\u0307", "breve": "\u0306", "check": "\u030c",
}

_SYMBOLS = {
    # Letters.
    "o": "ø", "O": "Ø", "ss": "ß", "SS": "SS", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ",
    "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    # Escaped characters and punctuation.
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", ",": "\u2009",
    ";": "\u2005", ":": "\u2005", " ": " ", "\\": " ", "-": "", "/": "", "@": "", "!": "",
    "textendash": "–", "textemdash": "—", "textcopyright": "©", "copyright": "©",
    "textregistered": "®", "texttrademark": "™", "textless": "<", "textgreater": ">",
    "textbackslash": "\\", "backslash": "\\", "textasciitilde": "~", "textasciicircum": "^",
    "textquotesingle": "'", "textquoteright": "’", "textquoteleft": "‘", "textquotedblleft": "“",
    "textquotedblright": "”", "textquotedbl": '"', "ldots": "…", "dots": "…", "textellipsis": "…",
    "textbullet": "•", "S": "§", "P": "¶", "dag": "†", "ddag": "‡", "pounds": "£", "euro": "€",
    "texteuro": "€", "textdegree": "°", "degree": "°", "textmu": "µ", "textperiodcentered": "·",
    "textexclamdown": "¡", "textquestiondown": "¿", "guillemotleft": "«", "guillemotright": "»",
    "textunderscore": "_", "textbar": "|", "mdash": "—", "ndash": "–", "thinspace": "\u2009",
    "enspace": "\u2002", "quad": "\u2003", "qquad": "\u2003\u2003", "space": " ",
    "nobreakspace": "\u00a0", "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX",
    # Math.
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "sim": "∼", "backsim": "∽", "simeq": "≃", "approx": "≈", "times": "×", "pm": "±",
    "mp": "∓", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "infty": "∞",
    "odot": "⊙", "cdot": "·", "circ": "∘", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "Rightarrow": "⇒", "prime": "′", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏",
    "int": "∫", "sqrt": "√", "propto": "∝", "in": "∈", "ell": "ℓ", "hbar": "ℏ", "star": "⋆",
    "ast": "∗", "langle": "⟨", "rangle": "⟩", "lvert": "|", "rvert": "|", "vert": "|", "mid": "|",
    "oplus": "⊕", "otimes": "⊗", "cup": "∪", "cap": "∩", "emptyset": "∅", "forall": "∀",
    "exists": "∃", "lesssim": "≲", "gtrsim": "≳", "ll": "≪", "gg": "≫",
}

# Journal abbreviations from the AAS macros (astronomy bibliographies use them bare).
_JOURNALS = {
    "aj": "AJ", "apj": "ApJ", "apjl": "ApJL", "apjs": "ApJS", "aap": "A&A", "astap": "A&A",
    "aaps": "A&AS", "mnras": "MNRAS", "pasp": "PASP", "pasj": "PASJ", "araa": "ARA&A",
    "nat": "Nature", "prd": "Phys. Rev. D", "prl": "Phys. Rev. Lett.", "pra": "Phys. Rev. A",
    "prb": "Phys. Rev. B", "prc": "Phys. Rev. C", "pre": "Phys. Rev. E", "physrep": "Phys. Rep.",
    "icarus": "Icarus", "jcap": "JCAP", "aapr": "A&A Rev.", "ssr": "Space Sci. Rev.",
    "solphys": "Sol. Phys.", "jgr": "J. Geophys. Res.", "grl": "Geophys. Res. Lett.",
    "cqg": "Class. Quantum Grav.", "na": "New A", "apss": "Ap&SS", "baas": "BAAS",
    "procspie": "Proc. SPIE", "planss": "Planet. Space Sci.", "nar": "New A Rev.",
}
# fmt: on

# Commands whose argument is shown as-is (formatting has no plain-text meaning).
_KEEP_ARG = frozenset(
    [
        "textit",
        "textbf",
        "emph",
        "textsc",
        "texttt",
        "textrm",
        "textsf",
        "textup",
        "textmd",
        "textsl",
        "textnormal",
        "mbox",
        "text",
        "mathrm",
        "mathit",
        "mathbf",
        "mathsf",
        "mathtt",
        "mathcal",
        "mathnormal",
        "operatorname",
        "url",
        "uline",
        "underline",
        "textsuperscript",
        "textsubscript",
        "hbox",
        "ensuremath",
        "boldsymbol",
        "bm",
    ]
)
# Commands whose argument is dropped (sorting hacks, invisible boxes).
_DROP_ARG = frozenset(
    ["noopsort", "vphantom", "hphantom", "phantom", "SortNoop", "sortnoop", "label"]
)
# Declarations that change fonts and produce nothing themselves.
_DECLARATIONS = frozenset(
    [
        "em",
        "it",
        "bf",
        "tt",
        "rm",
        "sc",
        "sf",
        "sl",
        "up",
        "md",
        "normalfont",
        "itshape",
        "bfseries",
        "upshape",
        "scshape",
        "ttfamily",
        "rmfamily",
        "sffamily",
        "mdseries",
        "slshape",
        "relax",
        "protect",
        "displaystyle",
        "textstyle",
        "scriptstyle",
        "small",
        "footnotesize",
        "large",
        "Large",
        "tiny",
        "normalsize",
        "huge",
        "left",
        "right",
        "big",
        "Big",
        "bigl",
        "bigr",
        "nolinkurl",
        "xspace",
        "unskip",
    ]
)
_DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "E": "𝔼"}
_SUB = dict(zip("0123456789+-=()aeoxhklmnpstij", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ", strict=True))
_SUP = dict(zip("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", strict=True))
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_IFMMODE = re.compile(r"\\ifmmode\s*(.*?)\\else\s*(.*?)\\fi(\{\})?", re.DOTALL)
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_PLAIN_TEXT = re.compile(r"[^{}$\\~\-`']+")
"""A run of characters that stand for themselves in text mode (decoded in one step)."""
_MARKUP = re.compile(r"[{}$\\~]")
"""What only ``_decode`` can read: without any of these, text decodes by ``_ligatures``."""
_PLAIN_MATH = re.compile(r"[^{}$\\_^\s]+")
"""The same in math mode, where whitespace is dropped and ``_``/``^`` script."""


_TILDE_ESCAPE = re.compile(r"\\(?:textasciitilde|string~|~)\s*(\{\})?")
_URL_COMMAND = re.compile(r"\\url\{([^{}]*)\}")
_ESCAPED_CHAR = re.compile(r"\\([_%&#$~])")


_LITERAL = re.compile(r"[^\s{}$\\~`'-]++(?:[ `'-][^\s{}$\\~`'-]++)*+")
"""Text ``latex_to_unicode`` gives back as it is, if it is NFC: no markup, no two of
space, dash or quote in a row (no ligature, no whitespace to collapse), none at either end
and no other whitespace. Each character belongs to one part, so a match is linear."""


def decodes_to_itself(text: str) -> bool:
    """Whether ``latex_to_unicode(text) == text`` by a quick look (most titles, journal
    names and numbers); False when it cannot tell cheaply."""
    return _LITERAL.fullmatch(text) is not None and (
        text.isascii() or unicodedata.is_normalized("NFC", text)
    )


def latex_to_unicode(text: str) -> str:
    """Decode a BibTeX field value to plain Unicode (braces removed, whitespace collapsed)."""
    if _MARKUP.search(text) is None:
        out = _ligatures(text)  # most titles, journal names and page ranges
    else:
        if "\\" in text:
            text = _IFMMODE.sub(lambda m: "{" + m.group(2) + "}", text)
        out, _ = _decode(text, 0, math=False, stop="")
    out = unicodedata.normalize("NFC", out)
    if "  " in out or not out.isprintable():  # else no run for ``_SPACES`` to collapse
        out = _SPACES.sub(" ", out)
    return out.strip()


def _ligatures(text: str) -> str:
    """What ``_decode`` makes of text without markup: dashes and quotes from doubled
    ``-``, ````` and ``'``. Left to right, a run of hyphens gives em dashes by three and
    an en dash for two left over, as replacing the triples first does."""
    if "--" in text:
        text = text.replace("---", "—").replace("--", "–")
    if "``" in text:
        text = text.replace("``", "“")
    if "''" in text:
        text = text.replace("''", "”")
    return text


def verbatim_to_unicode(text: str) -> str:
    """Decode a URL-like field (url, doi, eprint): only braces and escapes, no ligatures."""
    if "\\" in text:  # escapes to undo (most URLs and DOIs have none)
        text = _TILDE_ESCAPE.sub("~", text)
        text = _URL_COMMAND.sub(r"\1", text)
        text = _ESCAPED_CHAR.sub(r"\1", text)
    return _SPACES.sub("", text.replace("{", "").replace("}", ""))


def _decode(s: str, i: int, *, math: bool, stop: str) -> tuple[str, int]:
    """Decode ``s`` from ``i`` up to the unmatched ``stop`` char (``}`` or ``$``)."""
    out: list[str] = []
    n = len(s)
    plain = _PLAIN_MATH if math else _PLAIN_TEXT
    while i < n:
        run = plain.match(s, i)
        if run is not None:
            out.append(run.group())
            i = run.end()
            continue
        c = s[i]
        if stop and c == stop:
            return "".join(out), i + 1
        if c == "{":
            inner, i = _decode(s, i + 1, math=math, stop="}")
            out.append(inner)
        elif c == "}":
            i += 1  # unbalanced closing brace: drop it
        elif c == "$":
            if s.startswith("$$", i):
                inner, i = _decode(s, i + 2, math=True, stop="$")
                i += 1 if i < n and s[i] == "$" else 0
            else:
                inner, i = _decode(s, i + 1, math=True, stop="$")
            out.append(inner)
        elif c == "\\":
            text, i = _command(s, i, math=math)
            out.append(text)
        elif math and c in "_^":
            arg, i = _argument(s, i + 1, math=True)
            table = _SUB if c == "_" else _SUP
            mapped = "".join(table.get(ch, "") for ch in arg)
            out.append(mapped if len(mapped) == len(arg) else arg)
        elif math and c.isspace():
            i += 1
        elif not math and c == "~":
            out.append("\u00a0")
            i += 1
        elif not math and s.startswith("---", i):
            out.append("—")
            i += 3
        elif not math and s.startswith("--", i):
            out.append("–")
            i += 2
        elif not math and s.startswith("``", i):
            out.append("“")
            i += 2
        elif not math and s.startswith("''", i):
            out.append("”")
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out), i


def _command(s: str, i: int, *, math: bool) -> tuple[str, int]:
    """Decode the control sequence at ``s[i] == '\\\\'``."""
    m = _COMMAND.match(s, i)
    if m is None:  # a lone trailing backslash
        return "", i + 1
    name, i = m.group(1), m.end()
    if name.isalpha():
        while i < len(s) and s[i] in " \t\n":
            i += 1  # TeX skips spaces after a control word
    if name in _ACCENTS:
        arg, i = _argument(s, i, math=math)
        if not arg:
            return _ACCENTS[name], i
        base = {"ı": "i", "ȷ": "j"}.get(arg[0], arg[0])
        return base + _ACCENTS[name] + arg[1:], i
    if name == "mathbb":
        arg, i = _argument(s, i, math=math)
        return "".join(_DOUBLE_STRUCK.get(ch, ch) for ch in arg), i
    if name in ("textsubscript", "textsuperscript"):
        arg, i = _argument(s, i, math=math)
        table = _SUB if name == "textsubscript" else _SUP
        mapped = "".join(table.get(ch, "") for ch in arg)
        return (mapped if len(mapped) == len(arg) else arg), i
    if name in ("href",):
        _, i = _argument(s, i, math=math)
        return _argument(s, i, math=math)
    if name in ("frac", "dfrac", "tfrac"):
        num, i = _argument(s, i, math=math)
        den, i = _argument(s, i, math=math)
        return f"{num}/{den}", i
    if name in _KEEP_ARG:
        return _argument(s, i, math=math)
    if name in _DROP_ARG:
        _, i = _argument(s, i, math=math)
        return "", i
    if name in _SYMBOLS:
        return _SYMBOLS[name], i
    if name in _DECLARATIONS:
        return "", i
    if name.lower() in _JOURNALS:
        return _JOURNALS[name.lower()], i
    if name in ("ifmmode", "else", "fi"):
        return "", i
    if i < len(s) and s[i] == "{":  # unknown command with an argument: keep the argument
        return _argument(s, i, math=math)
    return name if name.isalpha() else "", i  # unknown word command: keep its letters


def _argument(s: str, i: int, *, math: bool) -> tuple[str, int]:
    """One TeX argument: a braced group, a control sequence or a single character."""
    while i < len(s) and s[i] in " \t\n":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        return _decode(s, i + 1, math=math, stop="}")
    if s[i] == "\\":
        return _command(s, i, math=math)
    if s[i] == "}":
        return "", i
    return s[i], i + 1
