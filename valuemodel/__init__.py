"""Value dashboard core: metric definitions, finance, data access and the command line."""
