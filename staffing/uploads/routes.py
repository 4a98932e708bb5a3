"""Uploads: roster, merger map and framework files — preview what would change, then confirm."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..audit import record
from ..extensions import db
from ..models import ImportBatch, OldUnit, PersonDuplicate, Role
from ..services import importing, loading, pending_uploads
from ..web import xlsx_download
from .forms import ConfirmForm, ResolveDuplicateForm, UploadForm

bp = Blueprint("uploads", __name__)

ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _mine(token: str, province_code: str) -> tuple[bytes, dict]:
    try:
        return pending_uploads.load(_upload_dir(), token, province_code, current_user.id)
    except pending_uploads.UnknownUploadError:
        abort(404)


def _upload_form(province) -> UploadForm:  # type: ignore[no-untyped-def]
    form = UploadForm()
    units = db.session.scalars(
        db.select(OldUnit).where(OldUnit.province_code == province.code).order_by(OldUnit.code)
    )
    form.unit.choices = [("", "—")] + [(u.code, f"{u.code} · {u.name}") for u in units]
    return form


@bp.get("/p/<code>/imports")
@access.any_role
def index(code: str) -> ResponseReturnValue:
    """The import page: upload forms, blank templates, the files imported so far, open duplicates."""
    province = access.get_province(code, current_user)
    batches = db.session.scalars(
        db.select(ImportBatch)
        .where(ImportBatch.province_code == province.code)
        .order_by(ImportBatch.id.desc())
        .limit(300)
    ).all()
    duplicates = db.session.scalars(
        db.select(PersonDuplicate).where(
            PersonDuplicate.province_code == province.code, PersonDuplicate.status == "open"
        )
    ).all()
    return render_template(
        "uploads/index.html",
        province=province,
        form=_upload_form(province),
        batches=batches,
        duplicates=duplicates,
        resolve_form=ResolveDuplicateForm(),
    )


@bp.post("/p/<code>/imports/preview")
@access.role_required(Role.DRAFTER)
def preview(code: str) -> ResponseReturnValue:
    """Read and validate an uploaded file; show what would change without writing anything."""
    province = access.get_province(code, current_user)
    form = _upload_form(province)
    if not form.validate_on_submit():
        flash(_("Vui lòng chọn tệp cần nhập."), "danger")
        return redirect(url_for("uploads.index", code=code))
    upload = form.file.data
    filename = Path(upload.filename or "tep-tai-len.xlsx").name[-200:]
    if Path(filename).suffix.lower() not in ALLOWED_SUFFIXES:
        flash(_("Chỉ nhận tệp Excel (.xlsx, .xls) hoặc CSV."), "danger")
        return redirect(url_for("uploads.index", code=code))
    content = upload.read()
    kind = form.kind.data
    unit = form.unit.data or None
    if kind == "roster" and not unit:
        flash(_("Hãy chọn đơn vị cũ của danh sách."), "danger")
        return redirect(url_for("uploads.index", code=code))
    token = pending_uploads.stash(
        _upload_dir(),
        content,
        {
            "province": province.code,
            "user": current_user.id,
            "kind": kind,
            "unit": unit,
            "filename": filename,
        },
    )
    from ..tasks import preview_upload_task

    preview_upload_task(str(_upload_dir()), token)
    return redirect(url_for("uploads.show_preview", code=code, token=token))


@bp.get("/p/<code>/imports/<token>")
@access.role_required(Role.DRAFTER)
def show_preview(code: str, token: str) -> ResponseReturnValue:
    """The check of an uploaded file: a progress bar while it runs, then what would change."""
    province = access.get_province(code, current_user)
    _mine(token, province.code)
    status = pending_uploads.read_status(_upload_dir(), token)
    if status["state"] == "failed":
        pending_uploads.drop(_upload_dir(), token)
        flash(status["message"], "danger")
        return redirect(url_for("uploads.index", code=code))
    if status["state"] != "done":
        return render_template("uploads/checking.html", province=province, token=token, status=status)
    return render_template(
        "uploads/preview.html",
        province=province,
        outcome=status,
        token=token,
        confirm=ConfirmForm(token=token),
        layout_kinds=_layout_kinds(),
    )


def _layout_kinds() -> dict[str, str]:
    return {
        "title": _("tiêu đề"),
        "header": _("dòng tiêu đề cột"),
        "numbering": _("dòng đánh số cột"),
        "section": _("dòng mục"),
        "total": _("dòng cộng"),
        "signature": _("chữ ký"),
        "rejected": _("bị loại"),
        "ignored": _("bỏ qua"),
    }


@bp.get("/p/<code>/imports/<token>/status")
@access.role_required(Role.DRAFTER)
def preview_status(code: str, token: str) -> ResponseReturnValue:
    """Progress of the background check, for the progress bar."""
    province = access.get_province(code, current_user)
    _mine(token, province.code)
    status = pending_uploads.read_status(_upload_dir(), token)
    return {"state": status["state"], "progress": status["progress"], "message": status["message"]}


@bp.post("/p/<code>/imports/confirm")
@access.role_required(Role.DRAFTER)
def confirm(code: str) -> ResponseReturnValue:
    """Store the previewed file in one transaction: all of its accepted rows, or nothing."""
    province = access.get_province(code, current_user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    content, meta = _mine(form.token.data or "", province.code)
    try:
        outcome = importing.import_file(
            meta["kind"], content, meta["filename"], province, current_user, unit_code=meta.get("unit")
        )
    except loading.LoadError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("uploads.index", code=code))
    if not outcome.written:
        db.session.rollback()
        flash(_("Tệp có lỗi nghiêm trọng nên chưa được nhập; không có dữ liệu nào bị thay đổi."), "danger")
        return redirect(url_for("uploads.index", code=code))
    db.session.commit()
    pending_uploads.drop(_upload_dir(), form.token.data or "")
    s = outcome.summary
    flash(
        _(
            "Đã nhập %(file)s: %(new)d mới, %(upd)d cập nhật, %(same)d không đổi, %(rej)d dòng bị loại.",
            file=meta["filename"],
            new=s.created,
            upd=s.updated,
            same=s.unchanged,
            rej=s.rejected,
        ),
        "success",
    )
    return redirect(url_for("uploads.index", code=code))


@bp.get("/p/<code>/imports/report/<token>.xlsx")
@access.role_required(Role.DRAFTER)
def annotated(code: str, token: str) -> ResponseReturnValue:
    """The uploaded file with every bad cell highlighted and commented."""
    from imports.report import annotated_copy

    province = access.get_province(code, current_user)
    content, meta = _mine(token, province.code)
    result = importing.read_file(meta["kind"], content, meta["filename"], province, meta.get("unit"))
    data = annotated_copy(content, meta["filename"], result)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(meta["filename"]).stem)[:60] or "tep"
    return xlsx_download(data, f"{stem}-kiem-tra.xlsx")


@bp.get("/imports/templates/<kind>.xlsx")
@access.any_role
def blank_template(kind: str) -> ResponseReturnValue:
    """Blank import templates with dropdowns and instructions."""
    from imports import templates

    makers = {
        "roster": templates.blank_roster_template,
        "merger-map": templates.blank_merger_map_template,
        "framework": templates.blank_framework_template,
    }
    if kind not in makers:
        abort(404)
    return xlsx_download(makers[kind](), f"mau-{kind}.xlsx")


@bp.post("/p/<code>/duplicates/<int:duplicate_id>")
@access.role_required(Role.DRAFTER)
def resolve_duplicate(code: str, duplicate_id: int) -> ResponseReturnValue:
    """Decide a person listed by two units: keep them where they are, or move them to the other unit."""
    province = access.get_province(code, current_user)
    dup = db.session.get(PersonDuplicate, duplicate_id)
    if dup is None or dup.province_code != province.code or dup.status != "open":
        abort(404)
    form = ResolveDuplicateForm()
    if not form.validate_on_submit():
        abort(400)
    before = {"unit": dup.person.unit.code}
    if form.action.data == "moved":
        dup.person.unit = dup.unit
    dup.status, dup.resolved_by_id = form.action.data, current_user.id
    record(
        "resolve_duplicate",
        "person",
        user=current_user,
        entity_id=dup.person_id,
        province_code=province.code,
        person_id=dup.person_id,
        before=before,
        after={"unit": dup.person.unit.code, "decision": dup.status},
    )
    db.session.commit()
    flash(_("Đã xử lý trường hợp trùng lặp."), "success")
    return redirect(url_for("uploads.index", code=code))
