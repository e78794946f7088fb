"""The vocabulary every layer shares: configuration from the environment, errors and exit
codes, task statuses, key redaction, symlink-safe file writes and provider text made inert.
Imports: nothing of the runtime but the package root; everything else may import it.
"""
