"""JSON Schemas loaded once (schema_registry), the fast proof that skips jsonschema when it
can (schema_precheck), and the model catalogs read as data (catalog).
Imports: core only.
"""
