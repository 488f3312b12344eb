"""Demo data for trying Sodan locally: texts in `content`, the logic that loads them in
`loader`, run by `python manage.py load_demo`.

Kept apart from the command so the texts can be read and edited without wading through
code, and so tests can call the loader directly.
"""
