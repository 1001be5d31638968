"""Speakable text: what an interviewer writes ("p95", "O(n log n)", "C++", "2x", a URL)
turned into the words a person would say, before any engine sees it.

Neural voices read raw symbols badly or not at all, and espeak-ng's own rules
say "API" as a word; spelling things out here keeps every engine saying the
same words, and keeps digits and symbols from reaching the synthesiser.
"""

from __future__ import annotations

import re

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
             "nine": "ninth", "twelve": "twelfth"}  # fmt: skip

# Read as words, not letters (what people in the field say).
WORD_ACRONYMS = {
    "REST": "rest", "JSON": "jason", "CRUD": "crud", "SaaS": "sass", "PaaS": "pass",
    "GUI": "gooey", "YAML": "yammel", "NASA": "nasa", "LINQ": "link", "OAuth": "oh auth",
    "GraphQL": "graph Q-L", "PostgreSQL": "postgres Q-L", "MySQL": "my S-Q-L", "NoSQL": "no S-Q-L",
    "iOS": "I-O-S", "macOS": "mac O-S", "WebRTC": "web R-T-C", "JavaScript": "JavaScript",
    "TypeScript": "TypeScript", "GitHub": "GitHub", "DevOps": "dev ops", "ASCII": "askey",
    "SCSI": "scuzzy", "WYSIWYG": "wizzywig", "CAPTCHA": "captcha", "LAN": "lan", "WAN": "wan",
    "RAM": "ram", "ROM": "rom", "SIM": "sim", "PIN": "pin", "CORS": "cors", "SOAP": "soap",
    "AJAX": "ajax", "OWASP": "oh wasp", "SOLID": "solid", "DRY": "dry", "KISS": "kiss",
    "YAGNI": "yagnee", "gRPC": "G-R-P-C", "npm": "N-P-M", "kubectl": "cube control",
    "NaN": "not a number", "README": "read me", "FAQ": "F-A-Q",
    "I": "I", "A": "A",
}  # fmt: skip
# Whole tokens with symbols in them; longest first so "C++" wins over "C".
SYMBOL_TERMS = {
    "C++": "C plus plus", "C#": "C sharp", "F#": "F sharp", ".NET": "dot net", "Node.js": "node J-S",
    "Vue.js": "view J-S", "Next.js": "next J-S", "ASP.NET": "A-S-P dot net", "A/B": "A-B",
    "CI/CD": "C-I-C-D", "TCP/IP": "T-C-P-I-P", "I/O": "I-O", "24/7": "twenty four seven",
    "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus", "vs": "versus",
    "&&": "and", "||": "or", "==": "equals", "!=": "not equal to", "<=": "at most",
    ">=": "at least", "->": "to", "=>": "to",
}  # fmt: skip
UNITS = {
    "ms": "milliseconds", "µs": "microseconds", "us": "microseconds", "ns": "nanoseconds",
    "s": "seconds", "sec": "seconds", "min": "minutes", "h": "hours", "hr": "hours",
    "KB": "kilobytes", "MB": "megabytes", "GB": "gigabytes", "TB": "terabytes", "PB": "petabytes",
    "kb": "kilobits", "Mb": "megabits", "Gb": "gigabits", "Mbps": "megabits per second",
    "Gbps": "gigabits per second", "Hz": "hertz", "kHz": "kilohertz", "MHz": "megahertz",
    "GHz": "gigahertz", "rps": "requests per second", "RPS": "requests per second",
    "QPS": "queries per second", "qps": "queries per second", "TPS": "transactions per second",
    "k": "thousand", "K": "thousand", "M": "million", "B": "billion", "x": "times", "X": "times",
}  # fmt: skip
SYMBOLS = {
    "%": " percent", "&": " and ", "+": " plus ", "=": " equals ", "@": " at ", "#": " number ",
    "<": " less than ", ">": " greater than ", "*": " times ", "^": " to the power of ",
    "~": " about ", "/": " slash ", "\\": " backslash ", "|": " pipe ", "_": " underscore ",
    "$": " dollars ", "€": " euros ", "£": " pounds ", "°": " degrees ",
}  # fmt: skip
SINGULAR_UNITS = {"seconds": "second", "milliseconds": "millisecond", "minutes": "minute", "hours": "hour"}

_URL = re.compile(r"\b(?:https?://|www\.)[^\s,;!)]+[^\s,;!?).]|\b[a-z0-9-]+\.(?:com|org|io|dev|net)\b(?:/\S*)?")
_BIG_O = re.compile(r"\bO\(([^()]*)\)")
_PERCENTILE = re.compile(r"\b[pP](\d{2}(?:\.\d+)?)\b")
_VERSION = re.compile(r"\b[vV](\d+(?:\.\d+)+)\b")
_NUM = r"-?\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER_UNIT = re.compile(r"(?<![\w.])(" + _NUM + r")\s?(" + "|".join(
    sorted((re.escape(u) for u in UNITS), key=len, reverse=True)) + r")(?![\w])")  # fmt: skip
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_NUMBER = re.compile(r"(?<![\w])(" + _NUM + ")")
_CAPS = re.compile(r"\b([A-Z][A-Z0-9]*[A-Z](?:s)?|[A-Z]{2,}s?)\b")
_CURRENCY = re.compile(r"([$€£])\s?(" + _NUM + r")\s?(k|K|M|B|million|billion|thousand)?")
_CURRENCY_WORDS = {"$": "dollars", "€": "euros", "£": "pounds"}
# anything an engine might read wrongly or skip: checked by the tests on every question
SPEAKABLE = re.compile(r"[A-Za-z ,.?!'\-:;]*")


