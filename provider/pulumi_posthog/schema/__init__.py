"""pydantic models compiled from the declarations (resource fields, destination types): check's rules, docs' schema.

Nothing here is imported by ``import pulumi_posthog``: the models load on the first check (in the plugin) or when
the docs are generated, so a program pays nothing for pydantic.
"""
