"""Rules whose diagnostics come from the loader and the engine: unreadable input and schema errors."""

from __future__ import annotations

from oin_gitops.rules.base import reserved_rule

FILE_NOT_REGULAR = reserved_rule(
    "file-not-regular",
    "Submissions hold only regular files and folders.",
    "Replace the symbolic link, FIFO or device with a regular file.",
    """Symbolic links, FIFOs, sockets and devices are reported and never opened, so a link to a
    file outside the repository cannot leak it.

    Passes: ``logo.png`` as a file. Fails: ``logo.png -> ../../secrets/key.png``.""",
)
FILE_TOO_LARGE = reserved_rule(
    "file-too-large",
    "Files are no larger than their kind allows (YAML: 65,536 bytes).",
    "Shrink the file; it is not read past the limit.",
    """Oversized files are refused before they are read.

    Passes: a 2 KB ``submission.yaml``. Fails: a 1 MB ``saml.yaml``.""",
)
FILE_UNREADABLE = reserved_rule(
    "file-unreadable",
    "Every file can be read.",
    "Check the file's permissions, or recreate it.",
    """A file the operating system refuses to read is reported, and the run goes on.

    Passes: a readable file. Fails: a file without read permission.""",
)
FILE_ENCODING = reserved_rule(
    "file-encoding",
    "YAML files are UTF-8 text without NUL bytes or control characters.",
    "Save the file as UTF-8 text.",
    """Passes: UTF-8 text (a byte order mark is accepted). Fails: Latin-1 or UTF-16 text, binary
    data, a control character such as U+0007.""",
)
FILE_EMPTY = reserved_rule(
    "file-empty",
    "YAML files are not empty.",
    "Fill in the file, or delete it if the protocol does not apply. For an empty "
    "submission.yaml, copy the one 'oin-gitops new SLUG --protocol saml --repo "
    "/tmp/oin-scaffold' writes, or an example's, and replace its values.",
    """An empty ``submission.yaml`` is told how to start one from the scaffold; an empty protocol
    file is filled in, or deleted when the protocol does not apply.

    Passes: a file with keys. Fails: an empty file, or one holding only comments.""",
)
YAML_SYNTAX = reserved_rule(
    "yaml-syntax",
    "YAML files parse.",
    "Fix the YAML syntax at the position given (indentation, quotes, brackets).",
    """Includes tabs used for indentation and values that look like dates but are not valid.

    Passes: ``name: Acme``. Fails: ``name: [Acme`` or a tab before a key.""",
)
YAML_DUPLICATE_KEY = reserved_rule(
    "yaml-duplicate-key",
    "No key appears twice in one mapping.",
    "Keep one of the two entries.",
    """Many YAML readers silently keep the last value; this one refuses.

    Passes: one ``name:`` per mapping. Fails: ``name: A`` followed by ``name: B``.""",
)
YAML_ANCHOR = reserved_rule(
    "yaml-anchor",
    "No anchors (&) or aliases (*).",
    "Write values out in full.",
    """Anchors and aliases are the vector of "billion laughs" YAML bombs and no submission
    needs them.

    Passes: values written out. Fails: ``base: &b https://acme.example`` then ``url: *b``.""",
)
YAML_TAG = reserved_rule(
    "yaml-tag",
    "No YAML tags (!!str, !custom, ...).",
    "Remove the tag; quote the value if it must be text.",
    """Passes: ``version: "1.0"``. Fails: ``version: !!str 1.0``.""",
)
YAML_MULTIPLE_DOCUMENTS = reserved_rule(
    "yaml-multiple-documents",
    "One YAML document per file.",
    "Remove the '---' separator and what follows it.",
    """Passes: a single document. Fails: ``---`` followed by a second document.""",
)
YAML_TOO_DEEP = reserved_rule(
    "yaml-too-deep",
    "YAML is nested at most 32 levels deep.",
    "Flatten the structure.",
    """Deep nesting is refused before the document is built.

    Passes: the submission format. Fails: ``[[[[...]]]]`` nested 33 levels.""",
)
YAML_NUMBER_RANGE = reserved_rule(
    "yaml-number-range",
    "Numbers fit in 64 bits and floats are finite.",
    "Quote the value if it is text, or use a smaller number.",
    """Passes: ``index: 1``. Fails: ``index: 99999999999999999999`` or ``x: 1e999``.""",
)
YAML_KEY_TYPE = reserved_rule(
    "yaml-key-type",
    "Mapping keys are text.",
    "Quote the key or use a word.",
    """Passes: ``name: x``. Fails: ``1: x``, ``null: x``, ``[a]: x``.""",
)
YAML_NOT_MAPPING = reserved_rule(
    "yaml-not-mapping",
    "The top level of a YAML file is a mapping of keys.",
    "Start the file with 'key: value' lines.",
    """Passes: ``app: ...``. Fails: a file that is a list or a single value.""",
)
SCHEMA = reserved_rule(
    "schema",
    "Every YAML file matches its JSON Schema in schemas/.",
    "Follow the message; the key's description in the schema says what it holds.",
    """Types, required keys, lengths, patterns, enumerations and counts come from the schemas.
    A missing key is reported at its parent, an unknown key at the key, a wrong value at the
    value, and a list error at the item.

    Passes: ``name: Acme Notes``. Fails: ``name:`` with 65 characters.""",
)
CONFIG = reserved_rule(
    "config",
    "The repository configuration .oin-gitops.yaml is valid (errors exit with status 2).",
    "Fix .oin-gitops.yaml as the message says; schemas/config.schema.json describes every key.",
    """Passes: the shipped ``.oin-gitops.yaml``. Fails: an unknown key, or ``rules`` naming an
    unknown rule id.""",
)

RESERVED = (
    FILE_NOT_REGULAR,
    FILE_TOO_LARGE,
    FILE_UNREADABLE,
    FILE_ENCODING,
    FILE_EMPTY,
    YAML_SYNTAX,
    YAML_DUPLICATE_KEY,
    YAML_ANCHOR,
    YAML_TAG,
    YAML_MULTIPLE_DOCUMENTS,
    YAML_TOO_DEEP,
    YAML_NUMBER_RANGE,
    YAML_KEY_TYPE,
    YAML_NOT_MAPPING,
    SCHEMA,
    CONFIG,
)
