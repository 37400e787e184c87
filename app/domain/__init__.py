"""The clinic's rules as pure functions over plain values (issue 16).

Nothing here imports the database, Qt or the services: a rule takes numbers, dates and
states and returns an answer. Services load the values, call these, and write; the screens
enable actions from the `can_…` flags the services return. Reports keep their SQL for speed,
and each SQL formula is tested against its twin here (tests/unit/test_domain_sql_twins.py).
"""
