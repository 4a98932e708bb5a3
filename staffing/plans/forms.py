from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class ProposeForm(FlaskForm):
    name = StringField(_l("Tên phương án"), validators=[DataRequired(), Length(max=200)])
    commune = SelectField(_l("Phạm vi"), choices=[], validate_choice=True)