def number_words(value: str) -> str:
    """'1,250' -> 'one thousand two hundred fifty'; '0.5' -> 'zero point five'."""
    value = value.replace(",", "")
    sign = "minus " if value.startswith("-") else ""
    whole, _, frac = value.lstrip("-").partition(".")
    words = _int_words(int(whole or "0"))
    if frac:
        words += " point " + " ".join(_ONES[int(d)] for d in frac)
    return sign + words


def _int_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + _int_words(rest))
    if 1100 <= n < 10000 and n % 100 and 1900 <= n < 2100:
        return _int_words(n // 100) + " " + _int_words(n % 100)  # years: "twenty twenty five"
    for scale, name in _SCALES:
        if n >= scale:
            rest = n % scale
            return _int_words(n // scale) + " " + name + ("" if rest == 0 else " " + _int_words(rest))
    raise AssertionError("unreachable")


def _ordinal(match: re.Match[str]) -> str:
    words = _int_words(int(match.group(1))).split()
    last = words[-1]
    if last in _ORDINALS:
        words[-1] = _ORDINALS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def _number_unit(match: re.Match[str]) -> str:
    number, unit = match.group(1), match.group(2)
    words = UNITS[unit]
    if number.replace(",", "") in ("1", "-1") and words in SINGULAR_UNITS:
        words = SINGULAR_UNITS[words]
    return f"{number_words(number)} {words}"


def _currency(match: re.Match[str]) -> str:
    symbol, number, scale = match.groups()
    scale_words = f" {UNITS.get(scale, scale)}" if scale else ""
    return f"{number_words(number)}{scale_words} {_CURRENCY_WORDS[symbol]}"


def _url(match: re.Match[str]) -> str:
    url = re.sub(r"^https?://", "", match.group(0))
    url = url.removeprefix("www.")
    spoken = url.replace(".", " dot ").replace("/", " slash ").replace("-", " dash ")
    spoken = spoken.replace("?", " question mark ").replace("=", " equals ").replace("&", " and ")
    return re.sub(r"\s+", " ", spoken).strip()


def _big_o(match: re.Match[str]) -> str:
    inner = match.group(1).replace("^2", " squared").replace("^3", " cubed").replace("*", " times ")
    inner = inner.replace("^", " to the power of ")
    return f"big O of {inner.strip()}"


def _spell(match: re.Match[str]) -> str:
    token = match.group(1)
    if token in WORD_ACRONYMS:
        return WORD_ACRONYMS[token]
    plural = token.endswith("s") and token[:-1].isupper() and len(token) > 2
    stem = token[:-1] if plural else token
    if stem in WORD_ACRONYMS:
        return WORD_ACRONYMS[stem] + ("s" if plural else "")
    # hyphens make Piper say letters ("A-P-I"); with spaces it ran them into words ("of PI")
    letters = "-".join(number_words(c) if c.isdigit() else c for c in stem)
    return letters + ("s" if plural else "")


def _terms(text: str) -> str:
    for term in sorted(SYMBOL_TERMS, key=len, reverse=True):
        pattern = r"(?<![\w])" + re.escape(term) + (r"(?![\w])" if term[-1].isalnum() else "")
        text = re.sub(pattern, " " + SYMBOL_TERMS[term] + " ", text, flags=re.IGNORECASE)
    for term, words in WORD_ACRONYMS.items():
        if not term.isupper():  # mixed case ("gRPC", "OAuth") escapes the capitals rule
            text = re.sub(r"\b" + re.escape(term) + r"\b", words, text)
    return text


def speakable(text: str) -> str:
    """The words to synthesise for `text`: no digits, no symbols an engine could skip."""
    text = text.replace("`", "").replace("\u2019", "'").replace("\u2014", ", ").replace("\u2013", " to ")
    text = _URL.sub(_url, text)
    text = _BIG_O.sub(_big_o, text)
    text = _terms(text)
    text = re.sub(r"(?<=\w)[“”\"]|[“”\"](?=\w)", "", text)
    text = re.sub(r"[()\[\]{}]", ", ", text)
    text = _PERCENTILE.sub(lambda m: f"P {number_words(m.group(1))}", text)
    text = _VERSION.sub(lambda m: "version " + " point ".join(number_words(p) for p in m.group(1).split(".")),
                        text)  # fmt: skip
    text = _CURRENCY.sub(_currency, text)
    text = re.sub(r"(\d)\s?%", r"\1 percent", text)
    text = _NUMBER_UNIT.sub(_number_unit, text)
    text = _ORDINAL.sub(_ordinal, text)
    text = re.sub(r"(?<=[A-Za-z])(\d+)", lambda m: " " + number_words(m.group(1)), text)  # "S3", "EC2"
    text = _NUMBER.sub(lambda m: number_words(m.group(1)), text)
    text = _CAPS.sub(_spell, text)
    for symbol, words in SYMBOLS.items():
        text = text.replace(symbol, words)
    text = re.sub(r"\s+([,.?!:;])", r"\1", text)
    text = re.sub(r",(\s*,)+", ",", text)
    text = re.sub(r"^[\s,]+", "", text)
    return re.sub(r"\s+", " ", text).strip()


def unspoken(text: str) -> str:
    """Characters of `text` outside what every engine reads as words and pauses."""
    return "".join(sorted(set(re.sub(SPEAKABLE.pattern, "", text))))
