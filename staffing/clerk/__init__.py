"""The clerk's day: global search, the commune work queue, bulk actions on a selection, undo."""
