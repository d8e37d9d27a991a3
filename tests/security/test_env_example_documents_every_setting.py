"""`.env.example` names every environment variable settings.py reads, and the repository holds no secret."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = {"env", "env_bool", "get", "getenv"}


def variables_read_by_settings() -> set[str]:
    """Names passed as the first argument of env(), env_bool(), os.environ.get() or os.getenv() in settings.py."""
    tree = ast.parse((ROOT / "migration_platform" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name == "get" and not (isinstance(func, ast.Attribute) and ast.unparse(func.value) == "os.environ"):
            continue
        first = node.args[0]
        if name in READERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def variables_documented() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_the_parser_finds_what_settings_reads() -> None:
    found = variables_read_by_settings()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_DEBUG", "SECURE_SSL_REDIRECT"} <= found


def test_env_example_names_every_variable_settings_reads() -> None:
    missing = variables_read_by_settings() - variables_documented()
    assert not missing, f".env.example does not document: {sorted(missing)}"


def test_no_secret_is_committed() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert ".env" not in files, "a .env file is committed"
    patterns = {
        "private key": re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
        "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
        "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9]{32,}\b"),
        "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
        "Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}\b"),
        "our API token": re.compile(r"\bmpt_[A-Za-z0-9_-]{40,}\b"),
    }
    found = []
    for name in files:
        path = ROOT / name
        if name.startswith("static/vendor/") or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        found += [f"{name}: {kind}" for kind, pattern in patterns.items() if pattern.search(text)]
    assert not found, found
    example = (ROOT / ".env.example").read_text()
    key = re.search(r"^DJANGO_SECRET_KEY=(\S*)", example, flags=re.MULTILINE)
    assert key is not None and key.group(1).startswith("change-me"), "the example secret key must be a placeholder"
