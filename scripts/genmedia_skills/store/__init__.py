"""Where runs live: run folders with result.json + result.md (artifact_store, result_document,
result_markdown), the per-user task_id index and state files, and when result links expire.
Imports: core and validation.
"""
