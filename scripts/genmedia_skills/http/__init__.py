"""Talking to providers: one HTTP client with timeouts, retries, the never-resubmit rule and the
deadline (http_client, retry_policy), bounded answer reading, prepared requests, the rate window.
Imports: core, validation, store and media.
"""
