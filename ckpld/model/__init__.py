"""The data and its rules: reading the source files, validating them against the SHACL shapes and
ckpld's own rules, and reporting what does not conform."""
