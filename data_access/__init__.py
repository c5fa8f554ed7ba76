"""The one gateway to the warehouse: engine, schema, queries and cached wrappers."""
