from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class ProposeForm(FlaskForm):
    name = StringField("Tên phương án", validators=[DataRequired(), Length(max=200)])
    commune = SelectField("Phạm vi", choices=[], validate_choice=True)
