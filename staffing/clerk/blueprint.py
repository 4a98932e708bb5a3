"""The clerk blueprint; its routes live in `routes` (search) and `queue` (work queue, bulk, undo)."""

from flask import Blueprint

bp = Blueprint("clerk", __name__)
