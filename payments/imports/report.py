"""
The answer to an upload: one entry per row, in file order, `{"<key>": "<status>"}`.

The key is what the reference keys a row by (a bank's name, the BIN as written); the status is
`created` or the row's error in words. Keys must stay unique for a JSON object, yet a file can
repeat one (a duplicate BIN, two banks of the same name with different slugs, several rows
with an empty name): a key met again is written `<key> (line <n>)`, so no entry hides another.

The answer has one entry per row, so its memory grows with the file; that is inherent in the
reference's answer. The management command uses `ImportTally` instead, which keeps counts only.
"""

CREATED = "created"


class ImportTally:
    """Counts of an import's outcome; `add` is told every row, `record` is for subclasses."""

    def __init__(self):
        self.created = 0
        self.refused = 0

    @property
    def rows(self):
        return self.created + self.refused

    def add(self, line, key, status):
        if status == CREATED:
            self.created += 1
        else:
            self.refused += 1
        self.record(line, key, status)

    def record(self, line, key, status):
        """Keep or show one row's outcome; a tally keeps nothing but the counts."""


class UploadReport(ImportTally):
    """Counts and the per-row answer of an upload (`answer`)."""

    def __init__(self):
        super().__init__()
        self.answer = {}

    def record(self, line, key, status):
        if key in self.answer:
            key = f"{key} (line {line})"
        self.answer[key] = status
