"""Which matcher family reads a file, chosen from its name."""

from __future__ import annotations

from . import lang_data, lang_go, lang_java, lang_js, lang_python, lang_shell
from .profile import Profile

_BY_SUFFIX = {
    ".py": "python", ".pyi": "python",
    ".java": "java",
    ".kt": "kotlin", ".kts": "kotlin",
    ".go": "go",
    ".js": "javascript", ".jsx": "javascript", ".ts": "javascript", ".tsx": "javascript",
    ".mjs": "javascript", ".cjs": "javascript", ".mts": "javascript", ".cts": "javascript",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".env": "shell",
    ".json": "json", ".jsonc": "json",
    ".yaml": "yaml", ".yml": "yaml",
    ".http": "http", ".rest": "http",
    ".md": "docs", ".markdown": "docs", ".rst": "docs", ".txt": "docs", ".adoc": "docs",
}  # fmt: skip
_BY_NAME = {"dockerfile": "shell", "makefile": "shell", ".env": "shell", "procfile": "shell"}
# Never text: the walker may pass them, the scanner declines them.
_BINARY = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".ico",
        ".pdf",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".jar",
        ".war",
        ".class",
        ".pyc",
        ".so",
        ".dll",
        ".dylib",
        ".exe",
        ".bin",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".mp3",
        ".mp4",
        ".mov",
        ".sqlite",
        ".db",
        ".lock",
    ]
)

PROFILES: dict[str, Profile] = {
    "python": lang_python.PROFILE,
    "java": lang_java.JAVA,
    "kotlin": lang_java.KOTLIN,
    "go": lang_go.PROFILE,
    "javascript": lang_js.PROFILE,
    "shell": lang_shell.PROFILE,
    "json": lang_data.JSON,
    "yaml": lang_data.YAML,
    "http": lang_data.HTTP,
    "docs": lang_data.DOCS,
    "text": lang_data.DOCS,
}


def language_for(path: str) -> str | None:
    """The language family for ``path``; ``"text"`` for unknown text, None for binaries."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name in _BY_NAME or name.startswith("dockerfile"):
        return _BY_NAME.get(name, "shell")
    dot = name.rfind(".")
    suffix = name[dot:] if dot > 0 else ""
    if suffix in _BINARY or name.endswith(".min.js"):
        return None
    return _BY_SUFFIX.get(suffix, "text")
