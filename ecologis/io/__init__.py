"""Reading and writing files: emissions tables, profiles, exports."""
