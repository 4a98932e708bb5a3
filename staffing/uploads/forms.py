from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired


class UploadForm(FlaskForm):
    kind = SelectField(
        "Loại tệp",
        choices=[
            ("roster", "Danh sách cán bộ, công chức của một đơn vị cũ"),
            ("merger_map", "Phương án sắp xếp đơn vị hành chính"),
            ("framework", "Khung vị trí việc làm, biên chế"),
        ],
    )
    unit = SelectField("Đơn vị cũ (với danh sách cán bộ)", choices=[], validate_choice=False)
    file = FileField("Tệp (.xlsx, .xls, .csv)", validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


class ResolveDuplicateForm(FlaskForm):
    action = SelectField(
        "Xử lý",
        choices=[
            ("kept", "Giữ ở đơn vị đã nhập trước"),
            ("moved", "Chuyển sang đơn vị của danh sách mới"),
        ],
    )
