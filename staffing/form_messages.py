"""WTForms' own messages in Vietnamese (WTForms ships no Vietnamese catalogue), for every form of the app.

Flask-WTF hands each form a translations object; this one answers in Vietnamese unless the user chose
English. Installed once by the app factory.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale

VI: dict[str, str] = {
    "This field is required.": "Trường này là bắt buộc.",
    "Invalid input.": "Dữ liệu không hợp lệ.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Chưa có lựa chọn nào.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Có lựa chọn không hợp lệ.",
    "Field must be between %(min)d and %(max)d characters long.": "Độ dài phải từ %(min)d đến %(max)d ký tự.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ; hãy tải lại trang.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu; hãy tải lại trang.",
    "CSRF failed.": "Mã bảo vệ biểu mẫu không hợp lệ; hãy tải lại trang.",
    "CSRF token expired.": "Mã bảo vệ biểu mẫu đã hết hạn; hãy tải lại trang.",
    "Not a valid integer value.": "Không phải số nguyên hợp lệ.",
    "Not a valid decimal value.": "Không phải số hợp lệ.",
    "Not a valid float value.": "Không phải số hợp lệ.",
    "Not a valid date value.": "Không phải ngày hợp lệ.",
    "Not a valid datetime value.": "Không phải thời điểm hợp lệ.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải không quá %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "This field cannot be edited.": "Trường này không được sửa.",
    "This field is disabled and cannot have a value.": "Trường này bị khóa, không nhận giá trị.",
}
# Vietnamese has one plural form: one text whatever the number
VI_PLURAL: dict[str, str] = {
    "Field must be at least %(min)d character long.": "Phải có ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải có đúng %(max)d ký tự.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' không phải lựa chọn hợp lệ.",
}


def _vietnamese() -> bool:
    try:
        return str(get_locale() or "vi") == "vi"
    except RuntimeError:  # outside a request: the default language
        return True


class Translations:
    def gettext(self, string: str) -> str:
        return VI.get(string, string) if _vietnamese() else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if _vietnamese() and singular in VI_PLURAL:
            return VI_PLURAL[singular]
        return singular if n == 1 else plural


translations = Translations()


def install() -> None:
    """Every FlaskForm gets these messages (WTF_I18N_ENABLED=False keeps WTForms' English)."""
    from flask import current_app
    from flask_wtf import FlaskForm

    def get_translations(self: Any, form: Any) -> Any:
        if not current_app.config.get("WTF_I18N_ENABLED", True):
            return None
        return translations

    FlaskForm.Meta.get_translations = get_translations
