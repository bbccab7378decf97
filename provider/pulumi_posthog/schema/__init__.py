"""pydantic-core schemas compiled from the declarations (resource fields, destination types): check's rules, docs'
JSON Schema.

Nothing here is imported by ``import pulumi_posthog``: ``pydantic_core`` loads on the first check (in the plugin), and
``pydantic`` (for its JSON Schema generator) only when the docs are generated, so a program pays nothing for them.
"""
