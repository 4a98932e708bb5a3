"""Password rules for accounts that hold personnel data."""

from __future__ import annotations

MIN_LENGTH = 10


def password_problems(password: str) -> list[str]:
    """What is wrong with this password, in Vietnamese (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.")
    if password.isalpha() or password.isdigit():
        problems.append("Mật khẩu phải có cả chữ và số hoặc ký hiệu.")
    return problems
