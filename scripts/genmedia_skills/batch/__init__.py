"""generation-batch: a manifest of assets generated together, resumable.

manifest (read and check), scheduler (one heap, a small HTTP pool), runner (plan,
confirm, drive, resume), report (the batch's result.json and result.md).
"""
