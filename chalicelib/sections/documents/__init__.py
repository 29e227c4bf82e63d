"""Visit summaries and test results (issue 13, point 2): documents of a patient kept
in the private documents bucket (`storage`), their metadata and release state in the
`documents` table (`models.DocumentModel`).

- `staff`: staff holding `documents.manage` upload (a presigned POST, then a
  confirmation the server checks with a HEAD), enter a test result's values
  (`values`), release, and list/open a patient's documents (access-logged).
- `patient`: the patient side (guard `section_access("test_results")` or
  `("visit_summaries")`): the released documents of that section, one Query a page,
  and a download link (a presigned GET valid 60 s, as an attachment).

A document's kind decides its section: a test result is in Test results; a visit
summary, and any other document, in Visit summaries.
"""
from __future__ import annotations

VISIT_SUMMARIES = "visit_summaries"
TEST_RESULTS = "test_results"
KINDS: dict[str, str] = {"visit_summary": VISIT_SUMMARIES, "test_result": TEST_RESULTS, "other": VISIT_SUMMARIES}
# The patient counter of released documents not yet opened on the patient side, per section.
NEW_COUNT: dict[str, str] = {TEST_RESULTS: "results_new", VISIT_SUMMARIES: "summaries_new"}
CONTENT_TYPES: dict[str, str] = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
MAX_BYTES = 20 * 1024 * 1024      # an uploaded file, at most
UPLOAD_SECONDS = 600              # a presigned POST is valid this long
DOWNLOAD_SECONDS = 60             # a presigned GET is valid this long
TITLE_MAX = 200
PAGE_SIZE = 25


def section_of(kind: str) -> str:
    return KINDS[kind]
