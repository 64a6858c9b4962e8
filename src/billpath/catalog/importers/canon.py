"""Map source model ids to canonical billpath models: one id per model, its maker, name and release date.

Conservative on purpose: two ids meet only when their *match key* is equal after removing what names a
channel rather than a model (region prefixes, vendor prefixes, version suffixes like `-v1:0` and `@001`,
date suffixes, `-maas`, `-latest`), spelling (case, `.` vs `-`, `v3p3` vs `3.3`), and the packaging
words `-instruct`, `-turbo`, `-fp8`. Never a substring or a guess: an unmatched id becomes a new model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_BEDROCK_GEO = re.compile(r"^(global|us-gov|us|eu|apac|jp|au|ca|regional)\.")
_VENDOR_DOT = re.compile(
    r"^(anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|qwen|writer|moonshot|moonshotai|google|nvidia"
    r"|minimax|zai|twelvelabs|luma|stability|kimi|xai|meta-llama|mistralai)\."
)
_SUFFIXES = (
    re.compile(r":(free|beta|extended|thinking|nitro|floor|online|exacto|batch)$"),
    re.compile(r"-v\d+:\d+(:\d+k)?$"),  # bedrock -v1:0, -v1:0:200k (a bare -v3 names a model: deepseek-v3)
    re.compile(r"-\d+:\d+$"),  # bedrock openai.gpt-oss-120b-1:0
    re.compile(r":\d+$"),
    re.compile(r"-maas$"),
    re.compile(r"-latest$"),
)
_BEDROCK_VERSION = re.compile(r"-v\d+$")
_MONTH_DAY = re.compile(r"-(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$")  # -0813, never -2507 (a version)
_DATE_SUFFIX = re.compile(r"(?:-|@)(20\d{2})-?(\d{2})-?(\d{2})$")
_VERSION_AT = re.compile(r"@[a-z0-9.\-]+$")
_GEMINI_VERSION = re.compile(r"^(gemini-.*?)-00\d$")
_ID_CHARS = re.compile(r"[^a-z0-9.\-]+")

# maker from the canonical id's leading word (checked in order), then from the id's organisation path
_MAKER_BY_PREFIX = (
    ("llama-3.1-sonar", "perplexity"),  # Perplexity's Sonar models built on Llama 3.1
    ("pplx", "perplexity"),
    ("claude", "anthropic"),
    ("gpt-oss", "openai"),
    ("gpt", "openai"),
    ("chatgpt", "openai"),
    ("codex", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("davinci", "openai"),
    ("babbage", "openai"),
    ("gemini", "google"),
    ("gemma", "google"),
    ("learnlm", "google"),
    ("llama", "meta"),
    ("code-llama", "meta"),
    ("codellama", "meta"),
    ("codegemma", "google"),
    ("deep-research", "google"),
    ("ada", "openai"),
    ("curie", "openai"),
    ("computer-use", "openai"),
    ("cogito", "deepcogito"),
    ("dolphin", "cognitivecomputations"),
    ("fire", "fireworks"),
    ("meta-llama", "meta"),
    ("muse", "meta"),
    ("mistral", "mistral"),
    ("mixtral", "mistral"),
    ("codestral", "mistral"),
    ("magistral", "mistral"),
    ("devstral", "mistral"),
    ("ministral", "mistral"),
    ("pixtral", "mistral"),
    ("voxtral", "mistral"),
    ("open-mistral", "mistral"),
    ("open-mixtral", "mistral"),
    ("grok", "xai"),
    ("deepseek", "deepseek"),
    ("qwen", "alibaba"),  # makers are companies: Qwen is Alibaba Cloud's
    ("qwq", "alibaba"),
    ("command", "cohere"),
    ("c4ai", "cohere"),
    ("aya", "cohere"),
    ("nova", "amazon"),
    ("titan", "amazon"),
    ("jamba", "ai21"),
    ("j2", "ai21"),
    ("kimi", "moonshot"),
    ("moonshot", "moonshot"),
    ("glm", "zai"),
    ("minimax", "minimax"),
    ("abab", "minimax"),
    ("sonar", "perplexity"),
    ("r1-1776", "perplexity"),
    ("phi", "microsoft"),
    ("mai-ds", "microsoft"),
    ("nemotron", "nvidia"),
    ("llama-3.1-nemotron", "nvidia"),
    ("hermes", "nousresearch"),
    ("ernie", "baidu"),
    ("hunyuan", "tencent"),
    ("doubao", "bytedance"),
    ("seed", "bytedance"),
    ("granite", "ibm"),
    ("palmyra", "writer"),
    ("solar", "upstage"),
    ("yi-", "01-ai"),
    ("dbrx", "databricks"),
    ("arctic", "snowflake"),
    ("lfm", "liquid"),
    ("olmo", "allenai"),
    ("step", "stepfun"),
    ("mimo", "xiaomi"),
    ("ling", "inclusionai"),
    ("ring", "inclusionai"),
)
_MAKER_BY_ORG = {
    "meta-llama": "meta",
    "meta": "meta",
    "meta-models": "meta",
    "mistralai": "mistral",
    "x-ai": "xai",
    "moonshotai": "moonshot",
    "z-ai": "zai",
    "thudm": "zai",
    "zai-org": "zai",
    "deepseek-ai": "deepseek",
    "qwen": "alibaba",
    "alibaba": "alibaba",
    "google": "google",
    "openai": "openai",
    "anthropic": "anthropic",
    "cohere": "cohere",
    "cohereforai": "cohere",
    "nvidia": "nvidia",
    "microsoft": "microsoft",
    "amazon": "amazon",
    "ai21": "ai21",
    "minimaxai": "minimax",
    "minimax": "minimax",
    "perplexity": "perplexity",
    "ibm-granite": "ibm",
    "nousresearch": "nousresearch",
}
_NAME_WORDS = {"gpt": "GPT", "glm": "GLM", "oss": "oss", "it": "IT", "vl": "VL", "moe": "MoE", "ai": "AI"}


def split_path(raw: str) -> tuple[str, str | None]:
    """`org/name` or `accounts/fireworks/models/name` -> (name, org); `@cf/meta/x` -> (x, meta)."""
    parts = [p for p in raw.split("/") if p]
    name = parts[-1] if parts else raw
    org = None
    for p in reversed(parts[:-1]):
        if p not in ("models", "accounts", "fireworks", "@cf", "@hf"):
            org = p.lower()
            break
    return name, org


@dataclass(frozen=True)
class Parsed:
    base: str  # the id with channel parts removed, lower case, dots kept: a candidate canonical id
    key: str  # the match key
    date: date | None  # a date suffix, when the id carried one
    org: str | None


def parse(raw: str) -> Parsed:
    name, org = split_path(raw.strip())
    s = name.lower().replace("_", "-")
    bedrock = _BEDROCK_GEO.match(s) is not None
    s = _BEDROCK_GEO.sub("", s)
    m = _VENDOR_DOT.match(s)
    if m:
        bedrock = True
        org = org or _MAKER_BY_ORG.get(m.group(1), org or m.group(1))
        s = s[m.end() :]
        if m.group(1) == "deepseek" and not s.startswith("deepseek"):
            s = f"deepseek-{s}"  # Bedrock's deepseek.v3 / deepseek.r1
    s = _strip_suffixes(s)
    if bedrock:  # Bedrock's version tag without its `:0` (us.anthropic.claude-opus-4-6-v1)
        s = _strip_suffixes(s, (_BEDROCK_VERSION,))
    when = None
    d = _DATE_SUFFIX.search(s)
    if d:
        try:
            when = date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
            s = s[: d.start()]
        except ValueError:
            when = None
    s = _VERSION_AT.sub("", s)
    s = _strip_suffixes(s, (_MONTH_DAY,))  # deepseek-v4-pro-0813: a snapshot tag without its year
    s = _GEMINI_VERSION.sub(r"\1", s)
    s = _strip_suffixes(s)
    s = _ID_CHARS.sub("-", s).strip("-.") or "model"
    for prefix in (
        "databricks-",
        "meta-llama-",
        "nvidia-nemotron-",
        "zai-glm-",
    ):  # vendor words some hosts put in front
        if s.startswith(prefix):
            s = s[len(prefix.split("-")[0]) + 1 :]
    return Parsed(base=s, key=match_key(s), date=when, org=org)


def _strip_suffixes(s: str, rules: tuple = _SUFFIXES) -> str:
    """Channel suffixes off, unless that would leave a bare family word (`anthropic.claude-v2:1` is Claude 2.1)."""
    for rx in rules:
        stripped = rx.sub("", s)
        if stripped != s and not any(ch.isdigit() for ch in stripped):
            continue
        s = stripped
    return s


def match_key(name: str) -> str:
    """Spelling-insensitive key: 'Llama-3.3-70B-Instruct-Turbo', 'llama-v3p3-70b-instruct' -> 'llama-3-3-70b'."""
    s = name.lower().replace("_", "-")
    s = re.sub(r"(\d)p(\d)", r"\1.\2", s)  # fireworks v3p3 -> v3.3
    s = re.sub(r"^llama-?v?(\d)", r"llama-\1", s)
    s = re.sub(r"^([a-z]+)(\d)", r"\1-\2", s)  # qwen2.5 / qwen-2.5, gemma2 / gemma-2
    s = s.replace("codellama", "code-llama").replace("gpt-35-", "gpt-3.5-")
    s = s.replace(".", "-")
    s = _INSTRUCT_BEFORE_VERSION.sub(r"\1", s)  # qwen3-235b-a22b-instruct-2507 is qwen3-235b-a22b-2507
    stripped = None
    while stripped != s:  # packaging words, in any order: -instruct-fp8-fast (Cloudflare), -versatile (Groq)
        stripped = s
        for suffix in _PACKAGING:
            if s.endswith(suffix) and len(s) > len(suffix):
                s = s[: -len(suffix)]
    return s


# Words hosts add to a model's id that name how they serve it, not which model it is. `-fast` only after
# another packaging word (Cloudflare `-instruct-fp8-fast`, Hugging Face `-instruct-fast`): `grok-4-fast` is a model.
_PACKAGING = (
    "-instruct-fp8-fast",
    "-instruct-fast",
    "-fp8-fast",
    "-fp8-dynamic",
    "-fp8",
    "-instruct-turbo",
    "-instruct",
    "-versatile",
    "-specdec",
    "-chat-hf",
    "-hf",
)
_INSTRUCT_BEFORE_VERSION = re.compile(r"-instruct(-\d{4})$")


def maker_for(model_id: str, org: str | None) -> str:
    for prefix, maker in _MAKER_BY_PREFIX:
        if model_id.startswith(prefix):
            return maker
    if org:
        return _MAKER_BY_ORG.get(org, _ID_CHARS.sub("-", org).strip("-.") or "unknown")
    return "unknown"


def family_for(model_id: str) -> str:
    m = re.match(r"[a-z]+(?:-[a-z]+)*", model_id)
    return m.group(0) if m else model_id


def display_name(model_id: str, source_name: str | None) -> str:
    """The source's display name without an 'Author: ' prefix, else one made from the id."""
    if source_name:
        name = source_name.split(": ", 1)[1] if ": " in source_name else source_name
        if name.strip():
            return name.strip()
    words = []
    for w in model_id.split("-"):
        if w in _NAME_WORDS:
            words.append(_NAME_WORDS[w])
        elif re.fullmatch(r"\d+(\.\d+)?[bkm]", w):
            words.append(w.upper())
        else:
            words.append(w[:1].upper() + w[1:])
    return " ".join(words)
