"""Provider adapters: one package per provider; knowledge of endpoints, fields and statuses."""
