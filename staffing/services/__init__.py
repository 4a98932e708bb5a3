"""The service layer: the only place that converts between ORM rows and the records of imports/ and solver/.

Services add and flush; the caller (a view, a CLI command, a task) owns the transaction.
"""
