"""The endpoint benchmark's peers: servers that answer the same queries as ``kg serve``."""
