"""The journal on disk -> validated data with source lines."""
