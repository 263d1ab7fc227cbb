"""The service layer: every business rule lives here, once.

Both front doors (the web pages and the JSON API) call these functions with the
acting user. Services check visibility and roles, change the session and
`flush()`; the caller owns the single commit of the request or command.
"""
