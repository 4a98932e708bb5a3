from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = StringField("Thư điện tử", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Ghi nhớ đăng nhập")
