"""Files in and out: references given by the user (URL, asset, local file), downloads of
results, delivery into the project, image sizes, formats and post-processing.
Imports: core, validation and store.
"""
