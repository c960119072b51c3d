"""The published catalog: public data of every lint-clean submission, as JSON and a static site.

``public`` decides what may be published (by walking the schemas, never copying a mapping),
``history`` reads dates from git, ``build`` writes the whole catalog atomically, ``apps`` makes
each app's files where its folder is linted, ``manifest`` lets the next build reuse them,
``site`` renders the HTML, ``preview`` renders one entry as Markdown for a pull request.
"""


class CatalogError(Exception):
    """The catalog cannot be built as asked (an unsafe output folder, a bad base URL)."""
