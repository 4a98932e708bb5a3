"""Forms of the review pages; every one carries the plan version it was made from (optimistic locking)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class VersionForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])


class ChangeForm(VersionForm):
    """One adjustment: what, who, where, and the written reason when it breaks a hard rule."""

    kind = HiddenField(validators=[DataRequired()])
    person = HiddenField(validators=[DataRequired()])
    position = HiddenField(validators=[Optional()])
    other = HiddenField(validators=[Optional()])
    commune = HiddenField(validators=[Optional()])
    forbidden = HiddenField(validators=[Optional()])
    # what the change touches as the user saw it (optimistic locking per seat and person, not per plan)
    seen = HiddenField(validators=[Optional()])
    override = BooleanField(_l("Tôi chấp nhận vượt quy định bắt buộc"))
    reason = TextAreaField(_l("Lý do"), validators=[Optional(), Length(max=2000)])


class WorkflowForm(VersionForm):
    text = TextAreaField(_l("Ý kiến"), validators=[Optional(), Length(max=4000)])


class CopyForm(FlaskForm):
    name = StringField(_l("Tên phương án mới"), validators=[DataRequired(), Length(max=200)])


class CompleteForm(VersionForm):
    """Re-solve the draft keeping its locks, forbidden pairs and current seats."""
