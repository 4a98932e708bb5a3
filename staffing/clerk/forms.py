"""Forms of the clerk's pages (labels through lazy gettext: the language is chosen per request)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class StatusForm(FlaskForm):
    status = HiddenField(validators=[Optional()])
    text = TextAreaField(_l("Ý kiến"), validators=[Optional(), Length(max=4000)])


class BulkForm(FlaskForm):
    # what the page showed of each thing it offers to act on (bulk.states), not the plan's version
    seen = HiddenField(validators=[Optional()])
    version = HiddenField(validators=[Optional()])
    action = HiddenField(validators=[Optional()])
    reason = StringField(_l("Lý do vượt quy định (nếu có)"), validators=[Optional(), Length(max=2000)])


class UndoForm(FlaskForm):
    entry = HiddenField(validators=[Optional()])
