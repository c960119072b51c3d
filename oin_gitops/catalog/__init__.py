"""The published catalog: public data of every lint-clean submission, as JSON and a static site.

``public`` decides what may be published (by walking the schemas, never copying a mapping),
``history`` reads dates from git, ``build`` writes the whole catalog atomically, ``site``
renders the HTML, ``preview`` renders one entry as Markdown for a pull request.
"""
