"""Marshmallow schemas: request bodies are checked for shape and type here (unknown
fields are refused); the services check the rules."""
