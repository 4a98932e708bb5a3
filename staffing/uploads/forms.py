from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired


class UploadForm(FlaskForm):
    kind = SelectField(
        _l("Loại tệp"),
        choices=[
            ("roster", _l("Danh sách cán bộ, công chức của một đơn vị cũ")),
            ("merger_map", _l("Phương án sắp xếp đơn vị hành chính")),
            ("framework", _l("Khung vị trí việc làm, biên chế")),
        ],
    )
    unit = SelectField(_l("Đơn vị cũ (với danh sách cán bộ)"), choices=[], validate_choice=False)
    file = FileField(_l("Tệp (.xlsx, .xls, .csv)"), validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


class ResolveDuplicateForm(FlaskForm):
    action = SelectField(
        _l("Xử lý"),
        choices=[
            ("kept", _l("Giữ ở đơn vị đã nhập trước")),
            ("moved", _l("Chuyển sang đơn vị của danh sách mới")),
        ],
    )
